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
    private readonly int[] _positions;

    /// <param name="positions">Each row's number in the file (from 1), for errors: a filtered table keeps some rows only.</param>
    private ParquetTableReader(string fileName, Dictionary<string, int> columns, Array[] values, int[] positions) =>
        (_fileName, _columns, _values, _positions) = (fileName, columns, values, positions);

    /// <exception cref="RunFormatException">The file is missing, not Parquet, or lacks one of <paramref name="requiredColumns"/>.</exception>
    public static ParquetTableReader Open(string path, params string[] requiredColumns) => Open(path, where: null, requiredColumns);

    /// <summary>The names of the table's columns, from its schema; no column is decoded.</summary>
    /// <exception cref="RunFormatException">The file is missing or not Parquet.</exception>
    public static IReadOnlyList<string> Header(string path) => Read(path, async () =>
    {
        await using var reader = await ParquetReader.CreateAsync(path).ConfigureAwait(false);
        return (IReadOnlyList<string>)[.. reader.Schema.GetDataFields().Select(f => f.Name)];
    });

    /// <summary>
    /// The table, of its rows those <paramref name="where"/> keeps (all when null): the filter's column is decoded first,
    /// the others only in the row groups where it keeps a row.
    /// </summary>
    /// <exception cref="RunFormatException">The file is missing, not Parquet, or lacks one of <paramref name="requiredColumns"/>.</exception>
    public static ParquetTableReader Open(string path, RowFilter? where, params string[] requiredColumns) =>
        Read(path, () => ReadAsync(path, Path.GetFileName(path), where, requiredColumns));

    /// <summary>Runs <paramref name="read"/> on the file at <paramref name="path"/>, Parquet.Net's failures as the run format's.</summary>
    private static T Read<T>(string path, Func<Task<T>> read)
    {
        var fileName = Path.GetFileName(path);
        if (!File.Exists(path))
        {
            throw new RunFormatException($"{fileName}: missing from the run directory {Path.GetDirectoryName(path)}");
        }
        try
        {
            return Task.Run(read).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new RunFormatException($"{fileName}: not a readable Parquet table ({e.Message})");
        }
    }

    public override IEnumerable<TableRecord> Records()
    {
        for (var row = 0; row < _positions.Length; row++)
        {
            yield return new TableRecord(_fileName, _positions[row], _columns, _values, row);
        }
    }

    private static async Task<ParquetTableReader> ReadAsync(string path, string fileName, RowFilter? where, string[] requiredColumns)
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
        try
        {
            var (read, positions) = where is null
                ? (groups, Enumerable.Range(1, groups.Sum(g => g.Rows)).ToArray())
                : await KeptRowsAsync(fileName, fields[columns[where.Column]], where, groups).ConfigureAwait(false);
            var rows = read.Sum(g => g.Rows);
            var values = new Array[fields.Length];
            for (var c = 0; c < fields.Length; c++)
            {
                values[c] = await ReadColumnAsync(fileName, fields[c], read, rows).ConfigureAwait(false);
                if (where is not null)
                {
                    values[c] = Kept(values[c], read, positions, groups);
                }
            }
            return new ParquetTableReader(fileName, columns, values, positions);
        }
        finally
        {
            foreach (var (group, _) in groups)
            {
                group.Dispose();
            }
        }
    }

    /// <summary>The row groups holding a row the filter keeps, and the kept rows' numbers in the file (from 1), in order.</summary>
    private static async Task<(List<(ParquetRowGroupReader Group, int Rows)> Groups, int[] Positions)> KeptRowsAsync(
        string fileName, DataField field, RowFilter where, List<(ParquetRowGroupReader Group, int Rows)> groups)
    {
        var kept = new List<(ParquetRowGroupReader Group, int Rows)>();
        var positions = new List<int>();
        var first = 1;
        foreach (var g in groups)
        {
            var cells = await ReadColumnAsync(fileName, field, [g], g.Rows).ConfigureAwait(false);
            var before = positions.Count;
            for (var i = 0; i < g.Rows; i++)
            {
                // Only a whole number can fail the filter; anything else is kept, for reading it to report where it is.
                if (cells.GetValue(i) is not int value || value == where.Value)
                {
                    positions.Add(first + i);
                }
            }
            if (positions.Count > before)
            {
                kept.Add(g);
            }
            first += g.Rows;
        }
        return (kept, [.. positions]);
    }

    /// <summary>
    /// Of a column read over the row groups <paramref name="read"/>, the entries of the rows at file
    /// <paramref name="positions"/> (every one of which lies in those groups).
    /// </summary>
    private static Array Kept(Array column, List<(ParquetRowGroupReader Group, int Rows)> read, int[] positions, List<(ParquetRowGroupReader Group, int Rows)> all)
    {
        // Where each group read starts in the file and in the column.
        var starts = new List<(int File, int Column, int Rows)>();
        var (inFile, inColumn) = (1, 0);
        foreach (var g in all)
        {
            if (read.Contains(g))
            {
                starts.Add((inFile, inColumn, g.Rows));
                inColumn += g.Rows;
            }
            inFile += g.Rows;
        }
        var kept = Array.CreateInstance(column.GetType().GetElementType()!, positions.Length);
        var s = 0;
        for (var i = 0; i < positions.Length; i++)
        {
            while (positions[i] >= starts[s].File + starts[s].Rows)
            {
                s++;
            }
            Array.Copy(column, starts[s].Column + positions[i] - starts[s].File, kept, i, 1);
        }
        return kept;
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
