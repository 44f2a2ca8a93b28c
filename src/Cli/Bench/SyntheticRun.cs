using MicroMarket.RunFormat;

namespace MicroMarket.Cli.Bench;

/// <summary>
/// Writes a synthetic grid-connected run directory in the simulator's format, through the run format's own writers (CSV
/// or Parquet): houses with morning and evening peaks, two PV systems, a wind turbine, a battery, EVs charging
/// overnight, a washer and the upstream grid, with prices, order books, transactions, a feeder and a summary. The
/// numbers are plausible, not simulated: they exist to exercise the report on long runs and on the unit kinds the
/// island fixture lacks (grid, wind, many EVs). `bench report` times the report on a year of it; the report tests
/// (which compile this file in, as they may not reference the program) draw and check it.
/// </summary>
internal sealed class SyntheticRun
{
    /// <summary>Slot 0 of the tests' runs: local midnight of 2026-06-15 in a UTC+2 zone.</summary>
    public static readonly DateTimeOffset DefaultStartUtc = new(2026, 6, 14, 22, 0, 0, TimeSpan.Zero);

    /// <summary>The units besides the houses and EVs: two PV systems, a wind turbine, a battery, a washer and the grid.</summary>
    public const int OtherUnits = 6;

    private const int SlotsPerDay = 96;
    private const double Hours = 0.25;

    private sealed record Unit(string Id, int Index, UnitKind Kind, string Bus);

    private readonly Random _random;
    private readonly int _days;
    private readonly List<Unit> _units = [];
    private readonly DateTimeOffset _start;
    private readonly TableFormat _format;

    private SyntheticRun(int days, int houses, int evs, int seed, DateTimeOffset startUtc, TableFormat format)
    {
        (_random, _days, _start, _format) = (new Random(seed), days, startUtc, format);
        var index = 1;
        for (var h = 1; h <= houses; h++)
        {
            _units.Add(new($"house-{h}", index++, UnitKind.Load, $"B{2 + h % 8}"));
        }
        _units.Add(new("pv-1", index++, UnitKind.Pv, "B3"));
        _units.Add(new("pv-2", index++, UnitKind.Pv, "B8"));
        _units.Add(new("wind-1", index++, UnitKind.Wind, "B5"));
        _units.Add(new("bat-1", index++, UnitKind.Battery, "B4"));
        for (var e = 1; e <= evs; e++)
        {
            _units.Add(new($"ev-{e}", index++, UnitKind.Ev, $"B{2 + e % 8}"));
        }
        _units.Add(new("washer", index++, UnitKind.FlexibleLoad, "B6"));
        _units.Add(new("grid", index, UnitKind.Grid, "B1"));
    }

    /// <summary>
    /// Writes the run into <paramref name="directory"/> (created) and returns it; slot 0 starts at <paramref name="startUtc"/>
    /// (<see cref="DefaultStartUtc"/> when null), a local midnight, and the per-slot tables are in <paramref name="format"/>.
    /// </summary>
    public static string Write(string directory, int days, int houses = 12, int evs = 2, int seed = 7, DateTimeOffset? startUtc = null, TableFormat format = TableFormat.Csv)
    {
        Directory.CreateDirectory(directory);
        new SyntheticRun(days, houses, evs, seed, startUtc ?? DefaultStartUtc, format).WriteAll(directory);
        return directory;
    }

    private void WriteAll(string directory)
    {
        using var units = Table(directory, RunDirectory.Units, UnitsCsv.Schema);
        using var slots = Table(directory, RunDirectory.Slots, SlotsCsv.Schema);
        using var orders = Table(directory, RunDirectory.Orders, OrdersCsv.Schema);
        var totals = new Totals();
        var batteryKwh = 5.0;
        var evKwh = new double[_units.Count(u => u.Kind == UnitKind.Ev)];
        var orderId = 1L;
        for (var slot = 0; slot < _days * SlotsPerDay; slot++)
        {
            var day = slot / SlotsPerDay;
            var hour = slot % SlotsPerDay * Hours;
            var time = _start.AddMinutes(15 * slot);
            var sun = Math.Max(0, Math.Sin(Math.PI * (hour - 6) / 14)) * (0.6 + 0.4 * Math.Sin(day * 1.7) * Math.Sin(day * 1.7));
            var wind = Math.Clamp(0.35 + 0.3 * Math.Sin(slot / 37.0) + 0.1 * (_random.NextDouble() - 0.5), 0, 1);
            var flows = new Dictionary<Unit, (double ImportKwh, double ExportKwh, double? Soc, double Unmet)>();
            var ev = 0;
            foreach (var unit in _units.Where(u => u.Kind != UnitKind.Grid))
            {
                flows[unit] = unit.Kind switch
                {
                    UnitKind.Load => (0.06 + 0.12 * Bump(hour, 7.5, 1.2) + 0.25 * Bump(hour, 19, 1.8) + 0.04 * _random.NextDouble(), 0, null, 0),
                    UnitKind.Pv => (0, 5 * sun * Hours, null, 0),
                    UnitKind.Wind => (0, 4 * wind * Hours, null, 0),
                    UnitKind.Battery => Battery(hour, ref batteryKwh),
                    UnitKind.Ev => Ev(hour, ev, ref evKwh[ev++]),
                    _ => (hour is >= 10 and < 11 ? 0.5 : 0, 0, null, 0),
                };
            }
            var demand = flows.Values.Sum(f => f.ImportKwh);
            var generation = flows.Values.Sum(f => f.ExportKwh);
            var losses = 0.01 * (demand + generation);
            var gridExport = Math.Max(0, demand + losses - generation);
            var gridImport = Math.Max(0, generation - demand - losses);
            var grid = _units.Single(u => u.Kind == UnitKind.Grid);
            flows[grid] = (gridImport, gridExport, null, 0);
            var dayAhead = gridExport > 0 ? 0.30 - 0.02 * sun : 0.08 + 0.01 * wind;
            var intraday = dayAhead * (0.9 + 0.2 * _random.NextDouble());
            var localVolume = Math.Min(demand, generation);
            var vMin = 1.0 - 0.015 * demand / Math.Max(1, _units.Count / 4.0) - 0.002 * _random.NextDouble();
            var vMax = 1.0 + 0.02 * sun + 0.001 * _random.NextDouble();

            foreach (var (unit, flow) in flows.OrderBy(f => f.Key.Index))
            {
                var net = flow.ExportKwh - flow.ImportKwh;
                var scheduled = net * (unit.Kind is UnitKind.Pv or UnitKind.Wind ? 0.9 + 0.2 * _random.NextDouble() : 1 + 0.1 * (_random.NextDouble() - 0.5));
                var deviation = unit.Kind == UnitKind.Grid ? 0 : net - scheduled;
                var trade = net * dayAhead;
                var imbalance = deviation * (deviation < 0 ? dayAhead * 1.2 : dayAhead * 0.8);
                totals.Add(unit, flow.ImportKwh, flow.ExportKwh, (decimal)trade, (decimal)imbalance, deviation, flow.Unmet);
                units.Add(slot, time, unit.Id, unit.Index, UnitKinds.Name(unit.Kind), unit.Bus, "ABC", scheduled, scheduled, Math.Round(flow.ImportKwh * 1000), Math.Round(flow.ExportKwh * 1000),
                    Math.Round(flow.ImportKwh * 1000), Math.Round(flow.ExportKwh * 1000), 0, 0, 0, 0, Math.Round(scheduled * 1000), net / Hours, net / Hours,
                    Math.Round(flow.ImportKwh * 1000), Math.Round(flow.ExportKwh * 1000), Math.Round(deviation * 1000), false, trade, imbalance, 0, 0, null,
                    flow.Soc, flow.Unmet, 0, 0, 0, 0, 0, null, null, vMin + 0.5 * (vMax - vMin), 500, 0, 0, 60000);
                if (unit.Kind != UnitKind.Grid)
                {
                    foreach (var stage in new[] { OrdersCsv.DayAhead, OrdersCsv.Intraday })
                    {
                        var (side, price) = flow.ImportKwh > 0 ? (OrdersCsv.Buy, 0.40) : (OrdersCsv.Sell, unit.Kind == UnitKind.Battery ? 0.25 : 0.0);
                        var quantity = Math.Round(Math.Max(flow.ImportKwh, flow.ExportKwh) * 1000);
                        if (quantity > 0)
                        {
                            orders.Add(stage, slot, unit.Id, unit.Index, orderId++, side, 0, price, quantity, quantity);
                        }
                    }
                }
            }
            foreach (var stage in new[] { OrdersCsv.DayAhead, OrdersCsv.Intraday })
            {
                for (var step = 0; step < 4; step++)
                {
                    orders.Add(stage, slot, grid.Id, grid.Index, orderId++, OrdersCsv.Sell, step, 0.30 + 0.02 * step, 12500, 0);
                }
                orders.Add(stage, slot, grid.Id, grid.Index, orderId++, OrdersCsv.Buy, 0, 0.08, 50000, 0);
            }
            totals.AddSlot(dayAhead, intraday, localVolume, losses, vMin, vMax);
            slots.Add(slot, time, day, Math.Round(dayAhead, 6), null, Math.Round(localVolume * 1000), Math.Round(intraday, 6),
                Math.Round(localVolume * 100), Math.Round(dayAhead * 1.2, 6), Math.Round(dayAhead * 0.8, 6), 0.3m, 0.06m, generation + gridExport, demand + gridImport,
                losses, gridExport - gridImport, 0, 0, 0, 0, vMin, vMax, 0, "GridConnected", 0, 0, "", "", 0, 0, 380000, 200000, 640000);
        }
        units.Complete();
        slots.Complete();
        orders.Complete();
        var transactions = WriteTransactions(directory);
        WriteFeeder(directory);
        WriteSummary(directory, totals, transactions);
    }

    private ITableWriter Table(string directory, string name, IReadOnlyList<TableColumn> schema) =>
        TableWriters.Create(_format, schema, Path.Combine(directory, RunDirectory.TableFile(name, _format)));

    private static double Bump(double hour, double centre, double width) => Math.Exp(-Math.Pow((hour - centre) / width, 2));

    private static (double, double, double?, double) Battery(double hour, ref double storedKwh)
    {
        const double capacityKwh = 10;
        var (charge, discharge) = hour is >= 10 and < 14 ? (Math.Min(0.5, capacityKwh - storedKwh), 0.0)
            : hour is >= 18 and < 22 ? (0.0, Math.Min(0.5, storedKwh - 1)) : (0.0, 0.0);
        storedKwh += 0.95 * charge - discharge;
        return (charge, discharge, storedKwh / capacityKwh, 0);
    }

    /// <summary>EV number <paramref name="car"/> arrives half an hour after the one before it, from 18:00, and leaves at 07:00.</summary>
    private static (double, double, double?, double) Ev(double hour, int car, ref double storedKwh)
    {
        const double capacityKwh = 40;
        var arrival = 18 + 0.5 * (car % 8);
        if (hour >= 7 && hour < arrival)
        {
            return (0, 0, null, 0);
        }
        if (hour == arrival)
        {
            storedKwh = 12 - car % 5;
        }
        var charge = Math.Min(7.4 * Hours, Math.Max(0, 30 - storedKwh));
        storedKwh += charge;
        var unmet = hour == 6.75 ? Math.Max(0, 30 - storedKwh) : 0;
        return (charge, 0, storedKwh / capacityKwh, unmet);
    }

    private (int Count, long Gas) WriteTransactions(string directory)
    {
        using var table = Table(directory, RunDirectory.Transactions, TransactionsCsv.Schema);
        var (count, gas) = (0, 0L);
        void Add(string purpose, int period, string unit, string label, long used)
        {
            table.Add(purpose, period, unit, label, $"0x{count:x64}", "Succeeded", used);
            (count, gas) = (count + 1, gas + used);
        }
        for (var day = 0; day < _days; day++)
        {
            foreach (var unit in _units)
            {
                Add("DayAheadOrders", day, unit.Id, $"day-ahead orders of unit {unit.Index} for day {day}", 1_800_000 + _random.Next(900_000));
            }
            Add("Clearing", day, "", $"clear day-ahead day {day}", 900_000);
            for (var hour = 0; hour < 24; hour++)
            {
                foreach (var unit in _units.Where(u => u.Kind is not (UnitKind.Load or UnitKind.Grid)))
                {
                    Add("IntradayOrders", day * 24 + hour, unit.Id, $"intra-day orders of unit {unit.Index}", 180_000 + _random.Next(20_000));
                }
                Add("Clearing", day * 24 + hour, "", $"clear intra-day hour {hour}", 800_000);
            }
        }
        for (var slot = 0; slot < _days * SlotsPerDay; slot++)
        {
            Add("Readings", slot, "", $"report {_units.Count} reading(s)", 40_000 * _units.Count);
            Add("Settlement", slot, "", $"settle slot {slot} for {_units.Count} unit(s)", 40_000 * _units.Count);
        }
        table.Complete();
        return (count, gas);
    }

    private static void WriteFeeder(string directory)
    {
        var buses = new CsvTableWriter(BusesCsv.Columns);
        var lines = new CsvTableWriter(LinesCsv.Columns);
        buses.Add("MV", 0, 0, 11, null, null);
        for (var b = 1; b <= 10; b++)
        {
            var (x, y) = b <= 6 ? (0, 10 + 40 * (b - 1)) : (40 * (b - 6), 90);
            buses.Add($"B{b}", x, y, 0.416, 1 - 0.004 * b, 1 + 0.002 * b);
            if (b > 1)
            {
                lines.Add($"L{b}", b == 7 ? "B3" : $"B{b - 1}", $"B{b}", 40);
            }
        }
        buses.Write(Path.Combine(directory, RunDirectory.Buses));
        lines.Write(Path.Combine(directory, RunDirectory.Lines));
    }

    private void WriteSummary(string directory, Totals t, (int Count, long Gas) transactions)
    {
        var participants = _units.Count;
        var bills = _units.Select(u =>
        {
            var (import, export, trade, imbalance) = t.Bill(u);
            return new ParticipantBill(u.Id, u.Kind, -(trade + imbalance), -trade, -imbalance, (decimal)import * 0.30m - (decimal)export * 0.08m,
                Math.Round(import, 3), Math.Round(export, 3));
        }).ToList();
        static PriceStats Price(List<double> p) => new((decimal)Math.Round(p.Average(), 6), (decimal)p.Min(), (decimal)p.Max(), p.Count);
        var kpis = new RunKpis(
            t.Consumption, t.Generation, t.GridExport, Math.Clamp(1 - t.GridExport / t.Consumption, 0, 1), Math.Clamp(1 - t.GridImport / t.Generation, 0, 1),
            0.4, Price(t.DayAhead), Price(t.Intraday), (decimal)Math.Round(t.Intraday.Average() - t.DayAhead.Average(), 6),
            t.LocalVolume, t.LocalVolume / 10, t.ImbalanceVolume, -t.Imbalance, SlackEnergyKwh: 0, FuelUnits: 0, FuelCost: 0, Co2Kg: 0, t.EvUnmet,
            FlexibleUnmetKwh: 0, ProsumerUnmetKwh: 0, CurtailedKwh: 0, EnergyNotServedKwh: 0, t.Losses, t.MinVoltage, t.MaxVoltage, VoltageViolations: 0, transactions.Gas,
            transactions.Count, (double)transactions.Gas / participants / _days, (double)transactions.Count / participants / _days, bills);
        var verification = new RunVerification(EnergyBalanced: true, 1e-12, MoneyConserved: true, 0, 0, 0, 0, 0, 2 * _days * SlotsPerDay, ClearingMismatches: 0,
            participants * _days * SlotsPerDay, ReadingMismatches: 0, Holds: true);
        RunJson.Write(directory, RunDirectory.Summary, new RunSummary("synthetic", 7, Complete: true, Failure: null, RunSummary.GridConnectedMode, _days,
            _days * SlotsPerDay, _days * SlotsPerDay, _days * 150, participants, kpis, verification));
    }

    /// <summary>Running totals for the synthetic summary.</summary>
    private sealed class Totals
    {
        private readonly Dictionary<string, (double Import, double Export, decimal Trade, decimal Imbalance)> _bills = [];

        public double Consumption { get; private set; }
        public double Generation { get; private set; }
        public double GridImport { get; private set; }
        public double GridExport { get; private set; }
        public decimal Imbalance { get; private set; }
        public double ImbalanceVolume { get; private set; }
        public double EvUnmet { get; private set; }
        public double LocalVolume { get; private set; }
        public double Losses { get; private set; }
        public double MinVoltage { get; private set; } = double.MaxValue;
        public double MaxVoltage { get; private set; } = double.MinValue;
        public List<double> DayAhead { get; } = [];
        public List<double> Intraday { get; } = [];

        public void Add(Unit unit, double import, double export, decimal trade, decimal imbalance, double deviation, double unmet)
        {
            if (unit.Kind == UnitKind.Grid)
            {
                (GridImport, GridExport) = (GridImport + import, GridExport + export);
            }
            else
            {
                // docs/kpis.md: storage is internal, final consumption is the loads' and EVs' net import.
                Consumption += unit.Kind is UnitKind.Load or UnitKind.FlexibleLoad or UnitKind.Ev ? import - export : 0;
                Generation += unit.Kind is UnitKind.Pv or UnitKind.Wind ? export - import : 0;
                Imbalance += imbalance;
                ImbalanceVolume += Math.Abs(deviation);
            }
            EvUnmet += unit.Kind == UnitKind.Ev ? unmet : 0;
            var b = _bills.GetValueOrDefault(unit.Id);
            _bills[unit.Id] = (b.Import + import, b.Export + export, b.Trade + decimal.Round(trade, 6), b.Imbalance + decimal.Round(imbalance, 6));
        }

        public void AddSlot(double dayAhead, double intraday, double localVolume, double losses, double vMin, double vMax)
        {
            DayAhead.Add(Math.Round(dayAhead, 6));
            Intraday.Add(Math.Round(intraday, 6));
            LocalVolume += localVolume;
            Losses += losses;
            (MinVoltage, MaxVoltage) = (Math.Min(MinVoltage, vMin), Math.Max(MaxVoltage, vMax));
        }

        public (double Import, double Export, decimal Trade, decimal Imbalance) Bill(Unit unit) => _bills.GetValueOrDefault(unit.Id);
    }
}
