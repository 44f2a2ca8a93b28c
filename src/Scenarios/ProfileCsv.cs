using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using MicroMarket.Grid.Profiles;

namespace MicroMarket.Scenarios;

/// <summary>
/// The profile files a scenario may name (PV kW per kWp, household kW, wind m/s): CSV with a header naming a
/// <c>time</c> and a <c>value</c> column (other columns are ignored; '#' starts a comment line). <c>time</c> is the
/// local start of each interval, either a clock time "HH:mm[:ss]" (a new day begins when the clock goes back) or a
/// date-time "yyyy-MM-dd HH:mm[:ss]" (or with 'T'). The first interval starts at midnight of the scenario's first
/// day, the step is regular and divides a day, and the file covers whole days; a run longer than the file repeats it.
/// </summary>
public static class ProfileCsv
{
    private static readonly string[] ClockFormats = ["h\\:mm", "hh\\:mm", "h\\:mm\\:ss", "hh\\:mm\\:ss"];
    internal static readonly string[] DateTimeFormats =
        ["yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"];

    /// <summary>The series in <paramref name="path"/>, its values in <paramref name="unit"/> (e.g. "kW").</summary>
    /// <exception cref="InvalidDataException">the file breaks the format; the message names file and line.</exception>
    public static TimeSeries Read(string path, string unit) =>
        TryRead(path, unit, out var series, out var problem) ? series : throw new InvalidDataException(problem);

    internal static bool TryRead(string path, string unit, [NotNullWhen(true)] out TimeSeries? series, [NotNullWhen(false)] out string? problem)
    {
        series = null;
        if (!TryReadRows(path, out var rows, out var headerLine, out problem))
        {
            return false;
        }
        var name = Path.GetFileName(path);
        string Fail(int line, string what) => $"{name}:{line}: {what}";

        var elapsed = new List<TimeSpan>();
        var values = new List<double>();
        bool? clockTimes = null;
        DateTime firstDateTime = default;
        TimeSpan previousClock = default;
        var day = 0;
        foreach (var (line, timeText, valueText) in rows)
        {
            if (!double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                problem = Fail(line, $"value: '{valueText}' is not a number");
                return false;
            }
            TimeSpan at;
            if (clockTimes != false && TimeSpan.TryParseExact(timeText, ClockFormats, CultureInfo.InvariantCulture, out var clock)
                && clock < TimeSpan.FromDays(1))
            {
                clockTimes = true;
                if (values.Count > 0 && clock <= previousClock)
                {
                    day++;
                }
                previousClock = clock;
                at = TimeSpan.FromDays(day) + clock;
            }
            else if (clockTimes != true && DateTime.TryParseExact(timeText, DateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var dateTime))
            {
                if (clockTimes is null)
                {
                    firstDateTime = dateTime.Date;
                }
                clockTimes = false;
                at = dateTime - firstDateTime;
            }
            else
            {
                problem = Fail(line, $"time: '{timeText}' is not {(clockTimes is null ? "a clock time HH:mm or a date-time yyyy-MM-dd HH:mm" : clockTimes.Value ? "a clock time HH:mm like the rows before" : "a date-time yyyy-MM-dd HH:mm like the rows before")}");
                return false;
            }
            var stepProblem = values.Count switch
            {
                0 when at != TimeSpan.Zero => $"time: the first interval must start at midnight (00:00), found '{timeText}'",
                1 when at <= TimeSpan.Zero => $"time: '{timeText}' does not come after the row before",
                > 1 when at != elapsed[1] * values.Count => $"time: '{timeText}' breaks the regular step of {elapsed[1]:hh\\:mm\\:ss} (one row per interval, none missing)",
                _ => null,
            };
            if (stepProblem is not null)
            {
                problem = Fail(line, stepProblem);
                return false;
            }
            elapsed.Add(at);
            values.Add(value);
        }
        if (values.Count < 2)
        {
            problem = Fail(Math.Max(headerLine, 1), "expected a header and at least two rows");
            return false;
        }
        var step = elapsed[1];
        if (TimeSpan.FromDays(1).Ticks % step.Ticks != 0 || (step * values.Count).Ticks % TimeSpan.FromDays(1).Ticks != 0)
        {
            problem = Fail(headerLine, $"expected whole days of a step that divides a day; found {values.Count} rows of {step:hh\\:mm\\:ss}");
            return false;
        }
        series = new TimeSeries(name, unit, step, values);
        problem = null;
        return true;
    }

    /// <summary>
    /// The data rows of a CSV in this format, each with its line number and its <c>time</c> and <c>value</c> fields,
    /// after the header (comment and blank lines skipped); shared with <see cref="PriceSeriesCsv"/>.
    /// </summary>
    internal static bool TryReadRows(string path, [NotNullWhen(true)] out List<(int Line, string Time, string Value)>? rows, out int headerLine,
        [NotNullWhen(false)] out string? problem)
    {
        rows = null;
        headerLine = 0;
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (IOException e)
        {
            problem = $"{path}: {e.Message}";
            return false;
        }
        var name = Path.GetFileName(path);
        int timeColumn = -1, valueColumn = -1;
        var read = new List<(int, string, string)>();
        for (var i = 0; i < lines.Length; i++)
        {
            var text = lines[i].Trim();
            if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
            }
            var fields = text.Split(',', StringSplitOptions.TrimEntries);
            if (headerLine == 0)
            {
                headerLine = i + 1;
                timeColumn = Array.FindIndex(fields, f => f.Equals("time", StringComparison.OrdinalIgnoreCase));
                valueColumn = Array.FindIndex(fields, f => f.Equals("value", StringComparison.OrdinalIgnoreCase));
                if (timeColumn < 0 || valueColumn < 0)
                {
                    problem = $"{name}:{i + 1}: expected a header with columns 'time' and 'value'";
                    return false;
                }
                continue;
            }
            if (fields.Length <= Math.Max(timeColumn, valueColumn))
            {
                problem = $"{name}:{i + 1}: expected at least {Math.Max(timeColumn, valueColumn) + 1} fields";
                return false;
            }
            read.Add((i + 1, fields[timeColumn], fields[valueColumn]));
        }
        rows = read;
        problem = null;
        return true;
    }
}
