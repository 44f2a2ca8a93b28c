using System.Text.Json;
using System.Text.Json.Serialization;

namespace MicroMarket.RunFormat;

/// <summary>
/// What a unit is: the one list of unit kinds for the whole project (the contract's registry, the
/// scenario and feeder files, the agents, the run directory and the report). It lives here, in the
/// project that references nothing, so that every layer can use it without depending on a layer
/// above it: Grid (the connection points), Scenarios, Market (the registry) and Reporting (which
/// must not reference Market) all reference this project. The values are the contract's
/// <c>UnitKind</c> enum in its order, fixed by the deployed ABI: the registry stores the byte.
/// </summary>
[JsonConverter(typeof(UnitKindJsonConverter))]
public enum UnitKind : byte
{
    Pv = 0,
    Wind = 1,
    Battery = 2,
    Ev = 3,
    Load = 4,
    FlexibleLoad = 5,
    Slack = 6,

    /// <summary>The upstream supplier of a grid-connected feeder (never in a scenario file: the mode adds it).</summary>
    Grid = 7,

    /// <summary>A household behind one meter: its load with optional PV, home battery, EV and flexible appliances, netted inside the meter.</summary>
    Prosumer = 8,
}

/// <summary>The unit kinds' names (in scenario files, units.csv and summary.json) and which kind carries the balance.</summary>
public static class UnitKinds
{
    private static readonly (UnitKind Kind, string Name)[] Names =
    [
        (UnitKind.Pv, "pv"),
        (UnitKind.Wind, "wind"),
        (UnitKind.Battery, "battery"),
        (UnitKind.Ev, "ev"),
        (UnitKind.Load, "load"),
        (UnitKind.FlexibleLoad, "flexible-load"),
        (UnitKind.Slack, "slack"),
        (UnitKind.Grid, "grid"),
        (UnitKind.Prosumer, "prosumer"),
    ];

    /// <summary>Every kind, in the contract's order.</summary>
    public static IReadOnlyList<UnitKind> All { get; } = [.. Names.Select(n => n.Kind)];

    public static string Name(UnitKind kind) =>
        Array.Find(Names, n => n.Kind == kind).Name ?? throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a unit kind");

    public static bool TryParse(string name, out UnitKind kind)
    {
        var index = Array.FindIndex(Names, n => n.Name == name);
        kind = index < 0 ? default : Names[index].Kind;
        return index >= 0;
    }

    /// <summary>
    /// Whether a unit of this kind is the market's balance-responsible party (BRP): the island's
    /// slack or the grid-connected feeder's upstream supplier. It carries the system's balance, pays
    /// no imbalance, is every imbalance's counterparty, and is not a local unit in the KPIs.
    /// </summary>
    public static bool IsBalanceResponsible(UnitKind kind) => kind is UnitKind.Slack or UnitKind.Grid;
}

/// <summary>A unit kind in JSON as its name ("flexible-load"), as in the tables.</summary>
public sealed class UnitKindJsonConverter : JsonConverter<UnitKind>
{
    public override UnitKind Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && UnitKinds.TryParse(reader.GetString()!, out var kind)
            ? kind
            : throw new JsonException($"not a unit kind (one of {string.Join(", ", UnitKinds.All.Select(UnitKinds.Name))})");

    public override void Write(Utf8JsonWriter writer, UnitKind value, JsonSerializerOptions options) => writer.WriteStringValue(UnitKinds.Name(value));
}
