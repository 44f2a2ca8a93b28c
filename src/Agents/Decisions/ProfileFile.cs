using System.Globalization;
using MicroMarket.Grid.Profiles;

namespace MicroMarket.Agents.Decisions;

/// <summary>
/// A user's profile file: CSV with a header, a time column (a time of day such as 00:15:00 or a date
/// and time) and a value column; the step is the difference of the first two times. The series
/// repeats when a run is longer than the file.
/// </summary>
public static class ProfileFile
{
    public static TimeSeries Read(string path, string unit)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToList();
        if (lines.Count < 3)
        {
            throw new InvalidDataException($"{path}: a profile needs a header and at least two rows");
        }
        var times = new List<TimeSpan>();
        var values = new List<double>();
        for (var i = 1; i < lines.Count; i++)
        {
            var fields = lines[i].Split(',');
            if (fields.Length < 2)
            {
                throw new InvalidDataException($"{path}:{i + 1}: expected time,value");
            }
            times.Add(ParseTime(fields[0].Trim(), path, i + 1));
            values.Add(double.TryParse(fields[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                ? v
                : throw new InvalidDataException($"{path}:{i + 1}: field 'value': '{fields[1].Trim()}' is not a number"));
        }
        var step = times[1] - times[0];
        if (step <= TimeSpan.Zero)
        {
            throw new InvalidDataException($"{path}:3: times must increase");
        }
        return new TimeSeries(Path.GetFileNameWithoutExtension(path), unit, step, values);
    }

    private static TimeSpan ParseTime(string text, string path, int line) =>
        TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var time) ? time
        : DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var stamp) ? stamp - DateTime.UnixEpoch
        : throw new InvalidDataException($"{path}:{line}: field 'time': '{text}' is not a time");
}
