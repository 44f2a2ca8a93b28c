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
        if (unit.AllValid("technology") && technology == SlackTechnology.Battery)
        {
            capacityKwh = unit.Number("capacity_kwh", Bounds.Positive);
            socInitial = unit.Number("soc_initial", StorageBinder.DefaultSocInitial, Bounds.Fraction);
        }
        else
        {
            foreach (var key in new[] { "capacity_kwh", "soc_initial" }.Where(unit.Has))
            {
                unit.Error(key, "applies only to technology battery");
            }
        }
        return new SlackUnit(common.Id, common.Bus, common.Phase, common.InitialBalance, common.Strategy, common.Forecast,
            technology, ratedKw, minStableFraction, fuelPrice, capacityKwh, socInitial);
    }
}
