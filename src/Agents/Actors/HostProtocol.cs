using MicroMarket.Simulation.Running;

namespace MicroMarket.Agents.Actors;

/// <summary>How units and the market host find each other.</summary>
public static class HostProtocol
{
    /// <summary>
    /// A unit announces itself until the host welcomes it. Each start of its actor is a new
    /// incarnation (after a node or actor restart, with its state lost), which the host tells apart
    /// from a repeated announcement of one it already knows.
    /// </summary>
    public sealed record UnitOnline(UnitIdentity Identity, Akka.Actor.IActorRef Unit, Guid Incarnation);

    public sealed record Welcome(string UnitId);

    /// <summary>The host will not trade with this unit (not in the scenario, or different keys from the ones registered).</summary>
    public sealed record Refused(string UnitId, string Reason);

    /// <summary>The market is deployed and the unit registered: from now on it trades.</summary>
    public sealed record MarketReady(MarketLocation Location);

    /// <summary>
    /// A unit that joined late (or came back) reads its positions of the slots from <see cref="FirstSlot"/> on, and first
    /// brings its physics up to the first slot the market has not delivered: <see cref="DeliveredKw"/> is what it
    /// delivered in each slot before that one as the recorder holds it (kW, generator convention; 0 while it was away),
    /// which it applies where it has not (and from the start, when it has applied slots the market will deliver again).
    /// </summary>
    public sealed record Resync(int FirstSlot, int SlotCount, IReadOnlyList<double> DeliveredKw);

    /// <summary>The unit knows its positions again: the clock may include it in the next round.</summary>
    public sealed record Resynced(string UnitId);

    /// <summary>The run is over (or never started): the unit's node may leave.</summary>
    public sealed record RunEnded(bool Complete);

    /// <summary>
    /// The unit has heard that the run is over (its node has been told): the market host waits for
    /// this from every unit still there before it reports the end, so that no node misses it.
    /// </summary>
    public sealed record RunEndHeard(string UnitId);
}
