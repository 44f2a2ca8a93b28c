using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace MicroMarket.RunFormat;

/// <summary>
/// Writes one of a run directory's per-slot tables as Parquet, byte for byte reproducibly: one typed, nullable column
/// per <see cref="TableColumn"/> (an empty CSV cell is a null), rows in the order added, in row groups of
/// <see cref="RowGroupRows"/>, Snappy-compressed. The values are the CSV's: doubles to 1e-6, decimals to the
/// nano-token (DECIMAL(28, 9), exact), instants as UTC milliseconds. Parquet.Net writes no clock or random id into the
/// file (its only writer metadata is its name and version), so the same run writes the same bytes.
/// <see cref="ParquetTableReader"/> reads it back; pandas and polars read it as any Parquet file.
/// </summary>
public sealed class ParquetTableWriter(IReadOnlyList<TableColumn> columns) : ITableWriter
{
    /// <summary>Bounded so that writing (and reading) a year's units table never holds one huge column chunk.</summary>
    public const int RowGroupRows = 100_000;

    // Each column is converted as its rows come, into an unboxed buffer: a year's units table is 30 M cells.
    private readonly ColumnBuffer[] _buffers = [.. columns.Select(ColumnBuffer.For)];

    public void Add(params object?[] cells)
    {
        if (cells.Length != columns.Count)
        {
            throw new ArgumentException($"a row of {cells.Length} cells in a table of {columns.Count} columns");
        }
        for (var c = 0; c < cells.Length; c++)
        {
            _buffers[c].Add(cells[c]);
        }
        Rows++;
    }

    public int Rows { get; private set; }

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
    public void Write(string path) => Task.Run(() => WriteAsync(path)).GetAwaiter().GetResult();

    private async Task WriteAsync(string path)
    {
        var fields = columns.Select(Field).ToList();
        await using var file = File.Create(path);
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), file, new ParquetOptions { CompressionMethod = CompressionMethod.Snappy }).ConfigureAwait(false))
        {
            // An empty table is one empty row group: readers see its columns and types all the same.
            for (var from = 0; from < Rows || from == 0; from += RowGroupRows)
            {
                using var group = writer.CreateRowGroup();
                for (var c = 0; c < columns.Count; c++)
                {
                    await _buffers[c].WriteAsync(group, fields[c], from, Math.Min(RowGroupRows, Rows - from)).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>One column's values so far, typed as the column says.</summary>
    private abstract class ColumnBuffer
    {
        public abstract void Add(object? cell);

        public abstract Task WriteAsync(ParquetRowGroupWriter group, DataField field, int from, int count);

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

        public override async Task WriteAsync(ParquetRowGroupWriter group, DataField field, int from, int count) =>
            await group.WriteAsync<T>(field, _values.GetRange(from, count).ToArray()).ConfigureAwait(false);
    }

    private sealed class Texts : ColumnBuffer
    {
        private readonly List<string?> _values = [];

        public override void Add(object? cell) => _values.Add((string?)cell);

        public override async Task WriteAsync(ParquetRowGroupWriter group, DataField field, int from, int count) =>
            await group.WriteAsync(field, _values.GetRange(from, count).ToArray()).ConfigureAwait(false);
    }
}
