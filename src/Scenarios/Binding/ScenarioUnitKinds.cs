using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Model;

namespace MicroMarket.Scenarios.Binding;

/// <summary>The unit kinds a scenario file may hold (every kind but the upstream grid, which the mode adds), and each kind's default forecast error.</summary>
internal static class ScenarioUnitKinds
{
    /// <summary>The names a unit's <c>kind</c> may take: the kinds' own names (<see cref="UnitKinds.Name"/>).</summary>
    public static IReadOnlyList<(string Name, UnitKind Kind)> Choices { get; } =
        [.. UnitKinds.All.Where(k => k != UnitKind.Grid).Select(k => (UnitKinds.Name(k), k))];

    public static UnitKind Of(UnitSpec unit) => unit switch
    {
        PvUnit => UnitKind.Pv,
        WindUnit => UnitKind.Wind,
        BatteryUnit => UnitKind.Battery,
        EvUnit => UnitKind.Ev,
        LoadUnit => UnitKind.Load,
        FlexibleLoadUnit => UnitKind.FlexibleLoad,
        SlackUnit => UnitKind.Slack,
        ProsumerUnit => UnitKind.Prosumer,
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit.GetType().Name, "not a unit kind of the scenario format"),
    };

    /// <summary>
    /// The forecast error a unit gets when its file says nothing, from the typical values in docs/grid.md:
    /// PV day-ahead 0.35 and intra-day 0.12 of the actual; wind 0.12 and 0.05 of capacity; household load 0.25 and
    /// 0.10 of the actual. Storage, EVs, flexible loads and the slack know their own plans: no error.
    /// </summary>
    public static ForecastSpec DefaultForecast(UnitKind kind) => kind switch
    {
        UnitKind.Pv => new ForecastSpec(0.35, 0.12, ForecastScales.Actual, ForecastDistributions.Normal, DefaultCorrelation),
        UnitKind.Wind => new ForecastSpec(0.12, 0.05, ForecastScales.Capacity, ForecastDistributions.Normal, DefaultCorrelation),
        UnitKind.Load => new ForecastSpec(0.25, 0.10, ForecastScales.Actual, ForecastDistributions.Normal, DefaultCorrelation),
        _ => new ForecastSpec(0.0, 0.0, ForecastScales.Capacity, ForecastDistributions.Normal, DefaultCorrelation),
    };

    /// <summary>AR(1) correlation of consecutive slots' forecast errors: the Grid layer's default.</summary>
    public const double DefaultCorrelation = 0.8;
}
