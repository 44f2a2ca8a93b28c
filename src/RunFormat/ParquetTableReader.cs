using Parquet;
using Parquet.Schema;

namespace MicroMarket.RunFormat;

/// <summary>
/// Reads one of a run directory's per-slot tables as <see cref="ParquetTableWriter"/> writes it: the columns asked for
/// (all when none is named) whole, typed and nullable, then one record per row; a null is the CSV's empty cell. Only
/// the columns asked for are decoded: the report reads 9 of units' 43 columns, a year's in a fraction of the time.
/// </summary>
public sealed class ParquetTableReader : TableReader
{
    private readonly string _fileName;
    private readonly Dictionary<string, int> _columns;
    private readonly Array[] _values;
    private readonly int _rows;

    private ParquetTableReader(string fileName, Dictionary<string, int> columns, Array[] values, int rows) =>
        (_fileName, _columns, _values, _rows) = (fileName, columns, values, rows);

    /// <exception cref="RunFormatException">The file is missing, not Parquet, or lacks one of <paramref name="requiredColumns"/>.</exception>
    public static ParquetTableReader Open(string path, params string[] requiredColumns)
    {
        var fileName = Path.GetFileName(path);
        if (!File.Exists(path))
        {
            throw new RunFormatException($"{fileName}: missing from the run directory {Path.GetDirectoryName(path)}");
        }
        try
        {
            return Task.Run(() => ReadAsync(path, fileName, requiredColumns)).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new RunFormatException($"{fileName}: not a readable Parquet table ({e.Message})");
        }
    }

    public override IEnumerable<TableRecord> Records()
    {
        var values = _values;
        for (var row = 0; row < _rows; row++)
        {
            var r = row;
            yield return new TableRecord(_fileName, row + 1, _columns, c => values[c].GetValue(r));
        }
    }

    private static async Task<ParquetTableReader> ReadAsync(string path, string fileName, string[] requiredColumns)
    {
        await using var reader = await ParquetReader.CreateAsync(path).ConfigureAwait(false);
        var fields = reader.Schema.GetDataFields();
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < fields.Length; i++)
        {
            if (!columns.TryAdd(fields[i].Name, i))
            {
                throw new RunFormatException($"{fileName}: column '{fields[i].Name}' appears twice");
            }
        }
        Require(fileName, columns, requiredColumns, "");
        if (requiredColumns.Length > 0)
        {
            fields = [.. requiredColumns.Distinct().Select(c => fields[columns[c]])];
            columns = fields.Select((f, i) => (f.Name, i)).ToDictionary(c => c.Name, c => c.i, StringComparer.Ordinal);
        }
        var groups = new List<(ParquetRowGroupReader Group, int Rows)>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            var group = reader.OpenRowGroupReader(g);
            groups.Add((group, checked((int)group.RowCount)));
        }
        var rows = groups.Sum(g => g.Rows);
        var values = new Array[fields.Length];
        for (var c = 0; c < fields.Length; c++)
        {
            values[c] = await ReadColumnAsync(fileName, fields[c], groups, rows).ConfigureAwait(false);
        }
        foreach (var (group, _) in groups)
        {
            group.Dispose();
        }
        return new ParquetTableReader(fileName, columns, values, rows);
    }

    /// <summary>A column over every row group, as nullable values (instants as UTC <see cref="DateTimeOffset"/>).</summary>
    private static async Task<Array> ReadColumnAsync(string fileName, DataField field, List<(ParquetRowGroupReader Group, int Rows)> groups, int rows)
    {
        // Parquet.Net types a UTF-8 column as ReadOnlyMemory<char> by default; it reads it as strings all the same.
        if (field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>))
        {
            var text = new string?[rows];
            var at = 0;
            foreach (var (group, count) in groups)
            {
                await group.ReadAsync(field, text.AsMemory(at, count)).ConfigureAwait(false);
                at += count;
            }
            return text;
        }
        return field.ClrType switch
        {
            var t when t == typeof(int) => await ReadAsync<int>(field, groups, rows).ConfigureAwait(false),
            var t when t == typeof(long) => await ReadAsync<long>(field, groups, rows).ConfigureAwait(false),
            var t when t == typeof(double) => await ReadAsync<double>(field, groups, rows).ConfigureAwait(false),
            var t when t == typeof(decimal) => await ReadAsync<decimal>(field, groups, rows).ConfigureAwait(false),
            var t when t == typeof(bool) => await ReadAsync<bool>(field, groups, rows).ConfigureAwait(false),
            var t when t == typeof(DateTime) => (await ReadAsync<DateTime>(field, groups, rows).ConfigureAwait(false))
                .Select(d => d is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : (DateTimeOffset?)null).ToArray(),
            var other => throw new RunFormatException($"{fileName}: column '{field.Name}' holds {other.Name}, which no run table holds"),
        };
    }

    private static async Task<T?[]> ReadAsync<T>(DataField field, List<(ParquetRowGroupReader Group, int Rows)> groups, int rows) where T : struct
    {
        var values = new T?[rows];
        var at = 0;
        foreach (var (group, count) in groups)
        {
            await group.ReadAsync<T>(field, values.AsMemory(at, count)).ConfigureAwait(false);
            at += count;
        }
        return values;
    }
}
