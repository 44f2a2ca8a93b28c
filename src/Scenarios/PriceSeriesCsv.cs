using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using MicroMarket.Scenarios.Model;

namespace MicroMarket.Scenarios;

/// <summary>
/// A dynamic tariff's price file: the profile CSV format (<see cref="ProfileCsv"/>: a header naming <c>time</c> and
/// <c>value</c>, '#' comment lines), with <c>time</c> a local date-time "yyyy-MM-dd HH:mm" in the scenario's time zone and
/// <c>value</c> a price in tokens per kWh (at most 6 decimals). Unlike a profile it is dated: the rows may start at any
/// time and step by any regular interval, and each price holds until the next row's time. It never repeats: the loader
/// rejects a file that does not cover every slot of the run.
/// </summary>
internal static class PriceSeriesCsv
{
    public static bool TryRead(string path, [NotNullWhen(true)] out SeriesTariff? tariff, [NotNullWhen(false)] out string? problem)
    {
        tariff = null;
        if (!ProfileCsv.TryReadRows(path, out var rows, out var headerLine, out problem))
        {
            return false;
        }
        var name = Path.GetFileName(path);
        var times = new List<DateTime>();
        var prices = new List<decimal>();
        foreach (var (line, timeText, valueText) in rows)
        {
            if (!DateTime.TryParseExact(timeText, ProfileCsv.DateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
            {
                problem = $"{name}:{line}: time: '{timeText}' is not a date-time yyyy-MM-dd HH:mm";
                return false;
            }
            if (!decimal.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var price) || price < 0
                || price * Yaml.YamlValue.TokenMicroUnits % 1 != 0)
            {
                problem = $"{name}:{line}: value: '{valueText}' is not a price in tokens per kWh (at least 0, at most 6 decimals)";
                return false;
            }
            var stepProblem = times.Count switch
            {
                1 when time <= times[0] => $"time: '{timeText}' does not come after the row before",
                > 1 when time - times[^1] != times[1] - times[0] => $"time: '{timeText}' breaks the regular step of {times[1] - times[0]:hh\\:mm\\:ss} (one row per interval, none missing)",
                _ => null,
            };
            if (stepProblem is not null)
            {
                problem = $"{name}:{line}: {stepProblem}";
                return false;
            }
            times.Add(time);
            prices.Add(price);
        }
        if (prices.Count < 2)
        {
            problem = $"{name}:{Math.Max(headerLine, 1)}: expected a header and at least two rows";
            return false;
        }
        tariff = new SeriesTariff(path, times[0], times[1] - times[0], ValueList.From(prices));
        return true;
    }
}
