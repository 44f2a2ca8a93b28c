using MicroMarket.Grid.Units;

namespace MicroMarket.Grid.Profiles;

/// <summary>
/// One household's year from a standard load profile (an average over many households, e.g. BDEW H0), so that a
/// feeder of them does not peak in the same quarter-hour. Following the recipe in Data/profiles/year/README.md, with
/// every draw from the household's own <see cref="Random"/>:
/// <list type="number">
/// <item>timing: the whole year shifted by a lag drawn uniformly from -60..+60 min in whole steps (the first and
/// last hours hold the profile's first and last value instead of wrapping round the year);</item>
/// <item>day-to-day: each day times a factor drawn from lognormal(0, <see cref="DaySigma"/>);</item>
/// <item>within the day: each interval times max(0.05, 1 + <see cref="IntervalAmplitude"/> e), e an AR(1) series
/// with persistence <see cref="IntervalPersistence"/> and unit variance;</item>
/// <item>appliances: 0..<see cref="MaxEventsPerDay"/> events a day (uniform), each 1..3 kW for 15..60 min (uniform),
/// starting at an interval drawn in proportion to the day's profile (people switch on kettles and ovens when they are
/// active); the rest of the day gives up the same energy, so the day's energy is unchanged (a day too small to give it
/// up has no events);</item>
/// <item>the result rescaled to integrate to exactly the household's annual energy.</item>
/// </list>
/// The numbers are the README's illustrative starting values, not a calibration; their mean over many households
/// converges to the standard profile (tested), and the coincidence factor they give is reported in docs/scenarios.md.
/// </summary>
public static class DiversifiedHousehold
{
    public const double MaxLagMinutes = 60;
    public const double DaySigma = 0.15;
    public const double IntervalAmplitude = 0.6;
    public const double IntervalPersistence = 0.7;
    public const double MinIntervalFactor = 0.05;
    public const int MaxEventsPerDay = 3;
    public const double MinEventKw = 1.0;
    public const double MaxEventKw = 3.0;
    public const double MinEventMinutes = 15;
    public const double MaxEventMinutes = 60;

    /// <summary>
    /// The household's series, kW, on the standard profile's time base: <paramref name="standard"/> is in kW per MWh of
    /// annual use and covers whole days; the result integrates to <paramref name="annualKwh"/> over the series.
    /// </summary>
    public static TimeSeries Generate(TimeSeries standard, double annualKwh, Random random)
    {
        if (!(annualKwh > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(annualKwh), annualKwh, "annual energy must be > 0");
        }
        var perDay = (int)(TimeSpan.FromDays(1) / standard.Step);
        var maxLag = (int)(TimeSpan.FromMinutes(MaxLagMinutes) / standard.Step);
        var lag = random.Next(-maxLag, maxLag + 1);
        // kW per MWh/a to this household's kW, so appliance events are in real kW.
        var toKw = annualKwh / 1000.0;
        var values = new double[standard.Count];
        var dayFactor = 1.0;
        var e = StandardNormal.Sample(random);
        var innovation = Math.Sqrt(1 - IntervalPersistence * IntervalPersistence);
        for (var i = 0; i < values.Length; i++)
        {
            if (i % perDay == 0)
            {
                dayFactor = Math.Exp(DaySigma * StandardNormal.Sample(random));
            }
            var intervalFactor = Math.Max(MinIntervalFactor, 1 + IntervalAmplitude * e);
            e = IntervalPersistence * e + innovation * StandardNormal.Sample(random);
            values[i] = standard[Math.Clamp(i - lag, 0, values.Length - 1)] * toKw * dayFactor * intervalFactor;
        }
        for (var day = 0; day + perDay <= values.Length; day += perDay)
        {
            AddAppliances(values.AsSpan(day, perDay), standard.Step, random);
        }
        var kwh = values.Sum() * standard.Step.TotalHours;
        return new TimeSeries(standard.Name + " diversified", "kW", standard.Step, values.Select(v => v * annualKwh / kwh), standard.Start);
    }

    /// <summary>Adds one day's appliance events (kW) and takes their energy from the rest of the day in proportion to it.</summary>
    private static void AddAppliances(Span<double> day, TimeSpan step, Random random)
    {
        var count = random.Next(0, MaxEventsPerDay + 1);
        var events = new double[day.Length];
        var dayKw = 0.0;
        foreach (var kw in day)
        {
            dayKw += kw;
        }
        for (var k = 0; k < count; k++)
        {
            var kw = MinEventKw + (MaxEventKw - MinEventKw) * random.NextDouble();
            var minutes = MinEventMinutes + (MaxEventMinutes - MinEventMinutes) * random.NextDouble();
            // The start: the interval where the running sum of the day's profile passes a uniform draw of its total.
            var target = random.NextDouble() * dayKw;
            var start = 0;
            for (var sum = day[0]; sum < target && start < day.Length - 1; sum += day[++start])
            {
            }
            // Whole intervals at full power, the last one partly (energy = kW x minutes).
            for (var i = start; i < day.Length && minutes > 0; i++, minutes -= step.TotalMinutes)
            {
                events[i] += kw * Math.Min(1.0, minutes / step.TotalMinutes);
            }
        }
        var eventKw = events.Sum();
        if (eventKw == 0 || eventKw > 0.9 * dayKw)
        {
            return;
        }
        var keep = (dayKw - eventKw) / dayKw;
        for (var i = 0; i < day.Length; i++)
        {
            day[i] = day[i] * keep + events[i];
        }
    }
}
