namespace MicroMarket.RunFormat;

// The columns of the run directory's tables, each name once: the simulator writes the header from Columns, in that
// order (the per-slot tables from Schema, which also says what each column holds, for Parquet); the report, the
// benchmarks and the tests read the columns by these names. The README's "The run
// directory" and docs/kpis.md say what each holds.

/// <summary>units.csv: one row per slot and unit, sorted by slot, then unit index.</summary>
public static class UnitsCsv
{
    public const string Slot = "slot";
    public const string TimeUtc = "time_utc";
    public const string Unit = "unit";
    public const string Index = "index";

    /// <summary>The unit's kind, by its name (<see cref="UnitKinds.Name"/>).</summary>
    public const string Kind = "kind";
    public const string Bus = "bus";
    public const string Phase = "phase";
    public const string ForecastDayAheadKwh = "forecast_da_kwh";
    public const string ForecastIntradayKwh = "forecast_id_kwh";
    public const string DayAheadBidWh = "da_bid_wh";
    public const string DayAheadAskWh = "da_ask_wh";
    public const string DayAheadBoughtWh = "da_bought_wh";
    public const string DayAheadSoldWh = "da_sold_wh";
    public const string IntradayBidWh = "id_bid_wh";
    public const string IntradayAskWh = "id_ask_wh";
    public const string IntradayBoughtWh = "id_bought_wh";
    public const string IntradaySoldWh = "id_sold_wh";
    public const string ScheduledNetExportWh = "scheduled_net_export_wh";
    public const string SetpointKw = "setpoint_kw";
    public const string ActualKw = "actual_kw";
    public const string MeteredImportWh = "metered_import_wh";
    public const string MeteredExportWh = "metered_export_wh";
    public const string DeviationWh = "deviation_wh";
    public const string ReadingMissing = "reading_missing";
    public const string TradeTokens = "trade_tokens";
    public const string ImbalanceTokens = "imbalance_tokens";
    public const string FeeTokens = "fee_tokens";
    public const string DebtIncurredTokens = "debt_incurred_tokens";
    public const string UpliftTokens = "uplift_tokens";
    public const string StateOfCharge = "soc";
    public const string UnmetKwh = "unmet_kwh";
    public const string CurtailedKwh = "curtailed_kwh";
    public const string NotServedKwh = "not_served_kwh";
    public const string ClippedKwh = "clipped_kwh";
    public const string Fuel = "fuel";
    public const string Co2Kg = "co2_kg";

    /// <summary>A prosumer's PV generation behind its meter, kWh (empty for every other kind: its meter is its flow).</summary>
    public const string GeneratedKwh = "generated_kwh";

    /// <summary>A prosumer's final consumption behind its meter (household, EV net of V2G, appliances; not its battery), kWh.</summary>
    public const string ConsumedKwh = "consumed_kwh";
    public const string VoltagePu = "voltage_pu";
    public const string BalanceTokens = "balance_tokens";
    public const string LockedTokens = "locked_tokens";
    public const string DebtTokens = "debt_tokens";
    public const string GasTrading = "gas_trading";

    public static IReadOnlyList<TableColumn> Schema { get; } =
    [
        new(Slot, CellType.Int), new(TimeUtc, CellType.Time), new(Unit, CellType.Text), new(Index, CellType.Int), new(Kind, CellType.Text),
        new(Bus, CellType.Text), new(Phase, CellType.Text),
        new(ForecastDayAheadKwh, CellType.Double), new(ForecastIntradayKwh, CellType.Double), new(DayAheadBidWh, CellType.Long), new(DayAheadAskWh, CellType.Long),
        new(DayAheadBoughtWh, CellType.Long), new(DayAheadSoldWh, CellType.Long),
        new(IntradayBidWh, CellType.Long), new(IntradayAskWh, CellType.Long), new(IntradayBoughtWh, CellType.Long), new(IntradaySoldWh, CellType.Long),
        new(ScheduledNetExportWh, CellType.Long),
        new(SetpointKw, CellType.Double), new(ActualKw, CellType.Double), new(MeteredImportWh, CellType.Long), new(MeteredExportWh, CellType.Long),
        new(DeviationWh, CellType.Long), new(ReadingMissing, CellType.Bool),
        new(TradeTokens, CellType.Decimal), new(ImbalanceTokens, CellType.Decimal), new(FeeTokens, CellType.Decimal), new(DebtIncurredTokens, CellType.Decimal),
        new(UpliftTokens, CellType.Decimal), new(StateOfCharge, CellType.Double), new(UnmetKwh, CellType.Double), new(CurtailedKwh, CellType.Double),
        new(NotServedKwh, CellType.Double), new(ClippedKwh, CellType.Double), new(Fuel, CellType.Double), new(Co2Kg, CellType.Double),
        new(GeneratedKwh, CellType.Double), new(ConsumedKwh, CellType.Double), new(VoltagePu, CellType.Double), new(BalanceTokens, CellType.Decimal),
        new(LockedTokens, CellType.Decimal), new(DebtTokens, CellType.Decimal), new(GasTrading, CellType.Long),
    ];

    public static IReadOnlyList<string> Columns { get; } = [.. Schema.Select(c => c.Name)];
}

/// <summary>slots.csv: one row per slot of the run, in order; a slot never delivered has its physics columns empty.</summary>
public static class SlotsCsv
{
    public const string Slot = "slot";
    public const string TimeUtc = "time_utc";
    public const string Day = "day";
    public const string DayAheadPrice = "da_price";

    /// <summary>The agents' shared expectation of the day-ahead price, as the slot's day-ahead auction was bid on it (docs/kpis.md, "Price forecast").</summary>
    public const string ExpectedDayAheadPrice = "expected_da_price";
    public const string DayAheadVolumeWh = "da_volume_wh";
    public const string IntradayPrice = "id_price";
    public const string IntradayVolumeWh = "id_volume_wh";
    public const string ShortPrice = "short_price";
    public const string LongPrice = "long_price";

    /// <summary>Grid-connected, what a kWh imported from the supplier costs in the slot: its retail tariff plus the grid fee (docs/kpis.md, "Bills"); empty in an island.</summary>
    public const string ImportPrice = "import_price";

    /// <summary>Grid-connected, what the supplier pays for a kWh exported to it in the slot: its feed-in tariff; empty in an island.</summary>
    public const string ExportPrice = "export_price";

    /// <summary>The first of the physics columns: filled for a delivered slot, empty for one never delivered.</summary>
    public const string GenerationKwh = "generation_kwh";
    public const string ConsumptionKwh = "consumption_kwh";
    public const string LossesKwh = "losses_kwh";
    public const string SourceKwh = "source_kwh";
    public const string CurtailedKwh = "curtailed_kwh";
    public const string NotServedKwh = "not_served_kwh";
    public const string BallastKwh = "ballast_kwh";
    public const string BalanceResidualKwh = "balance_residual_kwh";
    public const string MinVoltagePu = "v_min_pu";
    public const string MaxVoltagePu = "v_max_pu";
    public const string VoltageViolations = "voltage_violations";
    public const string BalanceOutcome = "balance_outcome";

    /// <summary>Energy the island balance moved into storage beyond its schedules (a grid-forming store's whole charge), kWh.</summary>
    public const string StorageAbsorbedKwh = "storage_absorbed_kwh";

    /// <summary>Energy the island balance drew from storage beyond its schedules (a grid-forming store's whole discharge), kWh.</summary>
    public const string StorageSuppliedKwh = "storage_supplied_kwh";

    /// <summary>The unit whose bus held the island's voltage and frequency; empty in a blackout or grid-connected.</summary>
    public const string GridFormer = "grid_former";

    /// <summary>The genset: off, on, start (planned) or emergency-start; empty without one.</summary>
    public const string GensetState = "genset_state";

    /// <summary>Spinning reserve required (a fraction of the load), kW.</summary>
    public const string ReserveRequiredKw = "reserve_required_kw";

    /// <summary>Spinning reserve held: the running genset's headroom + grid-forming storage's discharge headroom, kW.</summary>
    public const string ReserveKw = "reserve_kw";

    public const string GasOrders = "gas_orders";
    public const string GasClearing = "gas_clearing";
    public const string GasMetering = "gas_metering";

    public static IReadOnlyList<TableColumn> Schema { get; } =
    [
        new(Slot, CellType.Int), new(TimeUtc, CellType.Time), new(Day, CellType.Int), new(DayAheadPrice, CellType.Decimal), new(ExpectedDayAheadPrice, CellType.Decimal),
        new(DayAheadVolumeWh, CellType.Long), new(IntradayPrice, CellType.Decimal), new(IntradayVolumeWh, CellType.Long), new(ShortPrice, CellType.Decimal),
        new(LongPrice, CellType.Decimal), new(ImportPrice, CellType.Decimal), new(ExportPrice, CellType.Decimal),
        new(GenerationKwh, CellType.Double), new(ConsumptionKwh, CellType.Double), new(LossesKwh, CellType.Double), new(SourceKwh, CellType.Double),
        new(CurtailedKwh, CellType.Double), new(NotServedKwh, CellType.Double), new(BallastKwh, CellType.Double), new(BalanceResidualKwh, CellType.Double),
        new(MinVoltagePu, CellType.Double), new(MaxVoltagePu, CellType.Double), new(VoltageViolations, CellType.Int), new(BalanceOutcome, CellType.Text),
        new(StorageAbsorbedKwh, CellType.Double), new(StorageSuppliedKwh, CellType.Double), new(GridFormer, CellType.Text), new(GensetState, CellType.Text),
        new(ReserveRequiredKw, CellType.Double), new(ReserveKw, CellType.Double),
        new(GasOrders, CellType.Long), new(GasClearing, CellType.Long), new(GasMetering, CellType.Long),
    ];

    public static IReadOnlyList<string> Columns { get; } = [.. Schema.Select(c => c.Name)];
}

/// <summary>orders.csv: every step of every order curve with its fill, sorted by stage, slot, unit index, side and step.</summary>
public static class OrdersCsv
{
    public const string Stage = "stage";
    public const string Slot = "slot";
    public const string Unit = "unit";
    public const string Index = "index";
    public const string OrderId = "order_id";
    public const string Side = "side";
    public const string Step = "step";
    public const string Price = "price";
    public const string QuantityWh = "quantity_wh";
    public const string FillWh = "fill_wh";

    /// <summary>The values of <see cref="Stage"/>.</summary>
    public const string DayAhead = "day-ahead", Intraday = "intraday";

    /// <summary>The values of <see cref="Side"/>.</summary>
    public const string Buy = "buy", Sell = "sell";

    public static IReadOnlyList<TableColumn> Schema { get; } =
    [
        new(Stage, CellType.Text), new(Slot, CellType.Int), new(Unit, CellType.Text), new(Index, CellType.Int), new(OrderId, CellType.Long),
        new(Side, CellType.Text), new(Step, CellType.Int), new(Price, CellType.Decimal), new(QuantityWh, CellType.Long), new(FillWh, CellType.Long),
    ];

    public static IReadOnlyList<string> Columns { get; } = [.. Schema.Select(c => c.Name)];
}

/// <summary>transactions.csv: every transaction, in the order the run sent them.</summary>
public static class TransactionsCsv
{
    public const string Purpose = "purpose";
    public const string Period = "period";
    public const string Unit = "unit";
    public const string Label = "label";
    public const string Hash = "tx_hash";
    public const string Status = "status";
    public const string GasUsed = "gas_used";

    public static IReadOnlyList<TableColumn> Schema { get; } =
    [
        new(Purpose, CellType.Text), new(Period, CellType.Int), new(Unit, CellType.Text), new(Label, CellType.Text), new(Hash, CellType.Text),
        new(Status, CellType.Text), new(GasUsed, CellType.Long),
    ];

    public static IReadOnlyList<string> Columns { get; } = [.. Schema.Select(c => c.Name)];
}

/// <summary>buses.csv: the feeder's buses with each one's voltage extremes over the run (empty if never energised).</summary>
public static class BusesCsv
{
    public const string Bus = "bus";
    public const string X = "x";
    public const string Y = "y";
    public const string NominalKv = "nominal_kv";
    public const string MinVoltagePu = "v_min_pu";
    public const string MaxVoltagePu = "v_max_pu";

    public static IReadOnlyList<string> Columns { get; } = [Bus, X, Y, NominalKv, MinVoltagePu, MaxVoltagePu];
}

/// <summary>lines.csv: the feeder's lines.</summary>
public static class LinesCsv
{
    public const string Line = "line";
    public const string FromBus = "from_bus";
    public const string ToBus = "to_bus";
    public const string LengthM = "length_m";

    public static IReadOnlyList<string> Columns { get; } = [Line, FromBus, ToBus, LengthM];
}
