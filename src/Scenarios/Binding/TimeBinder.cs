using MicroMarket.Scenarios.Model;
using MicroMarket.Scenarios.Yaml;

namespace MicroMarket.Scenarios.Binding;

/// <summary>Binds <c>time</c>: first day, number of days, slot length, IANA time zone.</summary>
internal static class TimeBinder
{
    public const string DefaultTimeZone = "UTC";

    /// <summary>The calendar, or null when the section is missing or has errors.</summary>
    public static ScenarioTime? Bind(YamlMap? time)
    {
        if (time is null)
        {
            return null;
        }
        var start = time.Date("start");
        var days = time.Integer("days", 1, Bounds.Closed(1, 366));
        var slotMinutes = time.Integer("slot_minutes", 15, Bounds.Closed(1, 60));
        if (time.AllValid("slot_minutes") && 60 % slotMinutes != 0)
        {
            time.Error("slot_minutes", $"must divide an hour (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 or 60), found {slotMinutes}");
        }
        var zone = time.Text("time_zone", DefaultTimeZone);
        if (time.AllValid("time_zone") && !IsIanaTimeZone(zone))
        {
            time.Error("time_zone", $"'{zone}' is not an IANA time zone id such as Europe/Madrid{Suggestion.DidYouMean(zone, TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id))}");
        }
        time.RejectUnknownKeys();
        return time.AllValid("start", "days", "slot_minutes", "time_zone") ? new ScenarioTime(start, days, slotMinutes, zone) : null;
    }

    /// <summary>
    /// True for an id of the IANA database the runtime reads from the system (/usr/share/zoneinfo on Linux). With
    /// InvariantGlobalization there is no ICU to map Windows names, so "Romance Standard Time" is rejected, which keeps
    /// scenario files portable.
    /// </summary>
    private static bool IsIanaTimeZone(string id) =>
        id.Length > 0 && !id.Contains("..", StringComparison.Ordinal) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);
}
