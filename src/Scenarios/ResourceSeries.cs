using System.Globalization;
using MicroMarket.Grid.Profiles;
using MicroMarket.Grid.Units;
using MicroMarket.Scenarios.Binding;
using MicroMarket.Scenarios.Model;

namespace MicroMarket.Scenarios;

/// <summary>
/// A unit's resource series at the slot length (PV kW per kWp, wind m/s, household kW) and where a run reads it: the
/// one rule behind the loader's check and the simulator's sampling.
/// <list type="bullet">
/// <item>Delivery slot s (0 = local midnight of the first day) reads index <see cref="FirstIndex"/> + s.</item>
/// <item>Every delivery slot must lie inside the series, or the scenario is rejected (<see cref="Shortfall"/>), unless the
/// unit says <c>wrap: true</c>: then the index wraps round the series' length.</item>
/// <item>The run also reads the day before the first delivery day (day-ahead forecasts are issued on it) and the day after
/// the last (a plan may look past midnight). Where the series does not reach them they repeat the first and the last
/// delivery day: they are never delivered, so no data is invented for a delivered slot.</item>
/// </list>
/// </summary>
/// <param name="What">The series as an error message names it.</param>
public sealed record ResourceSeries(TimeSeries Series, int FirstIndex, string What)
{
    /// <summary>Why this series cannot feed the run's delivery days without wrapping, or null when it can.</summary>
    public string? Shortfall(ScenarioTime time)
    {
        var last = FirstIndex + time.Days * time.SlotsPerDay;
        return last <= Series.Count ? null : TooShort(What, Series.Count / (double)time.SlotsPerDay, FirstIndex / time.SlotsPerDay, time.Days);
    }

    /// <summary>The values of slots [<paramref name="firstSlot"/>, <paramref name="firstSlot"/> + <paramref name="count"/>) of a run.</summary>
    /// <exception cref="InvalidOperationException">a delivery slot outside the series without <paramref name="wrap"/> (the loader rejects such scenarios).</exception>
    public double[] Sample(ScenarioTime time, int firstSlot, int count, bool wrap)
    {
        var perDay = time.SlotsPerDay;
        var deliverySlots = time.Days * perDay;
        var n = Series.Count;
        var values = new double[count];
        for (var k = 0; k < count; k++)
        {
            var slot = firstSlot + k;
            var i = FirstIndex + slot;
            if (wrap)
            {
                i = ((i % n) + n) % n;
            }
            else if (slot < 0 && i < 0)
            {
                i += perDay;
            }
            else if (slot >= deliverySlots && i >= n)
            {
                i -= perDay;
            }
            values[k] = i >= 0 && i < n ? Series[i] : throw new InvalidOperationException(Shortfall(time));
        }
        return values;
    }

    /// <summary>The loader's one-line message for a series that would wrap, in days.</summary>
    public static string TooShort(string what, double seriesDays, int firstDay, int runDays) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{what} covers {seriesDays:0.##} days and this run would read its days {firstDay + 1}..{firstDay + runDays}: it would wrap round; shorten time.days or set wrap: true on the unit to repeat the series on purpose");

    /// <summary>The PV potential a unit reads, kW per kWp, or null for the clear-sky model (computed for any horizon).</summary>
    public static ResourceSeries? Pv(PvResource resource, ScenarioTime time) => resource switch
    {
        MeasuredPvResource measured => new(MeasuredPv.SerfEast15Minute().Aggregate(time.SlotLength), DayBefore(measured.DayOffset, time),
            "the measured PV profile (NREL SERF East, 15 min)"),
        FilePvResource file => new(ProfileCsv.Read(file.FilePath, "kW/kWp").Aggregate(time.SlotLength), 0, $"PV file {Path.GetFileName(file.FilePath)}"),
        YearPvResource year => new(TmyPv.Generate(YearData.PvgisTmy(), year.TiltDeg, year.AzimuthDeg, time.SlotLength), DayOfYear(time),
            $"the year series '{year.Series}'"),
        _ => null,
    };

    /// <summary>The wind speeds a unit reads (m/s), the height they were measured at and the roughness length when the source gives one.</summary>
    public static (ResourceSeries Speeds, double HeightM, double? RoughnessLengthM) Wind(WindResource resource, ScenarioTime time)
    {
        if (resource.YearSeries is { } year)
        {
            var data = YearData.Windpowerlib2010();
            return (new(data.SpeedMs.ToStep(time.SlotLength), DayOfYear(time), $"the year series '{year}'"), data.MeasurementHeightM, data.RoughnessLengthM);
        }
        if (resource.FilePath is { } path)
        {
            return (new(ProfileCsv.Read(path, "m/s").Aggregate(time.SlotLength), resource.DayOffset * time.SlotsPerDay, $"wind file {Path.GetFileName(path)}"),
                resource.FileHeightM ?? 10.0, null);
        }
        var measured = resource.MeasuredSeries == GeneratorBinder.BeresfordSeries ? MeasuredWind.Beresford() : MeasuredWind.Fergus();
        return (new(measured.SpeedMs.Aggregate(time.SlotLength), DayBefore(resource.DayOffset, time), $"the measured wind series '{resource.MeasuredSeries}' (10 min)"),
            measured.MeasurementHeightM, measured.RoughnessLengthM);
    }

    /// <summary>
    /// A household's demand, kW (its profile times its scale), or null for an IEEE profile, which follows its own rule
    /// (<see cref="IeeeShortfall"/>). A year profile is diversified with a stream of <paramref name="seed"/> named by the unit's id.
    /// </summary>
    public static ResourceSeries? Load(string unitId, LoadProfileRef profile, double scale, int seed, ScenarioTime time)
    {
        if (profile.FilePath is { } path)
        {
            return new(Scaled(ProfileCsv.Read(path, "kW").Aggregate(time.SlotLength), scale), 0, $"load file {Path.GetFileName(path)}");
        }
        if (profile.Year is { } year)
        {
            var household = DiversifiedHousehold.Generate(YearData.BdewH0(), year.AnnualKwh, SeededDraws.For(seed, "household:" + unitId).Random());
            return new(Scaled(household.ToStep(time.SlotLength), scale), DayOfYear(time), $"the year series '{year.Series}'");
        }
        return null;
    }

    /// <summary>
    /// The IEEE households follow profile n on the first day, n + 1 on the next and so on round the 100 measured days, so a
    /// run of more than 100 days repeats them: an error unless the unit says <c>wrap: true</c>.
    /// </summary>
    public static string? IeeeShortfall(ScenarioTime time) => time.Days <= LoadProfiles.Count
        ? null
        : TooShort($"the IEEE household profiles (one day each, a household takes the next profile each day)", LoadProfiles.Count, 0, time.Days);

    /// <summary>A measured record's day d is the day before the scenario's first day, so that day d + 1 is its first delivery day.</summary>
    private static int DayBefore(int dayOffset, ScenarioTime time) => (dayOffset + 1) * time.SlotsPerDay;

    /// <summary>A year series is read by day of year: the scenario's first day reads the series' day of the same number.</summary>
    private static int DayOfYear(ScenarioTime time) => (time.Start.DayOfYear - 1) * time.SlotsPerDay;

    private static TimeSeries Scaled(TimeSeries series, double scale) => scale == 1.0 ? series : series.Map(series.Name, series.Unit, v => v * scale);
}
