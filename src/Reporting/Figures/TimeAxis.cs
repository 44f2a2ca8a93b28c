using System.Globalization;
using ScottPlot;

namespace MicroMarket.Reporting.Figures;

/// <summary>How finely a time series is drawn: per 15-minute slot, per hour or per day.</summary>
public enum TimeResolution
{
    Slot,
    Hour,
    Day,
}

/// <summary>
/// The shared time axis of the slot-level figures: x is hours since slot 0 (local midnight of day 1). Runs of up to
/// two days are drawn per slot; up to ten days per hour, where 672 slot-level steps would smear into a band; longer
/// runs per day. Values are aggregated into buckets of that size.
/// </summary>
public sealed record TimeAxis(int Days, TimeResolution Resolution, DateTimeOffset StartUtc)
{
    public const int SlotsPerDay = 96;
    public const double HoursPerSlot = 0.25;

    private const int MaxSlotResolutionDays = 2;
    private const int MaxHourResolutionDays = 10;

    public static TimeAxis For(int days, DateTimeOffset startUtc) => new(Math.Max(1, days),
        days <= MaxSlotResolutionDays ? TimeResolution.Slot : days <= MaxHourResolutionDays ? TimeResolution.Hour : TimeResolution.Day, startUtc);

    public int SlotsPerBucket => Resolution switch
    {
        TimeResolution.Slot => 1,
        TimeResolution.Hour => 4,
        _ => SlotsPerDay,
    };

    public double HoursPerBucket => SlotsPerBucket * HoursPerSlot;

    public int Buckets => Days * SlotsPerDay / SlotsPerBucket;

    public double TotalHours => Days * 24.0;

    /// <summary>"15-min slot", "hour" or "day": what one bar or step stands for.</summary>
    public string BucketName => Resolution switch
    {
        TimeResolution.Slot => "15-min slot",
        TimeResolution.Hour => "hour",
        _ => "day",
    };

    /// <summary>"per slot", "hourly" or "daily", for titles.</summary>
    public string Adjective => Resolution switch
    {
        TimeResolution.Slot => "per slot",
        TimeResolution.Hour => "hourly",
        _ => "daily",
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

    /// <summary>Puts the time label, ticks at clock hours or day starts, and the run's full span on the bottom axis.</summary>
    public void Apply(Plot plot)
    {
        plot.Axes.Bottom.Label.Text = Label;
        var ticks = new ScottPlot.TickGenerators.NumericManual();
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

    private string TickLabel(int hours)
    {
        var (day, hour) = (hours / 24, hours % 24);
        return Days == 1 ? $"{hours:00}:00"
            : hour == 0 ? $"day {day + 1}" : $"{hour:00}:00";
    }
}
