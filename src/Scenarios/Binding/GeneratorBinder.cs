using MicroMarket.Grid.Profiles;
using MicroMarket.Scenarios.Model;
using MicroMarket.Scenarios.Yaml;
using YamlDotNet.RepresentationModel;

namespace MicroMarket.Scenarios.Binding;

/// <summary>Binds PV and wind units and their resources (measured series, clear-sky model, year series, CSV files).</summary>
internal static class GeneratorBinder
{
    public const string BeresfordSeries = "beresford";
    public const string FergusSeries = "fergus";

    private static readonly IReadOnlyList<(string Name, string Value)> WindSeries = [(BeresfordSeries, BeresfordSeries), (FergusSeries, FergusSeries)];
    private static readonly IReadOnlyList<(string Name, string Value)> YearPvSeries = [(YearPvResource.PvgisTmy, YearPvResource.PvgisTmy)];
    private static readonly IReadOnlyList<(string Name, string Value)> YearWindSeries = [(Model.WindResource.Windpowerlib2010, Model.WindResource.Windpowerlib2010)];

    public static PvUnit Pv(YamlMap unit, UnitCommon common, UnitContext context)
    {
        var peakKw = unit.Number("peak_kw", Bounds.Positive);
        var inverterKw = unit.Has("inverter_kw") ? unit.Number("inverter_kw", Bounds.Positive) : peakKw;
        var wrap = unit.Flag("wrap", false);
        var resource = PvResource(unit, wrap, context);
        return new PvUnit(common.Id, common.Bus, common.Phase, common.InitialBalance, common.Strategy, common.Forecast, peakKw, inverterKw, resource)
        {
            Wrap = wrap,
        };
    }

    /// <summary>
    /// The PV resource under <paramref name="owner"/>'s <c>resource</c>: <c>measured</c>, <c>clear_sky</c>, <c>year</c> or
    /// <c>file</c> (default: the measured profile from its first day), checked to cover the run unless <paramref name="wrap"/>.
    /// </summary>
    public static PvResource PvResource(YamlMap owner, bool wrap, UnitContext context)
    {
        var errorsBefore = owner.Diagnostics.Count;
        var resource = owner.Map("resource");
        PvResource result = resource?.OneOf("measured", "clear_sky", "year", "file") switch
        {
            "measured" when resource.Map("measured") is { } measured => BindMeasuredPv(measured, context),
            "clear_sky" when resource.Map("clear_sky") is { } sky => BindClearSky(sky),
            "year" when resource.Map("year") is { } year => BindYearPv(year),
            "file" => new FilePvResource(ReadProfile(resource, "file", "kW/kWp", context).Path),
            _ => new MeasuredPvResource(0),
        };
        if (resource is null)
        {
            CheckStep(owner, MeasuredPv.SerfEast15Minute(), "the measured PV profile (NREL SERF East, 15 min), the default resource,", context);
        }
        resource?.RejectUnknownKeys();
        context.RequireCoverage(owner, "resource", wrap, errorsBefore, time => ResourceSeries.Pv(result, time));
        return result;
    }

    public static WindUnit Wind(YamlMap unit, UnitCommon common, UnitContext context)
    {
        var ratedKw = unit.Number("rated_kw", Bounds.Positive);
        var hubHeightM = unit.Number("hub_height_m", 20.0, Bounds.Positive);
        var cutInMs = unit.Number("cut_in_ms", 3.0, Bounds.NonNegative);
        var ratedMs = unit.Number("rated_ms", 11.0, Bounds.Positive);
        var cutOutMs = unit.Number("cut_out_ms", 25.0, Bounds.Positive);
        if (unit.AllValid("cut_in_ms", "rated_ms", "cut_out_ms") && !(cutInMs < ratedMs && ratedMs < cutOutMs))
        {
            unit.Error("rated_ms", $"expected cut_in_ms < rated_ms < cut_out_ms, found {cutInMs} / {ratedMs} / {cutOutMs}");
        }
        var table = PowerCurve(unit, ratedKw);
        var wrap = unit.Flag("wrap", false);
        var errorsBefore = unit.Diagnostics.Count;
        var resource = WindResource(unit.Map("resource"), context);
        if (!unit.Has("resource"))
        {
            CheckStep(unit, MeasuredWind.Fergus().SpeedMs, $"the measured wind series '{FergusSeries}' (10 min), the default resource,", context);
        }
        context.RequireCoverage(unit, "resource", wrap, errorsBefore, time => ResourceSeries.Wind(resource, time).Speeds);
        return new WindUnit(common.Id, common.Bus, common.Phase, common.InitialBalance, common.Strategy, common.Forecast,
            ratedKw, hubHeightM, cutInMs, ratedMs, cutOutMs, table, resource)
        {
            Wrap = wrap,
        };
    }

    /// <summary>
    /// The absolute path of a profile CSV at <paramref name="key"/> and its series, checked to be readable
    /// (<see cref="ProfileCsv"/>) and no coarser than a slot, since the simulator averages it to the slot; the series
    /// is null when the file has errors (reported).
    /// </summary>
    public static (string Path, TimeSeries? Series) ReadProfile(YamlMap map, string key, string unit, UnitContext context)
    {
        var path = context.ExistingFile(map, key);
        if (!map.AllValid(key))
        {
            return (path, null);
        }
        if (!ProfileCsv.TryRead(path, unit, out var series, out var problem))
        {
            map.Error(key, problem);
            return (path, null);
        }
        if (series.Step > context.SlotLength)
        {
            map.Error(key, $"the file's step ({series.Step.TotalMinutes} min) is longer than a slot ({context.SlotLength.TotalMinutes} min)");
            return (path, null);
        }
        return (path, series);
    }

    private static MeasuredPvResource BindMeasuredPv(YamlMap measured, UnitContext context)
    {
        var dayOffset = measured.Integer("day_offset", 0, Bounds.NonNegative);
        measured.RejectUnknownKeys();
        CheckStep(measured, MeasuredPv.SerfEast15Minute(), "the measured PV profile (NREL SERF East, 15 min)", context);
        return new MeasuredPvResource(dayOffset);
    }

    private static YearPvResource BindYearPv(YamlMap year)
    {
        var resource = new YearPvResource(
            year.Choice("series", YearPvSeries, YearPvResource.PvgisTmy),
            year.Number("tilt_deg", 30.0, Bounds.Closed(0, 90)),
            year.Number("azimuth_deg", 180.0, Bounds.HalfOpen(0, 360)));
        year.RejectUnknownKeys();
        return resource;
    }

    private static ClearSkyPvResource BindClearSky(YamlMap sky)
    {
        var resource = new ClearSkyPvResource(
            sky.Number("latitude_deg", Bounds.Closed(-90, 90)),
            sky.Number("longitude_deg", Bounds.Closed(-180, 180)),
            sky.Number("tilt_deg", 30.0, Bounds.Closed(0, 90)),
            sky.Number("azimuth_deg", 180.0, Bounds.HalfOpen(0, 360)),
            sky.Number("mean_clear_sky_index", 0.7, Bounds.Efficiency),
            sky.Number("persistence", 0.9, Bounds.HalfOpen(0, 1)));
        sky.RejectUnknownKeys();
        return resource;
    }

    private static WindResource WindResource(YamlMap? resource, UnitContext context)
    {
        if (resource is null)
        {
            return new WindResource(FergusSeries, null, null, 0);
        }
        var result = resource.OneOf("measured", "year", "file") switch
        {
            "measured" when resource.Map("measured") is { } measured => BindMeasuredWind(measured, context),
            "year" when resource.Map("year") is { } year => BindYearWind(year),
            "file" when resource.Map("file") is { } file => BindWindFile(file, context),
            _ => new WindResource(FergusSeries, null, null, 0),
        };
        resource.RejectUnknownKeys();
        return result;
    }

    private static WindResource BindMeasuredWind(YamlMap measured, UnitContext context)
    {
        var series = measured.Choice("series", WindSeries, FergusSeries);
        var dayOffset = measured.Integer("day_offset", 0, Bounds.NonNegative);
        measured.RejectUnknownKeys();
        if (measured.AllValid("series"))
        {
            var speeds = series == BeresfordSeries ? MeasuredWind.Beresford() : MeasuredWind.Fergus();
            CheckStep(measured, speeds.SpeedMs, $"the measured wind series '{series}' (10 min)", context);
        }
        return new WindResource(series, null, null, dayOffset);
    }

    private static WindResource BindYearWind(YamlMap year)
    {
        var series = year.Choice("series", YearWindSeries, Model.WindResource.Windpowerlib2010);
        year.RejectUnknownKeys();
        return new WindResource(null, null, null, 0, series);
    }

    private static WindResource BindWindFile(YamlMap file, UnitContext context)
    {
        var (path, _) = ReadProfile(file, "path", "m/s", context);
        var heightM = file.Number("height_m", Bounds.Positive);
        var dayOffset = file.Integer("day_offset", 0, Bounds.NonNegative);
        file.RejectUnknownKeys();
        return new WindResource(null, path, heightM, dayOffset);
    }

    /// <summary>A tabulated power curve, "[[speed m/s, power kW], ...]": at least two points, speeds increasing, powers within 0..rated.</summary>
    private static ValueList<(double SpeedMs, double PowerKw)>? PowerCurve(YamlMap unit, double ratedKw)
    {
        var items = unit.Items("power_curve");
        if (items.Count == 0)
        {
            if (unit.Has("power_curve") && unit.AllValid("power_curve"))
            {
                unit.Error("power_curve", "expected at least two points [speed_ms, power_kw]");
            }
            return null;
        }
        var points = new List<(double SpeedMs, double PowerKw)>();
        foreach (var (node, path) in items)
        {
            if (node is not YamlSequenceNode { Children.Count: 2 } pair)
            {
                unit.Diagnostics.Add(node.Start, path, $"expected a point [speed_ms, power_kw], found {YamlValue.Describe(node)}");
                return null;
            }
            var speedOk = YamlValue.TryNumber(pair[0], path + "[0]", Bounds.NonNegative, unit.Diagnostics, out var speed);
            var powerOk = YamlValue.TryNumber(pair[1], path + "[1]", Bounds.Closed(0, ratedKw), unit.Diagnostics, out var power);
            if (!speedOk || !powerOk)
            {
                return null;
            }
            if (points.Count > 0 && speed <= points[^1].SpeedMs)
            {
                unit.Diagnostics.Add(pair[0].Start, path + "[0]", $"speeds must increase: {speed} m/s follows {points[^1].SpeedMs} m/s");
                return null;
            }
            points.Add((speed, power));
        }
        if (points.Count < 2)
        {
            unit.Error("power_curve", "expected at least two points [speed_ms, power_kw]");
        }
        return ValueList.From(points);
    }

    /// <summary>A measured series is averaged to the slot, so it needs slots no shorter than its own step.</summary>
    private static void CheckStep(YamlMap map, TimeSeries series, string what, UnitContext context)
    {
        if (context.Time is { } time && series.Step > time.SlotLength)
        {
            map.Error($"{what} has a {series.Step.TotalMinutes}-minute step: it needs slots of at least that (time.slot_minutes is {time.SlotMinutes})");
        }
    }
}
