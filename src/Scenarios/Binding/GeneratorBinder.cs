using MicroMarket.Grid.Profiles;
using MicroMarket.Scenarios.Model;
using MicroMarket.Scenarios.Yaml;
using YamlDotNet.RepresentationModel;

namespace MicroMarket.Scenarios.Binding;

/// <summary>Binds PV and wind units and their resources (measured series, clear-sky model, CSV files).</summary>
internal static class GeneratorBinder
{
    public const string BeresfordSeries = "beresford";
    public const string FergusSeries = "fergus";

    private static readonly IReadOnlyList<(string Name, string Value)> WindSeries = [(BeresfordSeries, BeresfordSeries), (FergusSeries, FergusSeries)];

    public static PvUnit Pv(YamlMap unit, UnitCommon common, UnitContext context)
    {
        var peakKw = unit.Number("peak_kw", Bounds.Positive);
        var inverterKw = unit.Has("inverter_kw") ? unit.Number("inverter_kw", Bounds.Positive) : peakKw;
        var resource = PvResource(unit.Map("resource"), context);
        return new PvUnit(common.Id, common.Bus, common.Phase, common.InitialBalance, common.Strategy, common.Forecast, peakKw, inverterKw, resource);
    }

    /// <summary>A PV resource: <c>measured</c>, <c>clear_sky</c> or <c>file</c> (default: the measured profile from its first day).</summary>
    public static PvResource PvResource(YamlMap? resource, UnitContext context)
    {
        if (resource is null)
        {
            return new MeasuredPvResource(0);
        }
        PvResource result = resource.OneOf("measured", "clear_sky", "file") switch
        {
            "measured" when resource.Map("measured") is { } measured => BindMeasuredPv(measured, context),
            "clear_sky" when resource.Map("clear_sky") is { } sky => BindClearSky(sky),
            "file" => new FilePvResource(ReadProfile(resource, "file", "kW/kWp", context).Path),
            _ => new MeasuredPvResource(0),
        };
        resource.RejectUnknownKeys();
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
        var resource = WindResource(unit.Map("resource"), context);
        return new WindUnit(common.Id, common.Bus, common.Phase, common.InitialBalance, common.Strategy, common.Forecast,
            ratedKw, hubHeightM, cutInMs, ratedMs, cutOutMs, table, resource);
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
        CheckMeasured(measured, dayOffset, MeasuredPv.SerfEast15Minute(), "the measured PV profile (NREL SERF East, 15 min)", context);
        return new MeasuredPvResource(dayOffset);
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
        var result = resource.OneOf("measured", "file") switch
        {
            "measured" when resource.Map("measured") is { } measured => BindMeasuredWind(measured, context),
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
            CheckMeasured(measured, dayOffset, speeds.SpeedMs, $"the measured wind series '{series}' (10 min)", context);
        }
        return new WindResource(series, null, null, dayOffset);
    }

    private static WindResource BindWindFile(YamlMap file, UnitContext context)
    {
        var (path, series) = ReadProfile(file, "path", "m/s", context);
        var heightM = file.Number("height_m", Bounds.Positive);
        var dayOffset = file.Integer("day_offset", 0, Bounds.NonNegative);
        if (series is not null && file.AllValid("day_offset"))
        {
            var days = (int)(series.Step * series.Count / TimeSpan.FromDays(1));
            if (dayOffset >= days)
            {
                file.Error("day_offset", $"the file covers {days} day(s): day_offset must be below that");
            }
        }
        file.RejectUnknownKeys();
        return new WindResource(null, path, heightM, dayOffset);
    }

    private static TimeSpan ToFirstMidnight(TimeSeries series) =>
        series.Start is { TimeOfDay: var time } && time > TimeSpan.Zero ? TimeSpan.FromDays(1) - time : TimeSpan.Zero;

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

    /// <summary>
    /// A measured series must cover the run from its day offset, at no finer a slot than its own step. Day d of a
    /// series starts d days after its first local midnight (the wind records start mid-afternoon).
    /// </summary>
    private static void CheckMeasured(YamlMap map, int dayOffset, TimeSeries series, string what, UnitContext context)
    {
        if (context.Time is not { } time)
        {
            return;
        }
        if (series.Step > time.SlotLength)
        {
            map.Error($"{what} has a {series.Step.TotalMinutes}-minute step: it needs slots of at least that (time.slot_minutes is {time.SlotMinutes})");
        }
        var available = (int)(series.Step * series.Count - ToFirstMidnight(series)).TotalDays;
        if (map.AllValid("day_offset") && dayOffset + time.Days > available)
        {
            map.Error("day_offset", $"{what} has {available} whole days: day_offset + time.days = {dayOffset + time.Days} must not exceed that");
        }
    }
}
