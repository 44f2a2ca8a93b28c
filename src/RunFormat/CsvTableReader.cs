using System.Globalization;

namespace MicroMarket.RunFormat;

/// <summary>
/// Reads one of a run directory's tidy CSV tables (as <see cref="CsvTableWriter"/> writes them): a header naming the
/// columns, then one record per line; invariant culture, an empty cell meaning "not applicable", double quotes
/// around a field holding a comma or a quote. The header must name every column the caller reads (in any order);
/// extra columns are ignored so an older report still reads a newer run.
/// </summary>
public sealed class CsvTableReader
{
    private readonly string _fileName;
    private readonly Dictionary<string, int> _columns;
    private readonly string[] _lines;

    private CsvTableReader(string fileName, Dictionary<string, int> columns, string[] lines) =>
        (_fileName, _columns, _lines) = (fileName, columns, lines);

    /// <exception cref="RunFormatException">The file is missing, or its header lacks one of <paramref name="requiredColumns"/>.</exception>
    public static CsvTableReader Open(string path, params string[] requiredColumns)
    {
        var fileName = Path.GetFileName(path);
        if (!File.Exists(path))
        {
            throw new RunFormatException($"{fileName}: missing from the run directory {Path.GetDirectoryName(path)}");
        }
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0].Length == 0)
        {
            throw new RunFormatException($"{fileName}:1: the header line is missing");
        }
        var header = Split(lines[0], fileName, 1);
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            if (!columns.TryAdd(header[i], i))
            {
                throw new RunFormatException($"{fileName}:1: column '{header[i]}' appears twice");
            }
        }
        var missing = requiredColumns.Where(c => !columns.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            throw new RunFormatException($"{fileName}:1: missing column(s) {string.Join(", ", missing)}");
        }
        return new CsvTableReader(fileName, columns, lines);
    }

    /// <summary>The data records in file order; blank lines (the trailing newline) are skipped.</summary>
    public IEnumerable<CsvRecord> Records()
    {
        for (var i = 1; i < _lines.Length; i++)
        {
            if (_lines[i].Length == 0)
            {
                continue;
            }
            var lineNumber = i + 1;
            var fields = Split(_lines[i], _fileName, lineNumber);
            if (fields.Count != _columns.Count)
            {
                throw new RunFormatException($"{_fileName}:{lineNumber}: {fields.Count} fields where the header has {_columns.Count}");
            }
            yield return new CsvRecord(_fileName, lineNumber, _columns, fields);
        }
    }

    private static List<string> Split(string line, string fileName, int lineNumber)
    {
        var fields = new List<string>();
        var i = 0;
        while (true)
        {
            if (i < line.Length && line[i] == '"')
            {
                var text = new System.Text.StringBuilder();
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        throw new RunFormatException($"{fileName}:{lineNumber}: a quoted field is not closed");
                    }
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            text.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    text.Append(line[i++]);
                }
                fields.Add(text.ToString());
                if (i < line.Length && line[i] != ',')
                {
                    throw new RunFormatException($"{fileName}:{lineNumber}: text after a closing quote");
                }
            }
            else
            {
                var comma = line.IndexOf(',', i);
                var end = comma < 0 ? line.Length : comma;
                fields.Add(line[i..end]);
                i = end;
            }
            if (i >= line.Length)
            {
                return fields;
            }
            i++;
        }
    }
}

/// <summary>One record of a <see cref="CsvTableReader"/> with typed, located accessors.</summary>
public readonly struct CsvRecord(string fileName, int lineNumber, Dictionary<string, int> columns, List<string> fields)
{
    public string Text(string column) => fields[columns[column]];

    public string RequiredText(string column)
    {
        var text = Text(column);
        return text.Length > 0 ? text : throw Error(column, text, "must not be empty");
    }

    public int Int(string column) => NullableInt(column) ?? throw Error(column, "", "must not be empty");

    public int? NullableInt(string column) =>
        Parse(column, (string s, out int v) => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out v), "a whole number");

    public long? NullableLong(string column) =>
        Parse(column, (string s, out long v) => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out v), "a whole number");

    public double Double(string column) => NullableDouble(column) ?? throw Error(column, "", "must not be empty");

    public double? NullableDouble(string column) =>
        Parse(column, (string s, out double v) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v) && double.IsFinite(v), "a number");

    public decimal Decimal(string column) => NullableDecimal(column) ?? throw Error(column, "", "must not be empty");

    public decimal? NullableDecimal(string column) =>
        Parse(column, (string s, out decimal v) => decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v), "a number");

    /// <summary>A flag as the writer prints it: true or false.</summary>
    public bool? NullableBool(string column) =>
        Parse(column, (string s, out bool v) => (v = s == "true") || s == "false", "true or false");

    public DateTimeOffset Time(string column) =>
        Parse(column, (string s, out DateTimeOffset v) => DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out v), "an ISO UTC time")
        ?? throw Error(column, "", "must not be empty");

    /// <summary>An error naming this record's file, line and <paramref name="column"/>.</summary>
    public RunFormatException Error(string column, string text, string problem) =>
        new($"{fileName}:{lineNumber}: {column}: '{text}' {problem}");

    private delegate bool TryParser<T>(string text, out T value);

    private T? Parse<T>(string column, TryParser<T> parse, string expected) where T : struct
    {
        var text = Text(column);
        if (text.Length == 0)
        {
            return null;
        }
        return parse(text, out var value) ? value : throw Error(column, text, $"is not {expected}");
    }
}
