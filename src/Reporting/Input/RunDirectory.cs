using System.Text.Json;

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
        var table = CsvTableReader.Open(path, "slot", "time_utc", "day", "da_price", "da_volume_wh", "id_price", "id_volume_wh", "short_price", "long_price",
            "generation_kwh", "consumption_kwh", "losses_kwh", "source_kwh", "curtailed_kwh", "not_served_kwh", "ballast_kwh",
            "v_min_pu", "v_max_pu", "voltage_violations", "balance_outcome", "gas_orders", "gas_clearing", "gas_metering");
        var slots = table.Records().Select(r => new SlotRecord(
            r.Int("slot"), r.Time("time_utc"), r.Int("day"),
            r.NullableDecimal("da_price"), r.NullableDouble("da_volume_wh"), r.NullableDecimal("id_price"), r.NullableDouble("id_volume_wh"),
            r.NullableDecimal("short_price"), r.NullableDecimal("long_price"),
            PhysicsOf(r),
            r.NullableLong("gas_orders"), r.NullableLong("gas_clearing"), r.NullableLong("gas_metering"))).ToList();
        for (var i = 0; i < slots.Count; i++)
        {
            if (slots[i].Slot != i)
            {
                throw new RunFormatException($"slots.csv:{i + 2}: slot: '{slots[i].Slot}' where slot {i} was expected (one row per slot, in order)");
            }
        }
        return slots;
    }

    /// <summary>A slot's physics is all there (delivered) or all empty (not delivered); anything else is malformed.</summary>
    private static SlotPhysics? PhysicsOf(CsvRecord r)
    {
        if (r.Text("generation_kwh").Length == 0)
        {
            return null;
        }
        return new SlotPhysics(
            r.Double("generation_kwh"), r.Double("consumption_kwh"), r.Double("losses_kwh"), r.Double("source_kwh"),
            r.Double("curtailed_kwh"), r.Double("not_served_kwh"), r.Double("ballast_kwh"),
            r.Double("v_min_pu"), r.Double("v_max_pu"), r.Int("voltage_violations"), r.Text("balance_outcome"));
    }

    private static List<UnitSlotRecord> LoadUnitSlots(string path)
    {
        var table = CsvTableReader.Open(path, "slot", "unit", "index", "kind", "bus", "da_bought_wh", "da_sold_wh", "id_bought_wh", "id_sold_wh",
            "scheduled_net_export_wh", "actual_kw", "metered_import_wh", "metered_export_wh", "deviation_wh", "trade_tokens", "imbalance_tokens",
            "soc", "unmet_kwh", "curtailed_kwh", "voltage_pu");
        return table.Records().Select(r => new UnitSlotRecord(
            r.Int("slot"), r.RequiredText("unit"), r.Int("index"), r.RequiredText("kind"), r.Text("bus"),
            r.NullableDouble("da_bought_wh") ?? 0, r.NullableDouble("da_sold_wh") ?? 0, r.NullableDouble("id_bought_wh") ?? 0, r.NullableDouble("id_sold_wh") ?? 0,
            r.NullableDouble("scheduled_net_export_wh"), r.NullableDouble("actual_kw"),
            r.NullableDouble("metered_import_wh"), r.NullableDouble("metered_export_wh"), r.NullableDouble("deviation_wh"),
            r.NullableDecimal("trade_tokens"), r.NullableDecimal("imbalance_tokens"),
            r.NullableDouble("soc"), r.NullableDouble("unmet_kwh"), r.NullableDouble("curtailed_kwh"), r.NullableDouble("voltage_pu"))).ToList();
    }

    private static List<OrderStep> LoadOrders(string path)
    {
        var table = CsvTableReader.Open(path, "stage", "slot", "unit", "order_id", "side", "step", "price", "quantity_wh", "fill_wh");
        return table.Records().Select(r => new OrderStep(
            r.Text("stage") switch
            {
                "day-ahead" => MarketStage.DayAhead,
                "intraday" => MarketStage.Intraday,
                var other => throw r.Error("stage", other, "is not day-ahead or intraday"),
            },
            r.Int("slot"), r.RequiredText("unit"), r.NullableLong("order_id") ?? throw r.Error("order_id", "", "must not be empty"),
            r.Text("side") switch
            {
                "buy" => OrderSide.Buy,
                "sell" => OrderSide.Sell,
                var other => throw r.Error("side", other, "is not buy or sell"),
            },
            r.Int("step"), r.Decimal("price"), r.Double("quantity_wh"), r.NullableDouble("fill_wh") ?? 0)).ToList();
    }

    private static List<TransactionRecord> LoadTransactions(string path)
    {
        var table = CsvTableReader.Open(path, "purpose", "period", "unit", "status", "gas_used");
        return table.Records().Select(r => new TransactionRecord(r.RequiredText("purpose"), r.NullableInt("period"), r.Text("unit"), r.Text("status"), r.NullableLong("gas_used"))).ToList();
    }

    private static List<BusRecord> LoadBuses(string path)
    {
        var table = CsvTableReader.Open(path, "bus", "x", "y", "nominal_kv", "v_min_pu", "v_max_pu");
        return table.Records().Select(r => new BusRecord(r.RequiredText("bus"), r.NullableDouble("x"), r.NullableDouble("y"), r.Double("nominal_kv"),
            r.NullableDouble("v_min_pu"), r.NullableDouble("v_max_pu"))).ToList();
    }

    private static List<LineRecord> LoadLines(string path)
    {
        var table = CsvTableReader.Open(path, "line", "from_bus", "to_bus", "length_m");
        return table.Records().Select(r => new LineRecord(r.RequiredText("line"), r.RequiredText("from_bus"), r.RequiredText("to_bus"), r.Double("length_m"))).ToList();
    }
}
