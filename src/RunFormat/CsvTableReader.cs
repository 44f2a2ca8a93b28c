namespace MicroMarket.RunFormat;

/// <summary>
/// Reads one of a run directory's tidy CSV tables (as <see cref="CsvTableWriter"/> writes them): a header naming the
/// columns, then one record per line; invariant culture, an empty cell meaning "not applicable", double quotes
/// around a field holding a comma or a quote.
/// </summary>
public sealed class CsvTableReader : TableReader
{
    private readonly string _fileName;
    private readonly Dictionary<string, int> _columns;
    private readonly string[] _lines;
    private readonly RowFilter? _where;

    private CsvTableReader(string fileName, Dictionary<string, int> columns, string[] lines, RowFilter? where) =>
        (_fileName, _columns, _lines, _where) = (fileName, columns, lines, where);

    /// <exception cref="RunFormatException">The file is missing, or its header lacks one of <paramref name="requiredColumns"/>.</exception>
    public static CsvTableReader Open(string path, params string[] requiredColumns) => Open(path, where: null, requiredColumns);

    /// <summary>The names in the table's header line.</summary>
    /// <exception cref="RunFormatException">The file is missing or has no header line.</exception>
    public static IReadOnlyList<string> Header(string path) => HeaderOf(path, File.Exists(path) ? File.ReadLines(path).FirstOrDefault() : null);

    /// <summary>The table, of its rows those <paramref name="where"/> keeps (all when null).</summary>
    /// <exception cref="RunFormatException">The file is missing, or its header lacks one of <paramref name="requiredColumns"/>.</exception>
    public static CsvTableReader Open(string path, RowFilter? where, params string[] requiredColumns)
    {
        var fileName = Path.GetFileName(path);
        var lines = File.Exists(path) ? File.ReadAllLines(path) : [];
        var header = HeaderOf(path, lines.FirstOrDefault());
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            if (!columns.TryAdd(header[i], i))
            {
                throw new RunFormatException($"{fileName}:1: column '{header[i]}' appears twice");
            }
        }
        Require(fileName, columns, requiredColumns, ":1");
        return new CsvTableReader(fileName, columns, lines, where);
    }

    /// <summary>The data records in file order; blank lines (the trailing newline) are skipped.</summary>
    public override IEnumerable<TableRecord> Records()
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
            if (_where is null || Keeps(_where, fields[_columns[_where.Column]]))
            {
                yield return new TableRecord(_fileName, lineNumber, _columns, c => fields[c]);
            }
        }
    }

    /// <summary>The fields of the header line <paramref name="firstLine"/> of the file at <paramref name="path"/> (null: the file is missing).</summary>
    private static List<string> HeaderOf(string path, string? firstLine)
    {
        var fileName = Path.GetFileName(path);
        if (!File.Exists(path))
        {
            throw new RunFormatException($"{fileName}: missing from the run directory {Path.GetDirectoryName(path)}");
        }
        return string.IsNullOrEmpty(firstLine)
            ? throw new RunFormatException($"{fileName}:1: the header line is missing")
            : Split(firstLine, fileName, 1);
    }

    private static bool Keeps(RowFilter where, string cell) =>
        !int.TryParse(cell, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) || value == where.Value;

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
