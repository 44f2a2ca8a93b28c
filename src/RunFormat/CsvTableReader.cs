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
        Require(fileName, columns, requiredColumns, ":1");
        return new CsvTableReader(fileName, columns, lines);
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
            yield return new TableRecord(_fileName, lineNumber, _columns, c => fields[c]);
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
