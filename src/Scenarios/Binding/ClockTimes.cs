namespace MicroMarket.Scenarios.Binding;

/// <summary>Daily clock-time arithmetic: an end not later than its start is on the next day.</summary>
internal static class ClockTimes
{
    public const int MinutesPerDay = 24 * 60;

    public static int Minutes(TimeOnly time) => time.Hour * 60 + time.Minute;

    /// <summary>From <paramref name="start"/> to the next <paramref name="end"/>: 18:00 to 07:30 is 13.5 h, 08:00 to 08:00 a whole day.</summary>
    public static TimeSpan Duration(TimeOnly start, TimeOnly end)
    {
        var minutes = (Minutes(end) - Minutes(start) + MinutesPerDay) % MinutesPerDay;
        return TimeSpan.FromMinutes(minutes == 0 ? MinutesPerDay : minutes);
    }
}
