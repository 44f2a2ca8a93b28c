using System.Globalization;

namespace MicroMarket.RunFormat;

/// <summary>
/// Reads one of a run directory's tables in whichever encoding the run wrote it (<see cref="CsvTableReader"/>,
/// <see cref="ParquetTableReader"/>) as the same records: the header must name every column the caller reads (in
/// any order); extra columns are ignored so an older report still reads a newer run.
/// </summary>
public abstract class TableReader
{
    /// <summary>The data records in file order.</summary>
    public abstract IEnumerable<TableRecord> Records();

    /// <summary>
    /// Opens table <paramref name="table"/> (its CSV name, <see cref="RunDirectory.Units"/> for instance) of the run in
    /// <paramref name="directory"/>: the CSV or, for a per-slot table, its Parquet twin, whichever the run wrote.
    /// </summary>
    /// <exception cref="RunFormatException">Neither file exists, both do, or the header lacks one of <paramref name="requiredColumns"/>.</exception>
    public static TableReader Open(string directory, string table, params string[] requiredColumns)
    {
        var csv = Path.Combine(directory, table);
        var parquet = Path.Combine(directory, RunDirectory.TableFile(table, TableFormat.Parquet));
        return (File.Exists(csv), table != RunDirectory.TableFile(table, TableFormat.Parquet) && File.Exists(parquet)) switch
        {
            (true, true) => throw new RunFormatException($"{directory} holds both {table} and {Path.GetFileName(parquet)}: a run writes one of them"),
            (false, true) => ParquetTableReader.Open(parquet, requiredColumns),
            _ => CsvTableReader.Open(csv, requiredColumns),
        };
    }

    /// <exception cref="RunFormatException">The header lacks one of <paramref name="requiredColumns"/>.</exception>
    protected static void Require(string fileName, IReadOnlyDictionary<string, int> columns, IEnumerable<string> requiredColumns, string where)
    {
        var missing = requiredColumns.Where(c => !columns.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            throw new RunFormatException($"{fileName}{where}: missing column(s) {string.Join(", ", missing)}");
        }
    }
}

/// <summary>
/// One record of a <see cref="TableReader"/> with typed, located accessors. A CSV record holds text, parsed on access;
/// a Parquet record holds typed values, converted on access; <see cref="Text"/> prints either as the CSV does.
/// </summary>
/// <param name="position">The CSV's line number, or the Parquet row's number (the first data row is 1).</param>
public readonly struct TableRecord(string fileName, int position, IReadOnlyDictionary<string, int> columns, Func<int, object?> cell)
{
    private object? Cell(string column) => columns.TryGetValue(column, out var index)
        ? cell(index)
        : throw new RunFormatException($"{fileName}: no column '{column}' (a Parquet table decodes only the columns its reader asked for)");

    public string Text(string column) => Cell(column) is string s ? s : CsvTableWriter.Format(Cell(column));

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

    /// <summary>An error naming this record's file, line (or row) and <paramref name="column"/>.</summary>
    public RunFormatException Error(string column, string text, string problem) =>
        new($"{fileName}:{position}: {column}: '{text}' {problem}");

    private delegate bool TryParser<T>(string text, out T value);

    /// <summary>A CSV cell parsed; a Parquet cell of the requested kind as it is, of another numeric kind converted.</summary>
    private T? Parse<T>(string column, TryParser<T> parse, string expected) where T : struct
    {
        switch (Cell(column))
        {
            case null:
                return null;
            case T value:
                return value;
            case string text:
                return text.Length == 0 ? null : parse(text, out var parsed) ? parsed : throw Error(column, text, $"is not {expected}");
            case IConvertible number when typeof(T) != typeof(bool) && typeof(T) != typeof(DateTimeOffset) && number is not bool and not string:
                return (T)Convert.ChangeType(number, typeof(T), CultureInfo.InvariantCulture);
            case var other:
                throw Error(column, CsvTableWriter.Format(other), $"is not {expected}");
        }
    }
}
