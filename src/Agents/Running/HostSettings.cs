using MicroMarket.Simulation.Running;
namespace MicroMarket.Agents.Running;

/// <summary>
/// How the market host runs a plan: where the run directory goes, which chain,
/// how long units may take to come online and to answer, whom to tell about progress and the end.
/// </summary>
public sealed record HostSettings(ScenarioPlan Plan, string OutputDirectory, ChainSettings Chain, TaskCompletionSource<RunResult> Finished)
{
    /// <summary>Longer than any healthy unit takes, so that in a healthy run no unit ever counts as absent.</summary>
    public TimeSpan UnitReplyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(2);

    public Action<RunProgress>? Progress { get; init; }

    /// <summary>What the operator should know as it happens: a unit gone, back, or refused.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>Someone whose transactions are mined ahead of every batch of the run (tests only: a griefer).</summary>
    public IFrontRunner? FrontRunner { get; init; }

    /// <summary>Readings of simulated units lost between the meter and the market, by (unit id, slot): they settle as missing.</summary>
    public IReadOnlySet<(string Unit, int Slot)> LostReadings { get; init; } = new HashSet<(string, int)>();

    /// <summary>After each phase, save a checkpoint in the run directory (a market node: docs/cluster.md, "Resuming a market node").</summary>
    public bool Checkpoints { get; init; }

    /// <summary>The checkpoint a resumed run takes up (null: a new run, which deploys and funds the market).</summary>
    public MarketResume? Resume { get; init; }

    /// <summary>The wall clock: what live phases wait for, and what the run's duration is measured on.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
