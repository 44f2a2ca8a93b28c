using MicroMarket.Grid.Balance;
using MicroMarket.Scenarios.Model;
using MicroMarket.Scenarios.Yaml;

namespace MicroMarket.Scenarios.Binding;

/// <summary>Binds the island's grid-forming slack unit: a diesel genset, a gas CHP or an over-sized battery.</summary>
internal static class SlackBinder
{
    public static IReadOnlyList<(string Name, SlackTechnology Value)> Technologies { get; } =
        [("diesel", SlackTechnology.Diesel), ("chp", SlackTechnology.Chp), ("battery", SlackTechnology.Battery)];

    /// <summary>Minimum stable output as a fraction of rating (docs/grid.md): diesel 0.3, gas engine 0.5, battery none.</summary>
    public static double DefaultMinStableFraction(SlackTechnology technology) => technology switch
    {
        SlackTechnology.Diesel => 0.3,
        SlackTechnology.Chp => 0.5,
        _ => 0.0,
    };

    /// <summary>Fuel price: diesel 1.60 tokens per litre, natural gas 0.08 per kWh; a battery burns none.</summary>
    public static decimal DefaultFuelPrice(SlackTechnology technology) => technology switch
    {
        SlackTechnology.Diesel => 1.60m,
        SlackTechnology.Chp => 0.08m,
        _ => 0m,
    };

    public static string TechnologyName(SlackTechnology technology) => Technologies.First(t => t.Value == technology).Name;

    public static SlackUnit Slack(YamlMap unit, UnitCommon common)
    {
        var technology = unit.Choice("technology", Technologies);
        var ratedKw = unit.Number("rated_kw", Bounds.Positive);
        var minStableFraction = unit.Number("min_stable_fraction", DefaultMinStableFraction(technology), Bounds.HalfOpen(0, 1));
        var fuelPrice = unit.Money("fuel_price", DefaultFuelPrice(technology), Bounds.NonNegative);
        double? capacityKwh = null, socInitial = null;
        GensetOperation? operation = null;
        if (unit.AllValid("technology") && technology == SlackTechnology.Battery)
        {
            capacityKwh = unit.Number("capacity_kwh", Bounds.Positive);
            socInitial = unit.Number("soc_initial", StorageBinder.DefaultSocInitial, Bounds.Fraction);
            foreach (var key in GensetKeys.Where(unit.Has))
            {
                unit.Error(key, "applies only to a genset (technology diesel or chp)");
            }
        }
        else
        {
            foreach (var key in new[] { "capacity_kwh", "soc_initial" }.Where(unit.Has))
            {
                unit.Error(key, "applies only to technology battery");
            }
            operation = Operation(unit, technology, ratedKw);
        }
        return new SlackUnit(common.Id, common.Bus, common.Phase, common.InitialBalance, common.Strategy, common.Forecast,
            technology, ratedKw, minStableFraction, fuelPrice, capacityKwh, socInitial)
        {
            Operation = operation,
        };
    }

    public static IReadOnlyList<(string Name, GensetDispatchRule Value)> DispatchRules { get; } =
        [("load-following", GensetDispatchRule.LoadFollowing), ("cycle-charging", GensetDispatchRule.CycleCharging)];

    public static string DispatchRuleName(GensetDispatchRule rule) => DispatchRules.First(r => r.Value == rule).Name;

    private static readonly string[] GensetKeys =
        ["min_up_minutes", "min_down_minutes", "start_fuel", "reserve_fraction", "reserve_largest_unit", "dispatch", "setpoint_soc", "look_ahead_minutes"];

    /// <summary>Minimum up time, minutes: an hour for a diesel (wet-stacking), two for a gas engine (docs/grid.md).</summary>
    public static int DefaultMinUpMinutes(SlackTechnology technology) => technology == SlackTechnology.Chp ? 120 : 60;

    /// <summary>Minimum down time, minutes: half an hour for a diesel, an hour for a gas engine (thermal cycling).</summary>
    public static int DefaultMinDownMinutes(SlackTechnology technology) => technology == SlackTechnology.Chp ? 60 : 30;

    /// <summary>
    /// Fuel per start: the no-load fuel of 10 minutes for a diesel, 15 for a gas engine (cranking, warm-up at idle and
    /// purge), HOMER's practice of pricing a start as an equivalent run time.
    /// </summary>
    public static double DefaultStartFuel(SlackTechnology technology, double ratedKw)
    {
        // The no-load fuel depends on the technology and rating only, not on the minimum stable output.
        var genset = SlackUnit.GensetOf(technology, ratedKw, 0)!;
        var minutes = technology == SlackTechnology.Chp ? 15.0 : 10.0;
        return genset.Fuel.NoLoadPerRatedKw * ratedKw * minutes / 60;
    }

    /// <summary>Spinning reserve as a fraction of the load: HOMER's default operating reserve.</summary>
    public const double DefaultReserveFraction = 0.1;

    /// <summary>Cycle charging stops at this SoC of the grid-forming storage: HOMER's default set-point.</summary>
    public const double DefaultSetpointSoc = 0.8;

    /// <summary>How far ahead the controller checks that storage can carry the net load before it stops or leaves off the genset.</summary>
    public const int DefaultLookAheadMinutes = 120;

    private static GensetOperation Operation(YamlMap unit, SlackTechnology technology, double ratedKw) => new(
        unit.Integer("min_up_minutes", DefaultMinUpMinutes(technology), Bounds.NonNegative),
        unit.Integer("min_down_minutes", DefaultMinDownMinutes(technology), Bounds.NonNegative),
        unit.Number("start_fuel", unit.AllValid("rated_kw") ? DefaultStartFuel(technology, ratedKw) : 0, Bounds.NonNegative),
        unit.Number("reserve_fraction", DefaultReserveFraction, Bounds.Closed(0, 1)),
        unit.Flag("reserve_largest_unit", false),
        unit.Choice("dispatch", DispatchRules, GensetDispatchRule.LoadFollowing),
        unit.Number("setpoint_soc", DefaultSetpointSoc, Bounds.Fraction),
        unit.Integer("look_ahead_minutes", DefaultLookAheadMinutes, Bounds.NonNegative));
}
