using MicroMarket.Simulation.Physics;

namespace MicroMarket.Agents.Actors;

/// <summary>The grid operator solves one slot's physics from every unit's proposal, and at the end tells what the feeder saw.</summary>
public static class GridProtocol
{
    public sealed record SolveSlot(long PhaseId, int Slot, IReadOnlyList<UnitDelivery> Units);

    public sealed record SlotSolved(long PhaseId, int Slot, IReadOnlyList<UnitFlow> Flows, SlotPhysics Physics);

    public sealed record SolveFailed(long PhaseId, int Slot, string Reason);

    /// <summary>Asks for the feeder as the run has left it (for buses.csv and lines.csv).</summary>
    public sealed record RecordFeeder
    {
        public static RecordFeeder Instance { get; } = new();
    }

    public sealed record FeederRecorded(FeederRecord Feeder);

    /// <summary>Asks, between two phases, for the feeder's state for a checkpoint.</summary>
    public sealed record SaveFeeder
    {
        public static SaveFeeder Instance { get; } = new();
    }

    public sealed record FeederSaved(FeederPhysicsState State);
}
