using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Model;
using MicroMarket.Scenarios.Yaml;

namespace MicroMarket.Scenarios.Binding;

/// <summary>Binds a unit's <c>forecast</c> mapping over the defaults of its kind (<see cref="ScenarioUnitKinds.DefaultForecast"/>).</summary>
internal static class ForecastBinder
{
    /// <summary>Sigmas are fractions; the cap of 5 catches percentages typed as fractions (35 for 0.35).</summary>
    private static readonly Bounds Sigma = Bounds.Closed(0, 5);

    private static readonly IReadOnlyList<(string Name, string Value)> Scales =
        [(ForecastScales.Capacity, ForecastScales.Capacity), (ForecastScales.Actual, ForecastScales.Actual)];

    private static readonly IReadOnlyList<(string Name, string Value)> Distributions =
    [
        (ForecastDistributions.Normal, ForecastDistributions.Normal),
        (ForecastDistributions.Laplace, ForecastDistributions.Laplace),
        (ForecastDistributions.Uniform, ForecastDistributions.Uniform),
    ];

    public static ForecastSpec Bind(YamlMap? forecast, UnitKind kind)
    {
        var defaults = ScenarioUnitKinds.DefaultForecast(kind);
        if (forecast is null)
        {
            return defaults;
        }
        var dayAhead = forecast.Number("day_ahead_sigma", defaults.DayAheadSigma, Sigma);
        var intraday = forecast.Number("intraday_sigma", defaults.IntradaySigma, Sigma);
        var scale = forecast.Choice("scale", Scales, defaults.Scale);
        var distribution = forecast.Choice("distribution", Distributions, defaults.Distribution);
        var correlation = forecast.Number("correlation", defaults.Correlation, Bounds.Closed(0, 0.99));
        if (forecast.AllValid("day_ahead_sigma", "intraday_sigma") && intraday > dayAhead)
        {
            // The Grid's error model grows sigma from the intra-day to the day-ahead value with the horizon.
            forecast.Error("intraday_sigma", $"must not exceed day_ahead_sigma ({dayAhead}): forecasts improve as delivery approaches");
        }
        forecast.RejectUnknownKeys();
        return new ForecastSpec(dayAhead, intraday, scale, distribution, correlation);
    }
}
