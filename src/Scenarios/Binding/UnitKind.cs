using MicroMarket.Scenarios.Model;

namespace MicroMarket.Scenarios.Binding;

/// <summary>The unit kinds of the scenario format, by their file names.</summary>
internal enum UnitKind
{
    Pv,
    Wind,
    Battery,
    Ev,
    Load,
    FlexibleLoad,
    Slack,
}

/// <summary>File names, allowed strategy and default forecast error of each unit kind.</summary>
internal static class UnitKinds
{
    public static IReadOnlyList<(string Name, UnitKind Kind)> Choices { get; } =
    [
        ("pv", UnitKind.Pv),
        ("wind", UnitKind.Wind),
        ("battery", UnitKind.Battery),
        ("ev", UnitKind.Ev),
        ("load", UnitKind.Load),
        ("flexible-load", UnitKind.FlexibleLoad),
        ("slack", UnitKind.Slack),
    ];

    public static string Name(UnitKind kind) => Choices.First(c => c.Kind == kind).Name;

    public static UnitKind Of(UnitSpec unit) => unit switch
    {
        PvUnit => UnitKind.Pv,
        WindUnit => UnitKind.Wind,
        BatteryUnit => UnitKind.Battery,
        EvUnit => UnitKind.Ev,
        LoadUnit => UnitKind.Load,
        FlexibleLoadUnit => UnitKind.FlexibleLoad,
        SlackUnit => UnitKind.Slack,
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
