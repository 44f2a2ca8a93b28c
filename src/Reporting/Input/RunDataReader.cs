using MicroMarket.Reporting.Figures;
using MicroMarket.RunFormat;

namespace MicroMarket.Reporting.Input;

/// <summary>
/// Reads a run directory written by the simulator (summary.json, slots, units, orders and transactions as CSV or
/// Parquet, buses.csv, lines.csv) into a <see cref="RunData"/>, checking every header and cell it reads.
/// </summary>
public static class RunDataReader
{
    /// <summary>
    /// Reads the run, of its order books only those of slot <paramref name="bookSlot"/> (by default the busiest day-ahead
    /// slot, <see cref="MeritOrderFigure.DefaultSlot"/>): the report draws that one, and a year's orders table is millions
    /// of steps.
    /// </summary>
    /// <exception cref="RunFormatException">The directory or a file is missing, or a file is malformed.</exception>
    public static RunData Load(string path, int? bookSlot = null)
    {
        RequireDirectory(path);
        var full = Path.GetFullPath(path);
        if (RunWithoutResults.Read(full) is { } unfinished)
        {
            throw new RunFormatException($"{path}: {unfinished.Explanation}");
        }
        var slots = LoadSlots(full);
        var book = bookSlot ?? MeritOrderFigure.DefaultSlot(slots);
        var participants = LoadParticipants(full);
        return new RunData(
            full,
            RunJson.Read<RunSummary>(full, RunDirectory.Summary),
            slots,
            participants,
            LoadUnitSlots(full, participants),
            book,
            LoadOrders(full, book),
            LoadTransactions(full),
            LoadBuses(full),
            LoadLines(full));
    }

    /// <summary>Checks that <paramref name="path"/> is a directory, before anything else is done with it.</summary>
    /// <exception cref="RunFormatException">It is a file, or nothing.</exception>
    public static void RequireDirectory(string path)
    {
        if (File.Exists(path))
        {
            throw new RunFormatException($"{path} is a file, not a run directory");
        }
        if (!Directory.Exists(path))
        {
            throw new RunFormatException($"{path}: no such run directory");
        }
    }

    private static List<SlotRecord> LoadSlots(string directory)
    {
        var table = TableReader.Open(directory, RunDirectory.Slots, SlotsCsv.Slot, SlotsCsv.TimeUtc, SlotsCsv.DayAheadPrice, SlotsCsv.DayAheadVolumeWh, SlotsCsv.IntradayPrice,
            SlotsCsv.IntradayVolumeWh, SlotsCsv.ShortPrice, SlotsCsv.LongPrice, SlotsCsv.GenerationKwh, SlotsCsv.SourceKwh, SlotsCsv.CurtailedKwh,
            SlotsCsv.NotServedKwh, SlotsCsv.BallastKwh, SlotsCsv.StorageAbsorbedKwh, SlotsCsv.StorageSuppliedKwh, SlotsCsv.MinVoltagePu,
            SlotsCsv.MaxVoltagePu, SlotsCsv.VoltageViolations, SlotsCsv.BalanceOutcome, SlotsCsv.GridFormer, SlotsCsv.GensetState,
            SlotsCsv.ReserveRequiredKw, SlotsCsv.ReserveKw);
        var slots = table.Records().Select(r => new SlotRecord(
            r.Int(SlotsCsv.Slot), r.Time(SlotsCsv.TimeUtc),
            r.NullableDecimal(SlotsCsv.DayAheadPrice), r.NullableDouble(SlotsCsv.DayAheadVolumeWh), r.NullableDecimal(SlotsCsv.IntradayPrice),
            r.NullableDouble(SlotsCsv.IntradayVolumeWh), r.NullableDecimal(SlotsCsv.ShortPrice), r.NullableDecimal(SlotsCsv.LongPrice),
            PhysicsOf(r))).ToList();
        for (var i = 0; i < slots.Count; i++)
        {
            if (slots[i].Slot != i)
            {
                throw new RunFormatException($"{RunDirectory.Slots}:{i + 2}: {SlotsCsv.Slot}: '{slots[i].Slot}' where slot {i} was expected (one row per slot, in order)");
            }
        }
        return slots;
    }

    /// <summary>A delivered slot has its physics columns filled (generation_kwh marks it); an undelivered one has them empty.</summary>
    private static SlotPhysicsRecord? PhysicsOf(TableRecord r) => r.Text(SlotsCsv.GenerationKwh).Length == 0
        ? null
        : new SlotPhysicsRecord(r.Double(SlotsCsv.SourceKwh), r.Double(SlotsCsv.CurtailedKwh), r.Double(SlotsCsv.NotServedKwh), r.Double(SlotsCsv.BallastKwh),
            r.Double(SlotsCsv.StorageAbsorbedKwh), r.Double(SlotsCsv.StorageSuppliedKwh), r.Double(SlotsCsv.MinVoltagePu), r.Double(SlotsCsv.MaxVoltagePu),
            r.Int(SlotsCsv.VoltageViolations), OutcomeOf(r), r.Text(SlotsCsv.GridFormer), GensetStateOf(r), r.Double(SlotsCsv.ReserveRequiredKw),
            r.Double(SlotsCsv.ReserveKw));

    private static BalanceOutcome OutcomeOf(TableRecord r) => BalanceTerms.TryParse(r.Text(SlotsCsv.BalanceOutcome), out BalanceOutcome outcome)
        ? outcome
        : throw r.Error(SlotsCsv.BalanceOutcome, r.Text(SlotsCsv.BalanceOutcome), $"is not a balance outcome ({string.Join(", ", Enum.GetNames<BalanceOutcome>())})");

    /// <summary>Empty without a genset.</summary>
    private static GensetState? GensetStateOf(TableRecord r) => r.Text(SlotsCsv.GensetState) switch
    {
        "" => null,
        var text when BalanceTerms.TryParse(text, out GensetState state) => state,
        var other => throw r.Error(SlotsCsv.GensetState, other, $"is not one of {string.Join(", ", BalanceTerms.GensetStateNames)}"),
    };

    /// <summary>The units as slot 0 names them: every unit has a row in every slot, so the later rows need only its index.</summary>
    private static List<Participant> LoadParticipants(string directory)
    {
        var table = TableReader.OpenWhere(directory, RunDirectory.Units, new RowFilter(UnitsCsv.Slot, 0), UnitsCsv.Unit, UnitsCsv.Index, UnitsCsv.Kind, UnitsCsv.Bus);
        return table.Records()
            .Select(r => new Participant(r.RequiredText(UnitsCsv.Unit), r.Int(UnitsCsv.Index), KindOf(r), r.Text(UnitsCsv.Bus)))
            .OrderBy(p => p.Index)
            .ToList();
    }

    /// <summary>
    /// Each unit's rows, naming the unit by its index only: a year's units table is millions of rows, and decoding its
    /// unit, kind and bus texts in each of them took most of the time the report spent reading it.
    /// </summary>
    private static List<UnitSlotRecord> LoadUnitSlots(string directory, IReadOnlyList<Participant> participants)
    {
        var byIndex = participants.ToDictionary(p => p.Index);
        // A run written before prosumers has no behind-the-meter columns, and no prosumer to fill them.
        var behindTheMeter = TableReader.Header(directory, RunDirectory.Units).Contains(UnitsCsv.ConsumedKwh);
        string[] columns = [UnitsCsv.Slot, UnitsCsv.Index, UnitsCsv.MeteredImportWh, UnitsCsv.MeteredExportWh, UnitsCsv.DeviationWh, UnitsCsv.StateOfCharge,
            .. behindTheMeter ? new[] { UnitsCsv.ConsumedKwh, UnitsCsv.GeneratedKwh } : []];
        var table = TableReader.Open(directory, RunDirectory.Units, columns);
        return table.Records().Select(r =>
        {
            var unit = byIndex.TryGetValue(r.Int(UnitsCsv.Index), out var p)
                ? p
                : throw r.Error(UnitsCsv.Index, r.Text(UnitsCsv.Index), "is not the index of a unit of slot 0");
            return new UnitSlotRecord(r.Int(UnitsCsv.Slot), unit.Unit, unit.Index, unit.Kind, unit.Bus,
                r.NullableDouble(UnitsCsv.MeteredImportWh), r.NullableDouble(UnitsCsv.MeteredExportWh), r.NullableDouble(UnitsCsv.DeviationWh),
                r.NullableDouble(UnitsCsv.StateOfCharge),
                behindTheMeter ? r.NullableDouble(UnitsCsv.ConsumedKwh) : null, behindTheMeter ? r.NullableDouble(UnitsCsv.GeneratedKwh) : null);
        }).ToList();
    }

    private static UnitKind KindOf(TableRecord r) => UnitKinds.TryParse(r.Text(UnitsCsv.Kind), out var kind)
        ? kind
        : throw r.Error(UnitsCsv.Kind, r.Text(UnitsCsv.Kind), $"is not a unit kind ({string.Join(", ", UnitKinds.All.Select(UnitKinds.Name))})");

    private static List<OrderStep> LoadOrders(string directory, int slot)
    {
        var table = TableReader.OpenWhere(directory, RunDirectory.Orders, new RowFilter(OrdersCsv.Slot, slot), OrdersCsv.Stage, OrdersCsv.Slot, OrdersCsv.OrderId, OrdersCsv.Side, OrdersCsv.Step, OrdersCsv.Price, OrdersCsv.QuantityWh);
        return table.Records().Select(r => new OrderStep(
            r.Text(OrdersCsv.Stage) switch
            {
                OrdersCsv.DayAhead => MarketStage.DayAhead,
                OrdersCsv.Intraday => MarketStage.Intraday,
                var other => throw r.Error(OrdersCsv.Stage, other, $"is not {OrdersCsv.DayAhead} or {OrdersCsv.Intraday}"),
            },
            r.Int(OrdersCsv.Slot), r.NullableLong(OrdersCsv.OrderId) ?? throw r.Error(OrdersCsv.OrderId, "", "must not be empty"),
            r.Text(OrdersCsv.Side) switch
            {
                OrdersCsv.Buy => OrderSide.Buy,
                OrdersCsv.Sell => OrderSide.Sell,
                var other => throw r.Error(OrdersCsv.Side, other, $"is not {OrdersCsv.Buy} or {OrdersCsv.Sell}"),
            },
            r.Int(OrdersCsv.Step), r.Decimal(OrdersCsv.Price), r.Double(OrdersCsv.QuantityWh))).ToList();
    }

    private static List<TransactionRecord> LoadTransactions(string directory)
    {
        var table = TableReader.Open(directory, RunDirectory.Transactions, TransactionsCsv.Purpose, TransactionsCsv.GasUsed);
        return table.Records().Select(r => new TransactionRecord(r.RequiredText(TransactionsCsv.Purpose), r.NullableLong(TransactionsCsv.GasUsed))).ToList();
    }

    private static List<BusRecord> LoadBuses(string directory)
    {
        var table = CsvTableReader.Open(Path.Combine(directory, RunDirectory.Buses), BusesCsv.Bus, BusesCsv.X, BusesCsv.Y, BusesCsv.MinVoltagePu);
        return table.Records().Select(r => new BusRecord(
            r.RequiredText(BusesCsv.Bus), r.NullableDouble(BusesCsv.X), r.NullableDouble(BusesCsv.Y), r.NullableDouble(BusesCsv.MinVoltagePu))).ToList();
    }

    private static List<LineRecord> LoadLines(string directory)
    {
        var table = CsvTableReader.Open(Path.Combine(directory, RunDirectory.Lines), LinesCsv.FromBus, LinesCsv.ToBus);
        return table.Records().Select(r => new LineRecord(r.RequiredText(LinesCsv.FromBus), r.RequiredText(LinesCsv.ToBus))).ToList();
    }
}
