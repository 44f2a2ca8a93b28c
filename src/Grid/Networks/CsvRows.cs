using System.Globalization;

namespace MicroMarket.Grid.Networks;

/// <summary>
/// A comma-separated table read with line numbers, so that every error can name file, line and field.
/// Lines starting with '#' and blank lines are skipped; the first remaining line is the header; fields and
/// header names are trimmed and headers matched case-insensitively. No quoting: names may not contain commas.
/// </summary>
internal sealed class CsvRows
{
    private readonly Dictionary<string, int> _columns;

    private CsvRows(string file, string section, Dictionary<string, int> columns, List<CsvRow> rows)
    {
        File = file;
        Section = section;
        _columns = columns;
        Rows = rows;
    }

    public string File { get; }

    /// <summary>Prefix for field names in errors, e.g. "[lines] " in a feeder file; empty for a plain CSV.</summary>
    public string Section { get; }

    public IReadOnlyList<CsvRow> Rows { get; }

    public bool HasColumn(string name) => _columns.ContainsKey(name);

    /// <summary>Parses a whole CSV text.</summary>
    public static CsvRows Parse(string file, string text) =>
        FromLines(file, "", SplitLines(text).Select((l, i) => (i + 1, l)), headerLine: 0);

    /// <summary>Builds a table from numbered lines (a section of a larger file), comments already allowed.</summary>
    public static CsvRows FromLines(string file, string section, IEnumerable<(int Number, string Text)> lines, int headerLine)
    {
        Dictionary<string, int>? columns = null;
        var rows = new List<CsvRow>();
        CsvRows? table = null;
        foreach (var (number, text) in lines)
        {
            var trimmed = text.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
            {
                continue;
            }
            var fields = trimmed.Split(',').Select(f => f.Trim()).ToArray();
            if (columns is null)
            {
                columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
                for (var c = 0; c < fields.Length; c++)
                {
                    if (fields[c].Length > 0 && !columns.TryAdd(fields[c], c))
                    {
                        throw new NetworkFormatException(file, number, section + fields[c], "duplicate column");
                    }
                }
                table = new CsvRows(file, section, columns, rows);
                continue;
            }
            rows.Add(new CsvRow(table!, number, fields));
        }
        if (table is null)
        {
            throw new NetworkFormatException(file, headerLine, section.Length > 0 ? section.Trim() : "header", "no header line");
        }
        return table;
    }

    /// <summary>Fails unless every named column is present.</summary>
    public CsvRows Require(params string[] names)
    {
        foreach (var n in names)
        {
            if (!_columns.ContainsKey(n))
            {
                var line = Rows.Count > 0 ? Rows[0].Line - 1 : 0;
                throw new NetworkFormatException(File, line, Section + n, $"missing column (columns: {string.Join(", ", _columns.Keys)})");
            }
        }
        return this;
    }

    internal int Column(string name) => _columns.TryGetValue(name, out var c) ? c : -1;

    internal static IEnumerable<string> SplitLines(string text) => text.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
}

/// <summary>One data line of a <see cref="CsvRows"/> table.</summary>
internal sealed class CsvRow(CsvRows table, int line, string[] fields)
{
    public int Line { get; } = line;

    /// <summary>A required, non-empty text field.</summary>
    public string Text(string column)
    {
        var value = Optional(column);
        return value ?? throw Error(column, "value is missing");
    }

    /// <summary>A field's text, or null when the column is absent or the cell empty.</summary>
    public string? Optional(string column)
    {
        var c = table.Column(column);
        return c >= 0 && c < fields.Length && fields[c].Length > 0 ? fields[c] : null;
    }

    /// <summary>A required number (invariant culture), checked against an inclusive range.</summary>
    public double Number(string column, double min = double.NegativeInfinity, double max = double.PositiveInfinity) =>
        OptionalNumber(column, min, max) ?? throw Error(column, "value is missing");

    /// <summary>A number or null when empty or absent, checked against an inclusive range.</summary>
    public double? OptionalNumber(string column, double min = double.NegativeInfinity, double max = double.PositiveInfinity)
    {
        var text = Optional(column);
        if (text is null)
        {
            return null;
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw Error(column, $"'{text}' is not a number");
        }
        if (value < min || value > max)
        {
            throw Error(column, $"{value.ToString(CultureInfo.InvariantCulture)} is outside {min.ToString(CultureInfo.InvariantCulture)}..{max.ToString(CultureInfo.InvariantCulture)}");
        }
        return value;
    }

    /// <summary>A true/false field (also 1/0, yes/no, closed/open).</summary>
    public bool Flag(string column)
    {
        var text = Text(column);
        return text.ToLowerInvariant() switch
        {
            "true" or "1" or "yes" or "closed" => true,
            "false" or "0" or "no" or "open" => false,
            _ => throw Error(column, $"'{text}' is not true/false"),
        };
    }

    public NetworkFormatException Error(string column, string problem) => new(table.File, Line, table.Section + column, problem);
}
