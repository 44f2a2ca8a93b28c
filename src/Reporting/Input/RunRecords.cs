namespace MicroMarket.Reporting.Input;

/// <summary>
/// One row of slots.csv: the market and the feeder in one 15-minute slot. Prices are tokens per kWh and null where
/// the stage cleared no trade; <see cref="Physics"/> is null for a slot that was never delivered.
/// </summary>
public sealed record SlotRecord(
    int Slot,
    DateTimeOffset TimeUtc,
    int Day,
    decimal? DayAheadPrice,
    double? DayAheadVolumeWh,
    decimal? IntradayPrice,
    double? IntradayVolumeWh,
    decimal? ShortPrice,
    decimal? LongPrice,
    SlotPhysics? Physics,
    long? GasOrders,
    long? GasClearing,
    long? GasMetering);

/// <summary>The feeder's energy balance and voltage extremes in one delivered slot, kWh over the slot and pu.</summary>
public sealed record SlotPhysics(
    double GenerationKwh,
    double ConsumptionKwh,
    double LossesKwh,
    double SourceKwh,
    double CurtailedKwh,
    double NotServedKwh,
    double BallastKwh,
    double MinVoltagePu,
    double MaxVoltagePu,
    int VoltageViolations,
    string BalanceOutcome);

/// <summary>
/// One row of units.csv: one unit in one slot. Energies in Wh, powers in kW in the generator convention (+ export),
/// money in tokens (+ received). Metered energies are null for a slot that was not delivered.
/// </summary>
public sealed record UnitSlotRecord(
    int Slot,
    string Unit,
    int Index,
    string Kind,
    string Bus,
    double DayAheadBoughtWh,
    double DayAheadSoldWh,
    double IntradayBoughtWh,
    double IntradaySoldWh,
    double? ScheduledNetExportWh,
    double? ActualKw,
    double? MeteredImportWh,
    double? MeteredExportWh,
    double? DeviationWh,
    decimal? TradeTokens,
    decimal? ImbalanceTokens,
    double? StateOfCharge,
    double? UnmetKwh,
    double? CurtailedKwh,
    double? VoltagePu)
{
    /// <summary>The slack and the upstream grid close the balance; every other unit is a local participant.</summary>
    public bool IsBalancing => UnitKinds.IsBalancing(Kind);
}

/// <summary>The market stage an order or a price belongs to.</summary>
public enum MarketStage
{
    DayAhead,
    Intraday,
}

/// <summary>Which side of the book an order step is on.</summary>
public enum OrderSide
{
    Buy,
    Sell,
}

/// <summary>One step of one order curve (orders.csv): price in tokens per kWh, quantities in Wh.</summary>
public sealed record OrderStep(MarketStage Stage, int Slot, string Unit, long OrderId, OrderSide Side, int Step, decimal Price, double QuantityWh, double FillWh);

/// <summary>One chain transaction (transactions.csv) with the market purpose it served.</summary>
public sealed record TransactionRecord(string Purpose, int? Period, string Unit, string Status, long? GasUsed);

/// <summary>One feeder bus (buses.csv): plot coordinates and its phase-voltage extremes over the run (null if never energised).</summary>
public sealed record BusRecord(string Bus, double? X, double? Y, double NominalKv, double? MinVoltagePu, double? MaxVoltagePu);

/// <summary>One feeder line (lines.csv) between two buses.</summary>
public sealed record LineRecord(string Line, string FromBus, string ToBus, double LengthM);

/// <summary>The unit kinds the simulator writes, and which of them balance the feeder.</summary>
public static class UnitKinds
{
    public const string Pv = "pv";
    public const string Wind = "wind";
    public const string Battery = "battery";
    public const string Ev = "ev";
    public const string Load = "load";
    public const string FlexibleLoad = "flexible-load";
    public const string Slack = "slack";
    public const string Grid = "grid";

    public static bool IsBalancing(string kind) => kind is Slack or Grid;
}
