using MicroMarket.Agents.Decisions;
using MicroMarket.Agents.Simulation;
using MicroMarket.Market;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;

namespace MicroMarket.Agents.Actors;

/// <summary>
/// A unit on chain: its registry index, id, and the addresses of its trading and meter keys. The
/// keys themselves never leave the unit's actor (and its node).
/// </summary>
public sealed record UnitIdentity(uint Index, string Id, string TraderAddress, string MeterAddress);

/// <summary>Where the market is: what a unit needs to build its transactions and read the chain.</summary>
public sealed record MarketLocation(Uri RpcUrl, string MarketAddress, string TokenAddress, MarketParameters Parameters);

/// <summary>How units and the market host find each other, and how a unit signs for the host.</summary>
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

    /// <summary>A unit that joined late reads its positions of the slots still to come.</summary>
    public sealed record Resync(int FirstSlot, int SlotCount);

    /// <summary>The unit knows its positions again: the clock may include it in the next round.</summary>
    public sealed record Resynced(string UnitId);

    /// <summary>The run is over (or never started): the unit's node may leave.</summary>
    public sealed record RunEnded(bool Complete);

    /// <summary>The host asks a unit to sign a transaction it asked for; the unit checks it is its own.</summary>
    public sealed record SignTransaction(RawTransaction Transaction);

    public sealed record TransactionSigned(SignedTransaction Transaction);

    public sealed record SigningRefused(string Reason);
}

/// <summary>A unit's answer to a phase message.</summary>
public interface IUnitReply
{
    long PhaseId { get; }

    string UnitId { get; }
}

/// <summary>What the market clock asks of a unit actor in each phase, and what the unit answers. Every exchange carries the phase's id.</summary>
public static class UnitProtocol
{
    public sealed record BidDayAhead(long PhaseId, DayAheadRequest Request);

    /// <summary>Intra-day bidding for an hour; the unit adds its own day-ahead positions from what it read back.</summary>
    public sealed record BidIntraday(long PhaseId, int Hour, int IssueSlot, int FirstSlot, int SlotCount, IReadOnlyList<decimal?> DayAheadPrices, PriceOutlook Outlook, MarketRules Rules);

    public sealed record ReadPositions(long PhaseId, MarketStage Stage, int FirstSlot, int SlotCount);

    public sealed record ProposeDelivery(long PhaseId, int Slot);

    public sealed record ApplyDelivery(long PhaseId, int Slot, double ActualPowerKw);

    public sealed record ReadBalance(long PhaseId, int Slot);

    /// <summary>The unit's bid and, unless it bid nothing, what its transaction does (the host has it signed by the unit).</summary>
    public sealed record Bid(long PhaseId, string UnitId, BidDecision Decision, TxIntent? Transaction) : IUnitReply;

    public sealed record PositionsRead(long PhaseId, string UnitId, MarketStage Stage, int FirstSlot, IReadOnlyList<SlotPosition> Positions) : IUnitReply;

    public sealed record DeliveryProposed(long PhaseId, string UnitId, DeliveryRequest Schedule, DeliveryProposal Proposal) : IUnitReply;

    /// <param name="OwnReading">The reading a unit's own meter signed (a Pi); null for a simulated unit, whose meter the metering service signs.</param>
    public sealed record DeliveryApplied(long PhaseId, string UnitId, UnitSlotState State, SignedMeterReading? OwnReading) : IUnitReply;

    /// <summary>The unit's escrow account after settlement, tokens.</summary>
    public sealed record BalanceRead(long PhaseId, string UnitId, decimal Balance, decimal Locked, decimal Debt) : IUnitReply;

    public sealed record UnitFailed(long PhaseId, string UnitId, string Reason) : IUnitReply;
}

/// <summary>The chain gateway executes one batch of transactions in a block at a given time.</summary>
public static class ChainProtocol
{
    public sealed record ExecuteBatch(long PhaseId, string Label, IReadOnlyList<TxRequest> Requests, long BlockTime);

    public sealed record BatchExecuted(long PhaseId, string Label, IReadOnlyList<TxOutcome> Outcomes);

    public sealed record BatchFailed(long PhaseId, string Label, string Reason);
}

/// <summary>The grid operator solves one slot's physics from every unit's proposal.</summary>
public static class GridProtocol
{
    public sealed record UnitDelivery(string UnitId, UnitIdentity Identity, DeliveryProposal Proposal);

    public sealed record SolveSlot(long PhaseId, int Slot, IReadOnlyList<UnitDelivery> Units);

    /// <summary>What flowed at one unit: power (generator convention), metered Wh each way, its bus voltage.</summary>
    public sealed record UnitFlow(string UnitId, double ActualPowerKw, long ImportWh, long ExportWh, double VoltagePu);

    public sealed record SlotSolved(long PhaseId, int Slot, IReadOnlyList<UnitFlow> Flows, SlotPhysics Physics);

    public sealed record SolveFailed(long PhaseId, int Slot, string Reason);
}

/// <summary>The clock's own protocol: start, a graceful stop, progress and the end of the run.</summary>
public static class ClockProtocol
{
    public sealed record Start;

    /// <summary>Finish the phase under way, then stop (Ctrl+C): the run is kept, marked incomplete.</summary>
    public sealed record StopAfterCurrentPhase;

    public sealed record PhaseStarted(int Index, int Count, SimulationPhase Phase);

    public sealed record RunFinished(bool Complete, int PhasesDone, string? Failure);

    /// <summary>
    /// A round reports back to the clock; clearing rounds carry the cleared prices, delivery rounds
    /// the units they could not settle yet (no reading: settled once the reading window closes).
    /// </summary>
    public sealed record RoundCompleted(long PhaseId, IReadOnlyList<ClearedSlot> Cleared, IReadOnlyList<PendingSettlement> Unsettled);

    /// <summary>A unit came (back) online, or its actor is gone (its node was removed).</summary>
    public sealed record UnitBack(UnitHandle Unit);

    public sealed record UnitGone(string UnitId);

    public sealed record RoundFailed(long PhaseId, string Reason);
}

/// <summary>A unit whose reading of a slot never came: its settlement waits for the reading window to close.</summary>
public sealed record PendingSettlement(int Slot, uint UnitIndex, string UnitId);

/// <summary>A slot's clearing outcome in one auction: price (null when nothing traded) and volume.</summary>
public sealed record ClearedSlot(MarketStage Stage, int Slot, decimal? Price, long VolumeWh);

/// <summary>One slot's physics: energy accounts (kWh), voltages, and the balance's outcome.</summary>
public sealed record SlotPhysics(
    double GenerationKwh,
    double ConsumptionKwh,
    double LossesKwh,
    double SourceKwh,
    double CurtailedKwh,
    double NotServedKwh,
    double BallastKwh,
    double ResidualKwh,
    double MinVoltagePu,
    double MaxVoltagePu,
    int VoltageViolations,
    string Outcome);
