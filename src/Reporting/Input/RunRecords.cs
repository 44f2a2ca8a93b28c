using MicroMarket.RunFormat;

namespace MicroMarket.Reporting.Input;

/// <summary>
/// One row of slots.csv, the columns the report draws: prices in tokens per kWh (null where the stage cleared no
/// trade) and volumes in Wh; <see cref="Physics"/> is null for a slot that was never delivered.
/// </summary>
public sealed record SlotRecord(
    int Slot,
    DateTimeOffset TimeUtc,
    decimal? DayAheadPrice,
    double? DayAheadVolumeWh,
    decimal? IntradayPrice,
    double? IntradayVolumeWh,
    decimal? ShortPrice,
    decimal? LongPrice,
    SlotPhysicsRecord? Physics);

/// <summary>
/// A delivered slot's physics: energies in kWh (the source is the genset in an island, the upstream grid when
/// grid-connected; storage absorbed and supplied are the island balance's moves of storage away from its schedules),
/// LV voltage extremes (pu, 0 in a blackout) and bus-phases outside the limits, the balance's last step, the unit
/// that formed the grid (empty in a blackout and when grid-connected), the genset's state (null without one) and the
/// spinning reserve required and held (kW).
/// </summary>
public sealed record SlotPhysicsRecord(
    double SourceKwh,
    double CurtailedKwh,
    double NotServedKwh,
    double BallastKwh,
    double StorageAbsorbedKwh,
    double StorageSuppliedKwh,
    double MinVoltagePu,
    double MaxVoltagePu,
    int VoltageViolations,
    BalanceOutcome Outcome,
    string GridFormer,
    GensetState? Genset,
    double ReserveRequiredKw,
    double ReserveKw)
{
    public bool IsBlackout => Outcome == BalanceOutcome.Blackout;
}

/// <summary>
/// One row of units.csv, the columns the report draws: one unit in one slot, metered energies and the deviation
/// from its schedule in Wh (null for a slot that was not delivered), state of charge 0..1 (null if not applicable),
/// and a prosumer's consumption and generation behind its meter in kWh (null for every other kind).
/// </summary>
public sealed record UnitSlotRecord(
    int Slot,
    string Unit,
    int Index,
    UnitKind Kind,
    string Bus,
    double? MeteredImportWh,
    double? MeteredExportWh,
    double? DeviationWh,
    double? StateOfCharge,
    double? ConsumedKwh,
    double? GeneratedKwh)
{
    /// <summary>The slack and the upstream grid close the balance; every other unit is a local participant.</summary>
    public bool IsBalanceResponsible => UnitKinds.IsBalanceResponsible(Kind);
}

/// <summary>One step of one order curve (orders.csv): price in tokens per kWh, quantity in Wh.</summary>
public sealed record OrderStep(MarketStage Stage, int Slot, long OrderId, OrderSide Side, int Step, decimal Price, double QuantityWh);

/// <summary>One chain transaction (transactions.csv): the market purpose it served and its gas.</summary>
public sealed record TransactionRecord(string Purpose, long? GasUsed);

/// <summary>One feeder bus (buses.csv): plot coordinates and its lowest phase voltage over the run (null if never energised).</summary>
public sealed record BusRecord(string Bus, double? X, double? Y, double? MinVoltagePu);

/// <summary>One feeder line (lines.csv) between two buses.</summary>
public sealed record LineRecord(string FromBus, string ToBus);
