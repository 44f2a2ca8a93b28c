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
    public static TableReader Open(string directory, string table, params string[] requiredColumns) => Open(directory, table, where: null, requiredColumns);

    /// <summary>
    /// <see cref="Open"/>, reading only the rows <paramref name="where"/> keeps. A Parquet table decodes the filter's column
    /// first and the others only in the row groups holding a row it keeps: the report draws one slot's order books out of
    /// a year's millions of order steps.
    /// </summary>
    /// <exception cref="RunFormatException">As <see cref="Open"/>; the filter's column is required too.</exception>
    public static TableReader OpenWhere(string directory, string table, RowFilter where, params string[] requiredColumns) =>
        Open(directory, table, where, [.. requiredColumns.Append(where.Column).Distinct()]);

    /// <summary>
    /// The column names of table <paramref name="table"/>, from its header or schema alone: a reader asks for a column that
    /// runs written before it existed lack (a prosumer's behind-the-meter energies) only where the table has it.
    /// </summary>
    /// <exception cref="RunFormatException">Neither file exists, both do, or the file is not a table.</exception>
    public static IReadOnlyList<string> Header(string directory, string table) => Locate(directory, table) is var (path, format) && format == TableFormat.Parquet
        ? ParquetTableReader.Header(path)
        : CsvTableReader.Header(path);

    private static TableReader Open(string directory, string table, RowFilter? where, string[] requiredColumns) => Locate(directory, table) is var (path, format) && format == TableFormat.Parquet
        ? ParquetTableReader.Open(path, where, requiredColumns)
        : CsvTableReader.Open(path, where, requiredColumns);

    /// <summary>The file of a table in the run, in the format the run wrote it (a missing CSV is the CSV reader's to report).</summary>
    private static (string Path, TableFormat Format) Locate(string directory, string table)
    {
        var csv = Path.Combine(directory, table);
        var parquet = Path.Combine(directory, RunDirectory.TableFile(table, TableFormat.Parquet));
        return (File.Exists(csv), table != RunDirectory.TableFile(table, TableFormat.Parquet) && File.Exists(parquet)) switch
        {
            (true, true) => throw new RunFormatException($"{directory} holds both {table} and {Path.GetFileName(parquet)}: a run writes one of them"),
            (false, true) => (parquet, TableFormat.Parquet),
            _ => (csv, TableFormat.Csv),
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
/// The rows whose whole-number column <see cref="Column"/> holds <see cref="Value"/>. A cell that is not a whole number is
/// kept, so that reading it reports where it is.
/// </summary>
public sealed record RowFilter(string Column, int Value);

/// <summary>
/// One record of a <see cref="TableReader"/> with typed, located accessors. A CSV record holds text, parsed on access;
/// a Parquet record is a row of typed columns, read as they are or converted on access; <see cref="Text"/> prints
/// either as the CSV does.
/// </summary>
public readonly struct TableRecord
{
    private readonly string _fileName;
    private readonly int _position;
    private readonly IReadOnlyDictionary<string, int> _columns;
    private readonly Func<int, object?>? _cell;
    private readonly Array[]? _typed;
    private readonly int _row;

    /// <summary>A record whose cells come one by one, a CSV line's fields.</summary>
    /// <param name="position">The CSV's line number.</param>
    public TableRecord(string fileName, int position, IReadOnlyDictionary<string, int> columns, Func<int, object?> cell) =>
        (_fileName, _position, _columns, _cell) = (fileName, position, columns, cell);

    /// <summary>
    /// Entry <paramref name="row"/> of typed columns, one nullable array per column (<see cref="ParquetTableReader"/>'s).
    /// A cell of the type asked for is read from its array as it is, without boxing: a year's units table is 3.5 M rows.
    /// </summary>
    /// <param name="position">The row's number in the file (the first data row is 1), for errors.</param>
    public TableRecord(string fileName, int position, IReadOnlyDictionary<string, int> columns, Array[] typedColumns, int row) =>
        (_fileName, _position, _columns, _typed, _row) = (fileName, position, columns, typedColumns, row);

    private int Row => _row;

    private int IndexOf(string column) => _columns.TryGetValue(column, out var index)
        ? index
        : throw new RunFormatException($"{_fileName}: no column '{column}' (a Parquet table decodes only the columns its reader asked for)");

    /// <summary>The typed column of a Parquet record; null for a CSV record.</summary>
    private Array? Typed(string column) => _typed?[IndexOf(column)];

    private object? Cell(string column) => _typed is { } typed ? typed[IndexOf(column)].GetValue(Row) : _cell!(IndexOf(column));

    public string Text(string column) => Typed(column) is string?[] texts
        ? texts[Row] ?? ""
        : Cell(column) is string s ? s : CsvTableWriter.Format(Cell(column));

    public string RequiredText(string column)
    {
        var text = Text(column);
        return text.Length > 0 ? text : throw Error(column, text, "must not be empty");
    }

    public int Int(string column) => NullableInt(column) ?? throw Error(column, "", "must not be empty");

    public int? NullableInt(string column) => Typed(column) is int?[] ints
        ? ints[Row]
        : Parse(column, (string s, out int v) => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out v), "a whole number");

    public long? NullableLong(string column) => Typed(column) switch
    {
        long?[] longs => longs[Row],
        int?[] ints => ints[Row],
        _ => Parse(column, (string s, out long v) => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out v), "a whole number"),
    };

    public double Double(string column) => NullableDouble(column) ?? throw Error(column, "", "must not be empty");

    public double? NullableDouble(string column) => Typed(column) switch
    {
        double?[] doubles => doubles[Row],
        long?[] longs => longs[Row],
        int?[] ints => ints[Row],
        _ => Parse(column, (string s, out double v) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v) && double.IsFinite(v), "a number"),
    };

    public decimal Decimal(string column) => NullableDecimal(column) ?? throw Error(column, "", "must not be empty");

    public decimal? NullableDecimal(string column) => Typed(column) is decimal?[] decimals
        ? decimals[Row]
        : Parse(column, (string s, out decimal v) => decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v), "a number");

    /// <summary>A flag as the writer prints it: true or false.</summary>
    public bool? NullableBool(string column) =>
        Parse(column, (string s, out bool v) => (v = s == "true") || s == "false", "true or false");

    public DateTimeOffset Time(string column) =>
        Parse(column, (string s, out DateTimeOffset v) => DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out v), "an ISO UTC time")
        ?? throw Error(column, "", "must not be empty");

    /// <summary>An error naming this record's file, line (or row) and <paramref name="column"/>.</summary>
    public RunFormatException Error(string column, string text, string problem) =>
        new($"{_fileName}:{_position}: {column}: '{text}' {problem}");

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
