using System.Text.Json;
using System.Text.Json.Serialization;

namespace MicroMarket.Simulation.Recording;

/// <summary>
/// The tables as a market node's checkpoint keeps them (docs/cluster.md, "Resuming a market node"): every row as the
/// rounds have filled it so far, in a small versioned JSON document, so that a resumed run appends to them.
/// </summary>
public sealed partial class RunTables
{
    /// <summary>Raised when the document's layout changes: a checkpoint of another layout is refused, not misread.</summary>
    public const int StateVersion = 1;

    /// <summary>Writes every row to <paramref name="stream"/> (rows name their unit by its id).</summary>
    public void Save(Stream stream) =>
        JsonSerializer.Serialize(stream, new TablesState(StateVersion, [.. _unitRows.Values], [.. _slotRows.Values], [.. _orders.Values], _transactions, LastDeliveredSlot),
            StateOptions(_units));

    /// <summary>The tables <see cref="Save"/> wrote, for the same calendar and units.</summary>
    /// <exception cref="InvalidDataException">Another layout, or a unit the plan does not have.</exception>
    public static RunTables Load(Stream stream, SimulationCalendar calendar, IReadOnlyList<UnitInfo> units)
    {
        var tables = new RunTables(calendar, units);
        TablesState state;
        try
        {
            state = JsonSerializer.Deserialize<TablesState>(stream, StateOptions(tables._units))
                ?? throw new InvalidDataException("the saved tables are empty");
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException)
        {
            throw new InvalidDataException($"the saved tables cannot be read: {ex.Message}", ex);
        }
        if (state.Version != StateVersion)
        {
            throw new InvalidDataException($"the saved tables are of layout {state.Version}, this program reads layout {StateVersion}");
        }
        foreach (var row in state.UnitRows)
        {
            tables._unitRows[(row.Slot, row.Unit.Id)] = row;
        }
        foreach (var row in state.SlotRows)
        {
            tables._slotRows[row.Slot] = row;
        }
        foreach (var o in state.Orders)
        {
            tables._orders[(o.Stage, o.Slot, o.UnitIndex, o.Side, o.Step)] = o;
        }
        tables._transactions.AddRange(state.Transactions);
        tables.LastDeliveredSlot = state.LastDeliveredSlot;
        return tables;
    }

    private static JsonSerializerOptions StateOptions(IReadOnlyDictionary<string, UnitInfo> units) => new()
    {
        // A never-energised bus and a blackout's voltages are NaN.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        // Most cells are empty until their phase has come: leaving them out halves the document.
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new UnitById(units) },
    };

    private sealed record TablesState(int Version, List<UnitSlotRow> UnitRows, List<SlotRow> SlotRows, List<OrderRow> Orders, List<TransactionRow> Transactions, int LastDeliveredSlot);

    /// <summary>A row names its unit by id; the unit itself is the plan's.</summary>
    private sealed class UnitById(IReadOnlyDictionary<string, UnitInfo> units) : JsonConverter<UnitInfo>
    {
        public override UnitInfo Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetString() is { } id && units.TryGetValue(id, out var unit) ? unit : throw new JsonException($"the saved tables name a unit not in the scenario: {reader.GetString()}");

        public override void Write(Utf8JsonWriter writer, UnitInfo value, JsonSerializerOptions options) => writer.WriteStringValue(value.Id);
    }
}
