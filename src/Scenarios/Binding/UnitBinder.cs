using System.Text;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Model;
using MicroMarket.Scenarios.Yaml;

namespace MicroMarket.Scenarios.Binding;

/// <summary>The fields every unit has, bound before the fields of its kind.</summary>
internal sealed record UnitCommon(string Id, string Bus, PhaseConnection Phase, decimal? InitialBalance, StrategySpec Strategy, ForecastSpec Forecast);

/// <summary>Binds one entry of <c>units</c>: the common fields, then the kind's own (one binder per kind family).</summary>
internal static class UnitBinder
{
    /// <summary>A unit id becomes its on-chain id, a bytes32.</summary>
    public const int MaxIdBytes = 32;

    public static IReadOnlyList<(string Name, PhaseConnection Value)> Phases { get; } =
        [("A", PhaseConnection.A), ("B", PhaseConnection.B), ("C", PhaseConnection.C), ("ABC", PhaseConnection.Abc)];

    /// <summary>The unit, or null when its kind cannot be read (its other keys are then not checked against a guess).</summary>
    public static UnitSpec? Bind(YamlMap unit, UnitContext context)
    {
        var id = unit.Text("id");
        if (unit.AllValid("id") && IdProblem(id) is { } problem)
        {
            unit.Error("id", problem);
        }
        var kind = unit.Choice("kind", ScenarioUnitKinds.Choices);
        if (!unit.AllValid("kind"))
        {
            return null;
        }
        var bus = Bus(unit, context);
        var phase = unit.Choice("phase", Phases, PhaseConnection.Abc);
        if (kind == UnitKind.Slack && unit.AllValid("phase") && phase != PhaseConnection.Abc)
        {
            unit.Error("phase", "a slack unit forms the grid on all three phases: ABC");
        }
        var common = new UnitCommon(
            id,
            bus,
            phase,
            unit.OptionalMoney("initial_balance", Bounds.NonNegative),
            StrategyBinder.Bind(unit.Map("strategy"), kind, context),
            ForecastBinder.Bind(unit.Map("forecast"), kind));
        UnitSpec spec = kind switch
        {
            UnitKind.Pv => GeneratorBinder.Pv(unit, common, context),
            UnitKind.Wind => GeneratorBinder.Wind(unit, common, context),
            UnitKind.Battery => StorageBinder.Battery(unit, common),
            UnitKind.Ev => StorageBinder.Ev(unit, common, context),
            UnitKind.Load => DemandBinder.Load(unit, common, context),
            UnitKind.FlexibleLoad => DemandBinder.FlexibleLoad(unit, common, context),
            UnitKind.Prosumer => ProsumerBinder.Prosumer(unit, common, context),
            _ => SlackBinder.Slack(unit, common),
        };
        unit.RejectUnknownKeys();
        return spec;
    }

    /// <summary>Why <paramref name="id"/> cannot be a unit id, or null when it can.</summary>
    public static string? IdProblem(string id)
    {
        if (id.Length == 0 || !id.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            return $"'{id}' is not a unit id: use letters, digits, '-', '_' and '.'";
        }
        var bytes = Encoding.UTF8.GetByteCount(id);
        if (bytes > MaxIdBytes)
        {
            return $"'{id}' is {bytes} bytes in UTF-8; a unit id (its on-chain bytes32) has at most {MaxIdBytes}";
        }
        if (id.Equals(Scenario.GridUnitId, StringComparison.OrdinalIgnoreCase))
        {
            return $"'{id}' is reserved for the upstream supplier of grid-connected scenarios";
        }
        return null;
    }

    /// <summary>The unit's bus, checked against the network when it loaded: it must exist and be a low-voltage bus.</summary>
    private static string Bus(YamlMap unit, UnitContext context)
    {
        var bus = unit.Text("bus");
        if (context.Network is not { } network || !unit.AllValid("bus"))
        {
            return bus;
        }
        if (!network.TryGetBusIndex(bus, out var index))
        {
            unit.Error("bus", $"network '{network.Name}' has no bus '{bus}'{Suggestion.DidYouMean(bus, network.Buses.Select(b => b.Name))}");
        }
        else if (network.Buses[index].NominalVoltageKv > NetworkBinder.LowVoltageLimitKv)
        {
            unit.Error("bus", $"bus '{bus}' is the {network.Buses[index].NominalVoltageKv} kV side of the transformer; units connect to low-voltage buses");
        }
        return bus;
    }
}
