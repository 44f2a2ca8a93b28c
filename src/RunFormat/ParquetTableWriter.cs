using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace MicroMarket.RunFormat;

/// <summary>
/// Writes one of a run directory's per-slot tables as Parquet, byte for byte reproducibly: one typed, nullable column
/// per <see cref="TableColumn"/> (an empty CSV cell is a null), rows in the order added, in row groups of
/// <see cref="RowGroupRows"/> written to the file as each fills, Snappy-compressed. The values are the CSV's: doubles to
/// 1e-6, decimals to the nano-token (DECIMAL(28, 9), exact), instants as UTC milliseconds. Parquet.Net writes no clock or random id into the
/// file (its only writer metadata is its name and version), so the same run writes the same bytes.
/// <see cref="ParquetTableReader"/> reads it back; pandas and polars read it as any Parquet file.
/// </summary>
public sealed class ParquetTableWriter : ITableWriter
{
    /// <summary>
    /// Bounded so that writing (and reading) a year's units table never holds one huge column chunk: the writer holds
    /// at most one row group, and flushes it to the file as it fills.
    /// </summary>
    public const int RowGroupRows = 100_000;

    private readonly IReadOnlyList<TableColumn> _columns;
    private readonly List<DataField> _fields;
    private readonly PartialFile _partial;

    // Each column is converted as its rows come, into an unboxed buffer of the row group being filled.
    private readonly ColumnBuffer[] _buffers;
    private readonly FileStream _file;
    private readonly ParquetWriter _writer;
    private int _rows;
    private int _buffered;

    public ParquetTableWriter(IReadOnlyList<TableColumn> columns, string path)
    {
        (_columns, _partial) = (columns, new PartialFile(path));
        _fields = [.. columns.Select(Field)];
        _buffers = [.. columns.Select(ColumnBuffer.For)];
        _file = File.Create(_partial.WritingPath);
        try
        {
            _writer = Synchronously(() => ParquetWriter.CreateAsync(new ParquetSchema(_fields), _file, new ParquetOptions { CompressionMethod = CompressionMethod.Snappy }));
        }
        catch
        {
            _file.Dispose();
            _partial.Abandon();
            throw;
        }
    }

    public void Add(params object?[] cells)
    {
        if (cells.Length != _columns.Count)
        {
            throw new ArgumentException($"a row of {cells.Length} cells in a table of {_columns.Count} columns");
        }
        for (var c = 0; c < cells.Length; c++)
        {
            _buffers[c].Add(cells[c]);
        }
        _rows++;
        if (++_buffered == RowGroupRows)
        {
            Synchronously(FlushAsync);
        }
    }

    public void Complete()
    {
        // An empty table is one empty row group: readers see its columns and types all the same.
        if (_buffered > 0 || _rows == 0)
        {
            Synchronously(FlushAsync);
        }
        // Disposing the writer writes the footer (the row groups' index); only then is the file whole.
        Synchronously(() => _writer.DisposeAsync().AsTask());
        _file.Dispose();
        _partial.Commit();
    }

    public void Dispose()
    {
        if (_partial.Settled)
        {
            return;
        }
        try
        {
            Synchronously(() => _writer.DisposeAsync().AsTask());
        }
        finally
        {
            _file.Dispose();
            _partial.Abandon();
        }
    }

    /// <summary>The parquet field of each kind of column.</summary>
    public static DataField Field(TableColumn column) => column.Type switch
    {
        CellType.Int => new DataField(column.Name, typeof(int), isNullable: true),
        CellType.Long => new DataField(column.Name, typeof(long), isNullable: true),
        CellType.Double => new DataField(column.Name, typeof(double), isNullable: true),
        CellType.Decimal => new DecimalDataField(column.Name, 28, 9, isNullable: true),
        CellType.Text => new DataField(column.Name, typeof(string), isNullable: true),
        CellType.Bool => new DataField(column.Name, typeof(bool), isNullable: true),
        CellType.Time => new DateTimeDataField(column.Name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Millis, isNullable: true),
        _ => throw new ArgumentOutOfRangeException(nameof(column), column.Type, null),
    };

    // Parquet.Net is asynchronous; the run writes its directory synchronously, off any actor's scheduler.
    private static T Synchronously<T>(Func<Task<T>> write) => Task.Run(write).GetAwaiter().GetResult();

    private static void Synchronously(Func<Task> write) => Task.Run(write).GetAwaiter().GetResult();

    /// <summary>Writes the buffered rows as the next row group and empties the buffers.</summary>
    private async Task FlushAsync()
    {
        using var group = _writer.CreateRowGroup();
        for (var c = 0; c < _columns.Count; c++)
        {
            await _buffers[c].FlushAsync(group, _fields[c]).ConfigureAwait(false);
        }
        _buffered = 0;
    }

    /// <summary>One column's values in the row group being filled, typed as the column says.</summary>
    private abstract class ColumnBuffer
    {
        public abstract void Add(object? cell);

        /// <summary>Writes the values as the column's chunk of <paramref name="group"/> and forgets them.</summary>
        public abstract Task FlushAsync(ParquetRowGroupWriter group, DataField field);

        public static ColumnBuffer For(TableColumn column) => column.Type switch
        {
            CellType.Int => new Values<int>(v => Convert.ToInt32(v, CultureInfo.InvariantCulture)),
            CellType.Long => new Values<long>(v => Convert.ToInt64(v, CultureInfo.InvariantCulture)),
            CellType.Double => new Values<double>(Round),
            CellType.Decimal => new Values<decimal>(v => Math.Round(Convert.ToDecimal(v, CultureInfo.InvariantCulture), 9)),
            CellType.Bool => new Values<bool>(v => (bool)v),
            CellType.Time => new Values<DateTime>(v => ((DateTimeOffset)v).UtcDateTime),
            CellType.Text => new Texts(),
            _ => throw new ArgumentOutOfRangeException(nameof(column), column.Type, null),
        };

        /// <summary>As the CSV prints a double: to 1e-6, no negative zero, a non-finite value as empty.</summary>
        private static double? Round(object cell) => Convert.ToDouble(cell, CultureInfo.InvariantCulture) is var d && double.IsFinite(d)
            ? Math.Round(d, 6, MidpointRounding.AwayFromZero) is var r && r == 0 ? 0.0 : r
            : null;
    }

    private sealed class Values<T>(Func<object, T?> convert) : ColumnBuffer where T : struct
    {
        private readonly List<T?> _values = [];

        public override void Add(object? cell) => _values.Add(cell is null ? null : convert(cell));

        public override async Task FlushAsync(ParquetRowGroupWriter group, DataField field)
        {
            await group.WriteAsync<T>(field, _values.ToArray()).ConfigureAwait(false);
            _values.Clear();
        }
    }

    private sealed class Texts : ColumnBuffer
    {
        private readonly List<string?> _values = [];

        public override void Add(object? cell) => _values.Add((string?)cell);

        public override async Task FlushAsync(ParquetRowGroupWriter group, DataField field)
        {
            await group.WriteAsync(field, _values.ToArray()).ConfigureAwait(false);
            _values.Clear();
        }
    }
}
