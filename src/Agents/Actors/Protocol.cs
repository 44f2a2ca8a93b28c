using MicroMarket.Agents.Decisions;
using MicroMarket.Agents.Simulation;
using MicroMarket.Market;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;

namespace MicroMarket.Agents.Actors;

/// <summary>A unit on chain: its registry index, id, and its trading and meter keys.</summary>
public sealed record UnitIdentity(uint Index, string Id, EthKey Trader, EthKey Meter);

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

    public sealed record ApplyDelivery(long PhaseId, int Slot, double ActualPowerKw, long ImportWh, long ExportWh);

    public sealed record ReadBalance(long PhaseId, int Slot);

    /// <summary>The unit's bid and, unless it bid nothing, the transaction that submits it.</summary>
    public sealed record Bid(long PhaseId, string UnitId, BidDecision Decision, TxRequest? Transaction) : IUnitReply;

    public sealed record PositionsRead(long PhaseId, string UnitId, MarketStage Stage, int FirstSlot, IReadOnlyList<SlotPosition> Positions) : IUnitReply;

    public sealed record DeliveryProposed(long PhaseId, string UnitId, DeliveryRequest Schedule, DeliveryProposal Proposal) : IUnitReply;

    public sealed record DeliveryApplied(long PhaseId, string UnitId, UnitSlotState State, SignedMeterReading Reading) : IUnitReply;

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

    /// <summary>A round reports back to the clock; clearing rounds carry the cleared prices.</summary>
    public sealed record RoundCompleted(long PhaseId, IReadOnlyList<ClearedSlot> Cleared);

    public sealed record RoundFailed(long PhaseId, string Reason);
}

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
