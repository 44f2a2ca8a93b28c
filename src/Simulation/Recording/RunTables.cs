using MicroMarket.Simulation;
using MicroMarket.Market;
using MicroMarket.Market.Clearing;
using MicroMarket.Market.Orders;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Model;
using static MicroMarket.Simulation.Recording.RunEvents;
using MicroMarket.Simulation.Physics;

namespace MicroMarket.Simulation.Recording;

/// <summary>A unit as the tables name it.</summary>
public sealed record UnitInfo(string Id, uint Index, UnitKind Kind, string Bus, string Phase)
{
    public bool IsBalanceResponsible => UnitKinds.IsBalanceResponsible(Kind);
}

/// <summary>
/// The run's tidy tables, merged from what the rounds report. Keys are (slot, unit) for units.csv,
/// slot for slots.csv, (stage, slot, unit, side, step) for orders.csv; rows are written sorted, so
/// the files depend only on the scenario and the seed, never on message timing.
/// </summary>
public sealed partial class RunTables(SimulationCalendar calendar, IReadOnlyList<UnitInfo> units)
{
    private readonly Dictionary<(int Slot, string Unit), UnitSlotRow> _unitRows = [];
    private readonly Dictionary<int, SlotRow> _slotRows = [];
    private readonly SortedDictionary<(MarketStage Stage, int Slot, uint Unit, OrderSide Side, int Step), OrderRow> _orders = [];
    private readonly List<TransactionRow> _transactions = [];
    private readonly Dictionary<string, UnitInfo> _units = units.ToDictionary(u => u.Id);

    public IReadOnlyList<UnitInfo> Units => units;

    /// <summary>The last slot whose delivery was recorded (-1 before any).</summary>
    public int LastDeliveredSlot { get; private set; } = -1;

    public void Apply(object message)
    {
        switch (message)
        {
            case Bids m: OnBids(m); break;
            case Transactions m: OnTransactions(m); break;
            case Cleared m: OnCleared(m); break;
            case StepFills m: OnStepFills(m); break;
            case Positions m: OnPositions(m); break;
            case Delivered m: OnDelivered(m); break;
            case MeterRecordsRead m: OnMeterRecordsRead(m); break;
            case Settled m: OnSettled(m); break;
            case Balances m: OnBalances(m); break;
            case UpliftCharged m: OnUplift(m); break;
            default: throw new ArgumentException($"the recorder has no table for {message.GetType().Name}");
        }
    }

    public IEnumerable<UnitSlotRow> UnitRows => _unitRows.Values;

    /// <summary>What <paramref name="unitId"/> delivered in each slot delivered so far, kW generator convention; 0 where it was away.</summary>
    public IReadOnlyList<double> DeliveredKw(string unitId) =>
        Enumerable.Range(0, LastDeliveredSlot + 1).Select(s => _unitRows.TryGetValue((s, unitId), out var row) ? row.ActualKw ?? 0 : 0).ToList();

    public IEnumerable<SlotRow> SlotRows => _slotRows.Values;

    public IEnumerable<OrderRow> Orders => _orders.Values;

    public IReadOnlyList<TransactionRow> TransactionRows => _transactions;

    private UnitSlotRow Row(int slot, string unit) =>
        _unitRows.TryGetValue((slot, unit), out var row) ? row : _unitRows[(slot, unit)] = new UnitSlotRow(slot, _units[unit]);

    private SlotRow SlotAt(int slot) => _slotRows.TryGetValue(slot, out var row) ? row : _slotRows[slot] = new SlotRow(slot);

    private void OnBids(Bids m)
    {
        foreach (var (unitId, decision) in m.Decisions)
        {
            var info = _units[unitId];
            for (var i = 0; i < decision.Orders.Count; i++)
            {
                var slot = m.FirstSlot + i;
                var row = Row(slot, unitId);
                var buy = decision.Orders.Buys[i];
                var sell = decision.Orders.Sells[i];
                var forecast = i < decision.ForecastNetExportKwh.Count ? decision.ForecastNetExportKwh[i] : 0;
                if (m.Stage == MarketStage.DayAhead)
                {
                    (row.ForecastDayAheadKwh, row.DayAheadBidWh, row.DayAheadAskWh) = (forecast, (long)buy.TotalWh, (long)sell.TotalWh);
                }
                else
                {
                    (row.ForecastIntradayKwh, row.IntradayBidWh, row.IntradayAskWh) = (forecast, (long)buy.TotalWh, (long)sell.TotalWh);
                }
                AddOrders(m.Stage, slot, info, OrderSide.Buy, buy);
                AddOrders(m.Stage, slot, info, OrderSide.Sell, sell);
            }
        }
    }

    private void AddOrders(MarketStage stage, int slot, UnitInfo unit, OrderSide side, OrderCurve curve)
    {
        for (var k = 0; k < curve.Steps.Count; k++)
        {
            _orders[(stage, slot, unit.Index, side, k)] = new OrderRow(stage, slot, unit.Id, unit.Index, side, k, curve.Steps[k].PriceMicroPerKwh, curve.Steps[k].QuantityWh);
        }
    }

    private void OnStepFills(StepFills m)
    {
        var index = _units[m.UnitId].Index;
        for (var k = 0; k < OrderCurve.MaxSteps; k++)
        {
            SetFill(m.Stage, m.Slot, index, OrderSide.Buy, k, m.BuyWh[k]);
            SetFill(m.Stage, m.Slot, index, OrderSide.Sell, k, m.SellWh[k]);
        }
    }

    private void SetFill(MarketStage stage, int slot, uint unit, OrderSide side, int step, ulong fillWh)
    {
        if (_orders.TryGetValue((stage, slot, unit, side, step), out var order))
        {
            order.FillWh = fillWh;
        }
        else if (fillWh > 0)
        {
            throw new InvalidOperationException($"the contract filled {fillWh} Wh of an order the recorder never saw ({stage} slot {slot} unit {unit} {side} step {step})");
        }
    }

    private void OnTransactions(Transactions m)
    {
        foreach (var r in m.Records)
        {
            _transactions.Add(new TransactionRow(m.Purpose, m.Period, r.UnitId, r.Outcome.Request.Label, r.Outcome.Hash, r.Outcome.Status, r.Outcome.GasUsed));
            var share = r.SlotCount > 0 ? (double)r.Outcome.GasUsed / r.SlotCount : 0;
            for (var slot = r.FirstSlot; slot < r.FirstSlot + r.SlotCount; slot++)
            {
                if (r.UnitId is { } unit)
                {
                    Row(slot, unit).GasTrading += share;
                }
                var slotRow = SlotAt(slot);
                switch (m.Purpose)
                {
                    case TransactionPurpose.Clearing: slotRow.GasClearing += share; break;
                    case TransactionPurpose.Readings or TransactionPurpose.Settlement or TransactionPurpose.Uplift: slotRow.GasMetering += share; break;
                    default: slotRow.GasOrders += share; break;
                }
            }
        }
    }

    private void OnCleared(Cleared m)
    {
        foreach (var c in m.Slots)
        {
            var row = SlotAt(c.Slot);
            if (c.Stage == MarketStage.DayAhead)
            {
                (row.DayAheadPrice, row.DayAheadVolumeWh) = (c.Price, c.VolumeWh);
            }
            else
            {
                (row.IntradayPrice, row.IntradayVolumeWh) = (c.Price, c.VolumeWh);
            }
        }
    }

    private void OnPositions(Positions m)
    {
        for (var i = 0; i < m.Values.Count; i++)
        {
            var row = Row(m.FirstSlot + i, m.UnitId);
            if (m.Stage == MarketStage.DayAhead)
            {
                (row.DayAheadBoughtWh, row.DayAheadSoldWh) = (m.Values[i].BoughtWh, m.Values[i].SoldWh);
            }
            else
            {
                (row.IntradayBoughtWh, row.IntradaySoldWh) = (m.Values[i].BoughtWh, m.Values[i].SoldWh);
            }
        }
    }

    private void OnDelivered(Delivered m)
    {
        SlotAt(m.Slot).Physics = m.Physics;
        foreach (var u in m.Units)
        {
            var row = Row(m.Slot, u.UnitId);
            row.ScheduledNetExportWh = u.Schedule.ScheduledNetExportWh;
            row.SetpointKw = u.Proposal.Role is Decisions.DeliveryRole.SetPoint or Decisions.DeliveryRole.Balancing ? u.Proposal.PowerKw : null;
            row.ActualKw = u.Flow.ActualPowerKw;
            // Metered is what the meter signed (a Pi's own reading, or the metering service's of the
            // physics); a unit whose reading did not verify has none and settles as missing.
            (row.ImportWh, row.ExportWh, row.VoltagePu) = (u.Reading is null ? null : (long)u.Reading.ImportWh, u.Reading is null ? null : (long)u.Reading.ExportWh, u.Flow.VoltagePu);
            row.State = u.State;
        }
        LastDeliveredSlot = Math.Max(LastDeliveredSlot, m.Slot);
    }

    /// <summary>Marks each delivered row whose reading the chain's stored record equals (or not); records of slots without a reading are not compared.</summary>
    private void OnMeterRecordsRead(MeterRecordsRead m)
    {
        foreach (var r in m.Records)
        {
            if (_unitRows.TryGetValue((r.Slot, r.UnitId), out var row) && row.ImportWh is not null)
            {
                row.ChainReadingAgrees = r.Reported && r.ImportWh == row.ImportWh && r.ExportWh == row.ExportWh;
            }
        }
    }

    /// <summary>
    /// A slot's settlements, all at once or (a unit whose reading never came) later: the slot's
    /// prices, each unit's payments, and the BRP's side of them, which accumulates over the
    /// messages: it receives what the others paid (imbalance charges and missing-reading fees, less
    /// the debt they could not pay) and pays what the long units received.
    /// </summary>
    private void OnSettled(Settled m)
    {
        var slot = SlotAt(m.Slot);
        (slot.ShortPrice, slot.LongPrice) = (m.ShortPrice, m.LongPrice);
        var brp = units.FirstOrDefault(u => u.IsBalanceResponsible);
        foreach (var u in m.Units.Where(u => u.UnitId != brp?.Id))
        {
            var row = Row(m.Slot, u.UnitId);
            row.TradeTokens = new NanoTokens(u.TradeNano).Tokens;
            row.ImbalanceTokens = new NanoTokens(u.ImbalanceNano).Tokens;
            row.FeeTokens = -new NanoTokens(u.FeeNano).Tokens;
            row.DebtIncurredTokens = new NanoTokens(u.DebtNano).Tokens;
            row.DeviationWh = u.DeviationWh;
            row.ReadingMissing = u.ReadingMissing;
        }
        if (brp is null)
        {
            return;
        }
        var brpRow = Row(m.Slot, brp.Id);
        var others = m.Units.Where(u => u.UnitId != brp.Id).ToList();
        brpRow.ImbalanceTokens = (brpRow.ImbalanceTokens ?? 0) + new NanoTokens(-others.Sum(u => u.ImbalanceNano) - others.Sum(u => u.DebtNano)).Tokens;
        brpRow.FeeTokens = (brpRow.FeeTokens ?? 0) + new NanoTokens(others.Sum(u => u.FeeNano)).Tokens;
        if (m.Units.FirstOrDefault(u => u.UnitId == brp.Id) is { } own)
        {
            (brpRow.TradeTokens, brpRow.DeviationWh, brpRow.ReadingMissing) = (new NanoTokens(own.TradeNano).Tokens, own.DeviationWh, own.ReadingMissing);
        }
    }

    /// <summary>Each unit pays its share (negative), the BRP receives them all: the uplift sums to zero in its slot.</summary>
    private void OnUplift(UpliftCharged m)
    {
        foreach (var (unitId, nano) in m.Shares)
        {
            Row(m.Slot, unitId).UpliftTokens = -new NanoTokens(nano).Tokens;
        }
        if (units.FirstOrDefault(u => u.IsBalanceResponsible) is { } brp)
        {
            Row(m.Slot, brp.Id).UpliftTokens = new NanoTokens(m.Shares.Sum(s => s.Nano)).Tokens;
        }
    }

    /// <summary>
    /// What the slack's fuel cost over slots [<paramref name="from"/>, <paramref name="to"/>) left
    /// uncovered by its revenue there (<see cref="GensetEconomics.Uplift"/>), tokens, and the other
    /// units' metered import over them, by which it is shared.
    /// </summary>
    public (decimal Tokens, IReadOnlyList<(string UnitId, long ImportWh)> Imports) UpliftDue(int from, int to, decimal fuelPrice)
    {
        var rows = _unitRows.Values.Where(r => r.Slot >= from && r.Slot < to).ToList();
        var slack = rows.Where(r => r.Unit.Kind == UnitKind.Slack).ToList();
        var tokens = GensetEconomics.Uplift(GensetEconomics.FuelCost(slack, fuelPrice), GensetEconomics.Revenue(slack));
        // Storage pays none: whoever imports its discharge pays on that energy, and a battery's charge from a surplus the
        // genset never supplied would be charged as if it had. The rest pay on their import net of their export (a
        // prosumer's meter, a V2G car) (docs/market-rules.md, "Make-whole uplift").
        var imports = rows.Where(r => !r.Unit.IsBalanceResponsible && r.Unit.Kind != UnitKind.Battery && r.ImportWh is not null).GroupBy(r => r.Unit)
            .Select(g => (g.Key.Id, Math.Max(0, g.Sum(r => r.ImportWh!.Value - r.ExportWh!.Value)))).ToList();
        return (tokens, imports);
    }

    private void OnBalances(Balances m)
    {
        foreach (var a in m.Accounts)
        {
            var row = Row(m.Slot, a.UnitId);
            (row.BalanceTokens, row.LockedTokens, row.DebtTokens) = (a.Balance, a.Locked, a.Debt);
        }
    }

    /// <summary>Writes the units, slots, orders and transactions tables into <paramref name="directory"/> in <paramref name="format"/>.</summary>
    public void Write(string directory, TableFormat format)
    {
        Write(directory, format, RunDirectory.Units, UnitsCsv.Schema, UnitsTable);
        Write(directory, format, RunDirectory.Slots, SlotsCsv.Schema, SlotsTable);
        Write(directory, format, RunDirectory.Orders, OrdersCsv.Schema, OrdersTable);
        Write(directory, format, RunDirectory.Transactions, TransactionsCsv.Schema, TransactionsTable);
    }

    private static void Write(string directory, TableFormat format, string name, IReadOnlyList<TableColumn> schema, Action<ITableWriter> rows)
    {
        using var table = TableWriters.Create(format, schema, Path.Combine(directory, RunDirectory.TableFile(name, format)));
        rows(table);
        table.Complete();
    }

    private void UnitsTable(ITableWriter table)
    {
        foreach (var r in _unitRows.Values.OrderBy(r => r.Slot).ThenBy(r => r.Unit.Index))
        {
            table.Add(
                r.Slot, Time(r.Slot), r.Unit.Id, r.Unit.Index, UnitKinds.Name(r.Unit.Kind), r.Unit.Bus, r.Unit.Phase,
                r.ForecastDayAheadKwh, r.ForecastIntradayKwh, r.DayAheadBidWh, r.DayAheadAskWh, r.DayAheadBoughtWh, r.DayAheadSoldWh,
                r.IntradayBidWh, r.IntradayAskWh, r.IntradayBoughtWh, r.IntradaySoldWh, r.ScheduledNetExportWh,
                r.SetpointKw, r.ActualKw, r.ImportWh, r.ExportWh, r.DeviationWh, r.ReadingMissing,
                r.TradeTokens, r.ImbalanceTokens, r.FeeTokens, r.DebtIncurredTokens, r.UpliftTokens, r.State?.StateOfCharge, r.State?.UnmetEnergyKwh, r.State?.CurtailedKwh, r.State?.NotServedKwh,
                r.State?.ClippedKwh, r.State?.FuelUnits, r.State?.Co2Kg, r.State?.GeneratedKwh, r.State?.ConsumedKwh,
                r.VoltagePu, r.BalanceTokens, r.LockedTokens, r.DebtTokens, Math.Round(r.GasTrading));
        }
    }

    private void SlotsTable(ITableWriter table)
    {
        foreach (var r in _slotRows.Values.Where(r => r.Slot >= 0 && r.Slot < calendar.TotalSlots).OrderBy(r => r.Slot))
        {
            var p = r.Physics;
            table.Add(
                r.Slot, Time(r.Slot), r.Slot / calendar.SlotsPerDay, r.DayAheadPrice, r.ExpectedDayAheadPrice, r.DayAheadVolumeWh, r.IntradayPrice, r.IntradayVolumeWh, r.ShortPrice, r.LongPrice, r.Tariff?.Import, r.Tariff?.Export,
                p?.GenerationKwh, p?.ConsumptionKwh, p?.LossesKwh, p?.SourceKwh, p?.CurtailedKwh, p?.NotServedKwh, p?.BallastKwh, p?.ResidualKwh,
                p?.MinVoltagePu, p?.MaxVoltagePu, p?.VoltageViolations, p is null ? null : BalanceTerms.Name(p.Outcome),
                p?.StorageAbsorbedKwh, p?.StorageSuppliedKwh, p?.GridFormer, p?.GensetState is { } state ? BalanceTerms.Name(state) : null, p?.ReserveRequiredKw, p?.ReserveKw, Math.Round(r.GasOrders), Math.Round(r.GasClearing), Math.Round(r.GasMetering));
        }
    }

    private void OrdersTable(ITableWriter table)
    {
        foreach (var o in _orders.Values)
        {
            table.Add(Stage(o.Stage), o.Slot, o.UnitId, o.UnitIndex, OrderIds.Of(o.UnitIndex, o.Side, o.Step), o.Side == OrderSide.Buy ? OrdersCsv.Buy : OrdersCsv.Sell, o.Step,
                new Price(o.PriceMicroPerKwh).Tokens, o.QuantityWh, o.FillWh);
        }
    }

    private void TransactionsTable(ITableWriter table)
    {
        foreach (var t in _transactions)
        {
            table.Add(t.Purpose.ToString(), t.Period, t.UnitId, t.Label, t.Hash, t.Status.ToString(), t.GasUsed);
        }
    }

    public static string Stage(MarketStage stage) => stage == MarketStage.DayAhead ? OrdersCsv.DayAhead : OrdersCsv.Intraday;

    private DateTimeOffset Time(int slot) => calendar.SlotStartUtc(slot);
}

/// <summary>One unit in one slot (units.csv). Filled phase by phase; null cells mean "not applicable".</summary>
public sealed class UnitSlotRow(int slot, UnitInfo unit)
{
    public int Slot { get; } = slot;
    public UnitInfo Unit { get; } = unit;
    public double? ForecastDayAheadKwh { get; set; }
    public double? ForecastIntradayKwh { get; set; }
    public long DayAheadBidWh { get; set; }
    public long DayAheadAskWh { get; set; }
    public long DayAheadBoughtWh { get; set; }
    public long DayAheadSoldWh { get; set; }
    public long IntradayBidWh { get; set; }
    public long IntradayAskWh { get; set; }
    public long IntradayBoughtWh { get; set; }
    public long IntradaySoldWh { get; set; }
    public long? ScheduledNetExportWh { get; set; }
    public double? SetpointKw { get; set; }
    public double? ActualKw { get; set; }
    public long? ImportWh { get; set; }
    public long? ExportWh { get; set; }

    /// <summary>Whether the contract's stored meter record equals the reading: null until read back (not a column of units.csv).</summary>
    public bool? ChainReadingAgrees { get; set; }
    public long? DeviationWh { get; set; }
    public bool? ReadingMissing { get; set; }
    public decimal? TradeTokens { get; set; }
    public decimal? ImbalanceTokens { get; set; }

    /// <summary>The missing-reading fee: paid (negative) by the unit, received by the BRP.</summary>
    public decimal? FeeTokens { get; set; }
    public decimal? DebtIncurredTokens { get; set; }

    /// <summary>The make-whole uplift, on a day's last slot: paid (negative) by the units, received by the BRP.</summary>
    public decimal? UpliftTokens { get; set; }
    public Decisions.UnitSlotState? State { get; set; }
    public double? VoltagePu { get; set; }
    public decimal? BalanceTokens { get; set; }
    public decimal? LockedTokens { get; set; }
    public decimal? DebtTokens { get; set; }
    public double GasTrading { get; set; }
}

/// <summary>One slot (slots.csv).</summary>
public sealed class SlotRow(int slot)
{
    public int Slot { get; } = slot;
    public decimal? DayAheadPrice { get; set; }

    /// <summary>The shared price expectation the slot's day-ahead auction was bid on (<c>PriceForecaster</c>).</summary>
    public decimal? ExpectedDayAheadPrice { get; set; }

    /// <summary>Grid-connected, the supplier's prices in the slot (the no-market baseline's); null in an island.</summary>
    public SupplierPrices? Tariff { get; set; }

    public long? DayAheadVolumeWh { get; set; }
    public decimal? IntradayPrice { get; set; }
    public long? IntradayVolumeWh { get; set; }
    public decimal? ShortPrice { get; set; }
    public decimal? LongPrice { get; set; }
    public SlotPhysics? Physics { get; set; }
    public double GasOrders { get; set; }
    public double GasClearing { get; set; }
    public double GasMetering { get; set; }
}

/// <summary>One order step and its fill (orders.csv).</summary>
public sealed class OrderRow(MarketStage stage, int slot, string unitId, uint unitIndex, OrderSide side, int step, uint priceMicroPerKwh, uint quantityWh)
{
    public MarketStage Stage { get; } = stage;
    public int Slot { get; } = slot;
    public string UnitId { get; } = unitId;
    public uint UnitIndex { get; } = unitIndex;
    public OrderSide Side { get; } = side;
    public int Step { get; } = step;
    public uint PriceMicroPerKwh { get; } = priceMicroPerKwh;
    public uint QuantityWh { get; } = quantityWh;
    public ulong FillWh { get; set; }
}

/// <summary>One transaction (transactions.csv): what it was for, its hash, status and gas.</summary>
public sealed record TransactionRow(TransactionPurpose Purpose, int Period, string? UnitId, string Label, string? Hash, MicroMarket.Market.Chain.TxStatus Status, long GasUsed);
