using System.Text.Json;
using MicroMarket.RunFormat;

namespace MicroMarket.Reporting.Input;

/// <summary>
/// Reads a run directory written by the simulator (summary.json, slots.csv, units.csv, orders.csv,
/// transactions.csv, buses.csv, lines.csv) into a <see cref="RunData"/>, checking every header and cell it reads.
/// </summary>
public static class RunDirectory
{
    private static readonly JsonSerializerOptions SummaryJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
    };

    /// <exception cref="RunFormatException">The directory or a file is missing, or a file is malformed.</exception>
    public static RunData Load(string path)
    {
        if (!System.IO.Directory.Exists(path))
        {
            throw new RunFormatException($"{path}: no such run directory");
        }
        var full = Path.GetFullPath(path);
        return new RunData(
            full,
            LoadSummary(Path.Combine(full, "summary.json")),
            LoadSlots(Path.Combine(full, "slots.csv")),
            LoadUnitSlots(Path.Combine(full, "units.csv")),
            LoadOrders(Path.Combine(full, "orders.csv")),
            LoadTransactions(Path.Combine(full, "transactions.csv")),
            LoadBuses(Path.Combine(full, "buses.csv")),
            LoadLines(Path.Combine(full, "lines.csv")));
    }

    private static RunSummary LoadSummary(string path)
    {
        if (!File.Exists(path))
        {
            throw new RunFormatException($"summary.json: missing from the run directory {Path.GetDirectoryName(path)}");
        }
        try
        {
            return JsonSerializer.Deserialize<RunSummary>(File.ReadAllText(path), SummaryJson)
                ?? throw new RunFormatException("summary.json: the document is null");
        }
        catch (JsonException e)
        {
            // System.Text.Json names the JSON path and the line (zero-based); the user wants the field and the line.
            var line = e.LineNumber is { } n ? $":{n + 1}" : "";
            throw new RunFormatException($"summary.json{line}: {e.Path}: {e.Message}");
        }
    }

    private static List<SlotRecord> LoadSlots(string path)
    {
        var table = CsvTableReader.Open(path, "slot", "time_utc", "da_price", "da_volume_wh", "id_price", "id_volume_wh", "short_price", "long_price",
            "generation_kwh", "ballast_kwh", "v_min_pu", "v_max_pu", "voltage_violations");
        var slots = table.Records().Select(r => new SlotRecord(
            r.Int("slot"), r.Time("time_utc"),
            r.NullableDecimal("da_price"), r.NullableDouble("da_volume_wh"), r.NullableDecimal("id_price"), r.NullableDouble("id_volume_wh"),
            r.NullableDecimal("short_price"), r.NullableDecimal("long_price"),
            PhysicsOf(r))).ToList();
        for (var i = 0; i < slots.Count; i++)
        {
            if (slots[i].Slot != i)
            {
                throw new RunFormatException($"slots.csv:{i + 2}: slot: '{slots[i].Slot}' where slot {i} was expected (one row per slot, in order)");
            }
        }
        return slots;
    }

    /// <summary>A delivered slot has its physics columns filled (generation_kwh marks it); an undelivered one has them empty.</summary>
    private static SlotPhysics? PhysicsOf(CsvRecord r) => r.Text("generation_kwh").Length == 0
        ? null
        : new SlotPhysics(r.Double("ballast_kwh"), r.Double("v_min_pu"), r.Double("v_max_pu"), r.Int("voltage_violations"));

    private static List<UnitSlotRecord> LoadUnitSlots(string path)
    {
        var table = CsvTableReader.Open(path, "slot", "unit", "index", "kind", "bus", "metered_import_wh", "metered_export_wh", "deviation_wh", "soc");
        return table.Records().Select(r => new UnitSlotRecord(
            r.Int("slot"), r.RequiredText("unit"), r.Int("index"), KindOf(r), r.Text("bus"),
            r.NullableDouble("metered_import_wh"), r.NullableDouble("metered_export_wh"), r.NullableDouble("deviation_wh"), r.NullableDouble("soc"))).ToList();
    }

    private static UnitKind KindOf(CsvRecord r) => UnitKinds.TryParse(r.Text("kind"), out var kind)
        ? kind
        : throw r.Error("kind", r.Text("kind"), $"is not a unit kind ({string.Join(", ", UnitKinds.All.Select(UnitKinds.Name))})");

    private static List<OrderStep> LoadOrders(string path)
    {
        var table = CsvTableReader.Open(path, "stage", "slot", "order_id", "side", "step", "price", "quantity_wh");
        return table.Records().Select(r => new OrderStep(
            r.Text("stage") switch
            {
                "day-ahead" => MarketStage.DayAhead,
                "intraday" => MarketStage.Intraday,
                var other => throw r.Error("stage", other, "is not day-ahead or intraday"),
            },
            r.Int("slot"), r.NullableLong("order_id") ?? throw r.Error("order_id", "", "must not be empty"),
            r.Text("side") switch
            {
                "buy" => OrderSide.Buy,
                "sell" => OrderSide.Sell,
                var other => throw r.Error("side", other, "is not buy or sell"),
            },
            r.Int("step"), r.Decimal("price"), r.Double("quantity_wh"))).ToList();
    }

    private static List<TransactionRecord> LoadTransactions(string path)
    {
        var table = CsvTableReader.Open(path, "purpose", "gas_used");
        return table.Records().Select(r => new TransactionRecord(r.RequiredText("purpose"), r.NullableLong("gas_used"))).ToList();
    }

    private static List<BusRecord> LoadBuses(string path)
    {
        var table = CsvTableReader.Open(path, "bus", "x", "y", "v_min_pu");
        return table.Records().Select(r => new BusRecord(r.RequiredText("bus"), r.NullableDouble("x"), r.NullableDouble("y"), r.NullableDouble("v_min_pu"))).ToList();
    }

    private static List<LineRecord> LoadLines(string path)
    {
        var table = CsvTableReader.Open(path, "from_bus", "to_bus");
        return table.Records().Select(r => new LineRecord(r.RequiredText("from_bus"), r.RequiredText("to_bus"))).ToList();
    }
}
