namespace MicroMarket.Grid.Solve;

/// <summary>
/// How the feeder is fed. Grid-connected: by the source's Thevenin equivalent through the transformers.
/// Island: the transformers are open and the slack unit at <see cref="SlackBus"/> forms the grid, a balanced
/// ideal voltage source of <see cref="SlackVoltagePu"/> (on the bus's line-to-neutral base) with phase A at
/// <see cref="SlackAngleDeg"/>; it supplies whatever the island's loads and losses need.
/// A value type, so passing a mode to every solve allocates nothing.
/// </summary>
public readonly record struct PowerFlowMode
{
    private PowerFlowMode(bool isIsland, int slackBus, double slackVoltagePu, double slackAngleDeg)
    {
        IsIsland = isIsland;
        SlackBus = slackBus;
        SlackVoltagePu = slackVoltagePu;
        SlackAngleDeg = slackAngleDeg;
    }

    public bool IsIsland { get; }

    /// <summary>Index into <see cref="Model.Network.Buses"/> of the grid-forming unit's bus; -1 when grid-connected.</summary>
    public int SlackBus { get; }

    public double SlackVoltagePu { get; }
    public double SlackAngleDeg { get; }

    public static PowerFlowMode GridConnected { get; } = new(false, -1, 0.0, 0.0);

    /// <summary>Island mode with the slack unit at bus index <paramref name="slackBus"/>.</summary>
    public static PowerFlowMode Island(int slackBus, double voltagePu = 1.0, double angleDeg = 0.0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slackBus);
        if (!(voltagePu is > 0.5 and < 1.5))
        {
            throw new ArgumentOutOfRangeException(nameof(voltagePu), voltagePu, "slack voltage set-point must be within 0.5..1.5 pu");
        }
        return new PowerFlowMode(true, slackBus, voltagePu, angleDeg);
    }
}
