using MicroMarket.Simulation;
using MicroMarket.Simulation.Recording;
using MicroMarket.Simulation.Running;

namespace MicroMarket.Agents.Actors;

/// <summary>The clock's own protocol: start, a graceful stop, progress and the end of the run.</summary>
public static class ClockProtocol
{
    public sealed record Start;

    /// <summary>
    /// Finish the phase under way, then stop (Ctrl+C): the run is kept, marked incomplete, and <paramref name="Cause"/>
    /// (the signal's name, when a signal asked) is recorded as what interrupted it.
    /// </summary>
    public sealed record StopAfterCurrentPhase(string? Cause = null);

    public sealed record PhaseStarted(int Index, int Count, SimulationPhase Phase);

    public sealed record RunFinished(RunOutcome Outcome);

    /// <summary>
    /// A round reports back to the clock; clearing rounds carry the cleared prices, delivery rounds
    /// the units they could not settle yet (no reading: settled once the reading window closes).
    /// </summary>
    public sealed record RoundCompleted(long PhaseId, IReadOnlyList<ClearedSlot> Cleared, IReadOnlyList<PendingSettlement> Unsettled);

    /// <summary>A unit came (back) online, or its actor is gone (its node was removed).</summary>
    public sealed record UnitBack(UnitHandle Unit);

    public sealed record UnitGone(string UnitId);

    public sealed record RoundFailed(long PhaseId, string Reason);

    /// <summary>A phase is done and the clock waits: the host saves a checkpoint of the clock's state and its own when one is due, then answers <see cref="CheckpointSaved"/>.</summary>
    public sealed record SaveCheckpoint(ClockState State);

    /// <summary>The clock may go on to <paramref name="NextPhase"/>: its checkpoint is saved (or none was due, or it could not be saved and the run goes on without it).</summary>
    public sealed record CheckpointSaved(int NextPhase);
}
