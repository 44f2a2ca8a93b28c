using System.Globalization;
using ScottPlot;

namespace MicroMarket.Reporting.Figures;

/// <summary>How finely a time series is drawn: per 15-minute slot, per hour, per day or per week.</summary>
public enum TimeResolution
{
    Slot,
    Hour,
    Day,
    Week,
}

/// <summary>
/// The shared time axis of the slot-level figures: x is hours since slot 0 (local midnight of day 1). Runs of up to
/// two days are drawn per slot; up to ten days per hour, where 672 slot-level steps would smear into a band; up to
/// <see cref="MaxDayResolutionDays"/> days per day; longer runs per week. Values are aggregated into buckets of that
/// size; a week counts from day 1, so the last one of a run whose days are not whole weeks is shorter
/// (<see cref="HoursIn"/>).
/// </summary>
public sealed record TimeAxis(int Days, TimeResolution Resolution, DateTimeOffset StartUtc)
{
    public const int SlotsPerDay = 96;
    public const double HoursPerSlot = 0.25;

    private const int MaxSlotResolutionDays = 2;
    private const int MaxHourResolutionDays = 10;

    /// <summary>
    /// Beyond about four months (a season), daily steps come closer than 8 px on an 1100 px figure (3 px for a year):
    /// day-to-day noise fills the plot as a band and hides the seasonal course a long study is after, which weekly means show.
    /// </summary>
    public const int MaxDayResolutionDays = 120;

    private const int DaysPerWeek = 7;
    private const int HoursPerWeek = DaysPerWeek * 24;

    public static TimeAxis For(int days, DateTimeOffset startUtc) => new(Math.Max(1, days),
        days <= MaxSlotResolutionDays ? TimeResolution.Slot
        : days <= MaxHourResolutionDays ? TimeResolution.Hour
        : days <= MaxDayResolutionDays ? TimeResolution.Day
        : TimeResolution.Week, startUtc);

    public int SlotsPerBucket => Resolution switch
    {
        TimeResolution.Slot => 1,
        TimeResolution.Hour => 4,
        TimeResolution.Day => SlotsPerDay,
        _ => DaysPerWeek * SlotsPerDay,
    };

    public double HoursPerBucket => SlotsPerBucket * HoursPerSlot;

    /// <summary>Buckets covering the run, the last one partial when the run does not fill it.</summary>
    public int Buckets => (Days * SlotsPerDay + SlotsPerBucket - 1) / SlotsPerBucket;

    public double TotalHours => Days * 24.0;

    /// <summary>The hours of the run in bucket <paramref name="bucket"/>: <see cref="HoursPerBucket"/> but in a partial last week.</summary>
    public double HoursIn(int bucket) => Math.Min(HoursPerBucket, TotalHours - bucket * HoursPerBucket);

    /// <summary>"15-min slot", "hour", "day" or "week": what one bar or step stands for.</summary>
    public string BucketName => Resolution switch
    {
        TimeResolution.Slot => "15-min slot",
        TimeResolution.Hour => "hour",
        TimeResolution.Day => "day",
        _ => "week",
    };

    /// <summary>"per slot", "hourly", "daily" or "weekly", for titles.</summary>
    public string Adjective => Resolution switch
    {
        TimeResolution.Slot => "per slot",
        TimeResolution.Hour => "hourly",
        TimeResolution.Day => "daily",
        _ => "weekly",
    };

    public int BucketOf(int slot) => slot / SlotsPerBucket;

    /// <summary>A slot's local start time, "07:15", prefixed by its day ("day 3 07:15") in a multi-day run.</summary>
    public string SlotClock(int slot)
    {
        var minutes = slot % SlotsPerDay * 15;
        var clock = $"{minutes / 60:00}:{minutes % 60:00}";
        return Days == 1 ? clock : $"day {slot / SlotsPerDay + 1} {clock}";
    }

    /// <summary>Bucket start times in hours, one per bucket.</summary>
    public double[] BucketStarts() => Enumerable.Range(0, Buckets).Select(b => b * HoursPerBucket).ToArray();

    public string Label => $"local time (h); day 1 starts {StartUtc.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC";

    /// <summary>Puts the time label, ticks at clock hours, day or week starts, and the run's full span on the bottom axis.</summary>
    public void Apply(Plot plot)
    {
        plot.Axes.Bottom.Label.Text = Label;
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        if (Resolution == TimeResolution.Week)
        {
            WeekTicks(ticks);
            plot.Axes.Bottom.TickGenerator = ticks;
            plot.Axes.SetLimitsX(0, TotalHours);
            return;
        }
        var stepHours = Days == 1 ? 3 : Days == 2 ? 6 : 24 * Math.Max(1, (int)Math.Ceiling(Days / 14.0));
        for (var h = 0; h <= TotalHours; h += stepHours)
        {
            // The last tick of a multi-day run is the end of the last day, not the start of a day the run lacks.
            if (Days > 1 && h == TotalHours)
            {
                ticks.AddMinor(h);
            }
            else
            {
                ticks.AddMajor(h, TickLabel(h));
            }
        }
        if (Days > 2)
        {
            for (var h = 0; h <= TotalHours; h += 6)
            {
                ticks.AddMinor(h);
            }
        }
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.SetLimitsX(0, TotalHours);
    }

    /// <summary>About a dozen labelled week starts ("week 1", "week 5", ...) and a minor tick at every week.</summary>
    private void WeekTicks(ScottPlot.TickGenerators.NumericManual ticks)
    {
        var step = HoursPerWeek * Math.Max(1, (int)Math.Ceiling(Buckets / 14.0));
        for (var h = 0; h < TotalHours; h += HoursPerWeek)
        {
            if (h % step == 0)
            {
                ticks.AddMajor(h, $"week {h / HoursPerWeek + 1}");
            }
            else
            {
                ticks.AddMinor(h);
            }
        }
        ticks.AddMinor(TotalHours);
    }

    private string TickLabel(int hours)
    {
        var (day, hour) = (hours / 24, hours % 24);
        return Days == 1 ? $"{hours:00}:00"
            : hour == 0 ? $"day {day + 1}" : $"{hour:00}:00";
    }
}
