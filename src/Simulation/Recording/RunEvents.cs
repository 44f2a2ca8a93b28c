using MicroMarket.RunFormat;
using MicroMarket.Simulation.Physics;
using MicroMarket.Simulation.Decisions;
using MicroMarket.Market;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;

namespace MicroMarket.Simulation.Recording;

/// <summary>A slot's clearing outcome in one auction: price (null when nothing traded) and volume.</summary>
public sealed record ClearedSlot(MarketStage Stage, int Slot, decimal? Price, long VolumeWh);

/// <summary>Why a transaction was sent: its column in the gas accounts.</summary>
public enum TransactionPurpose
{
    DayAheadOrders,
    IntradayOrders,
    Clearing,
    Readings,
    Settlement,
    Uplift,
}

/// <summary>What happened in the run, as the rounds report it: the tables (<see cref="RunTables"/>) merge these events.</summary>
public static class RunEvents
{
    /// <summary>Each unit's bid for consecutive slots of one auction.</summary>
    public sealed record Bids(MarketStage Stage, int FirstSlot, IReadOnlyList<(string UnitId, BidDecision Decision)> Decisions);

    /// <summary>
    /// One transaction and what it was for: the unit that signed it (null for the operator's own:
    /// clearing, relaying readings, settling) and the slots it concerns (its gas is shared among them).
    /// </summary>
    public sealed record TxRecord(string? UnitId, int FirstSlot, int SlotCount, TxOutcome Outcome);

    public sealed record Transactions(TransactionPurpose Purpose, int Period, IReadOnlyList<TxRecord> Records);

    public sealed record Cleared(IReadOnlyList<ClearedSlot> Slots);

    /// <summary>Per-step fills of one unit in one slot, as the contract reports them.</summary>
    public sealed record StepFills(MarketStage Stage, int Slot, string UnitId, IReadOnlyList<ulong> BuyWh, IReadOnlyList<ulong> SellWh);

    public sealed record Positions(MarketStage Stage, string UnitId, int FirstSlot, IReadOnlyList<SlotPosition> Values);

    /// <summary>
    /// One unit's delivery: its schedule, what it proposed, what flowed, its state after the slot,
    /// and the reading its meter signed (null when none came): the metered energy is what was signed.
    /// </summary>
    public sealed record UnitDelivered(string UnitId, DeliveryRequest Schedule, DeliveryProposal Proposal, UnitFlow Flow, UnitSlotState State, SignedMeterReading? Reading);

    public sealed record Delivered(int Slot, SlotPhysics Physics, IReadOnlyList<UnitDelivered> Units);

    /// <summary>Meter records as the contract stored them, read back while its storage ring still holds their day.</summary>
    public sealed record MeterRecordsRead(IReadOnlyList<ChainMeterRecord> Records);

    /// <summary>One (slot, unit) meter record on chain: whether a reading was stored, and its Wh.</summary>
    public sealed record ChainMeterRecord(int Slot, string UnitId, bool Reported, long ImportWh, long ExportWh);

    /// <summary>
    /// A unit's settlement of a slot as the chain's Settled event gives it: nano-tokens (trade and
    /// imbalance positive received; the missing-reading fee paid), the part of its charges it could
    /// not pay (now debt owed to the BRP), and its priced deviation in Wh.
    /// </summary>
    public sealed record UnitSettled(string UnitId, long TradeNano, long ImbalanceNano, long FeeNano, long DebtNano, long DeviationWh, bool ReadingMissing);

    /// <summary>Settlements of one slot (all of it or, for late ones, some units) with the slot's imbalance prices.</summary>
    public sealed record Settled(int Slot, decimal ShortPrice, decimal LongPrice, IReadOnlyList<UnitSettled> Units);

    /// <summary>
    /// A make-whole uplift charged after the slots of a day closed, recorded on the day's last slot:
    /// each unit's share (nano-tokens, paid now or owed as debt), all credited to the BRP.
    /// </summary>
    public sealed record UpliftCharged(int Slot, IReadOnlyList<(string UnitId, long Nano)> Shares);

    /// <summary>A unit's escrow account as read back after a slot's settlement, tokens.</summary>
    public sealed record AccountRead(string UnitId, decimal Balance, decimal Locked, decimal Debt);

    public sealed record Balances(int Slot, IReadOnlyList<AccountRead> Accounts);
}
