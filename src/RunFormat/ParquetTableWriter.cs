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

    private readonly List<object?[]> _rows = [];

    public void Add(params object?[] cells)
    {
        if (cells.Length != columns.Count)
        {
            throw new ArgumentException($"a row of {cells.Length} cells in a table of {columns.Count} columns");
        }
        _rows.Add(cells);
    }

    public int Rows => _rows.Count;

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
            for (var from = 0; from < _rows.Count || from == 0; from += RowGroupRows)
            {
                var rows = _rows.GetRange(from, Math.Min(RowGroupRows, _rows.Count - from));
                using var group = writer.CreateRowGroup();
                for (var c = 0; c < columns.Count; c++)
                {
                    await WriteColumnAsync(group, fields[c], columns[c].Type, rows, c).ConfigureAwait(false);
                }
            }
        }
    }

    private static async Task WriteColumnAsync(ParquetRowGroupWriter group, DataField field, CellType type, List<object?[]> rows, int c)
    {
        switch (type)
        {
            case CellType.Int: await group.WriteAsync<int>(field, Cells(rows, c, v => Convert.ToInt32(v, CultureInfo.InvariantCulture))).ConfigureAwait(false); break;
            case CellType.Long: await group.WriteAsync<long>(field, Cells(rows, c, v => Convert.ToInt64(v, CultureInfo.InvariantCulture))).ConfigureAwait(false); break;
            case CellType.Double: await group.WriteAsync<double>(field, rows.Select(r => Round(r[c])).ToArray()).ConfigureAwait(false); break;
            case CellType.Decimal: await group.WriteAsync<decimal>(field, Cells(rows, c, v => Math.Round(Convert.ToDecimal(v, CultureInfo.InvariantCulture), 9))).ConfigureAwait(false); break;
            case CellType.Bool: await group.WriteAsync<bool>(field, Cells(rows, c, v => (bool)v)).ConfigureAwait(false); break;
            case CellType.Time: await group.WriteAsync<DateTime>(field, Cells(rows, c, v => ((DateTimeOffset)v).UtcDateTime)).ConfigureAwait(false); break;
            case CellType.Text: await group.WriteAsync(field, rows.Select(r => (string?)r[c]).ToArray()).ConfigureAwait(false); break;
            default: throw new ArgumentOutOfRangeException(nameof(type), type, null);
        }
    }

    private static T?[] Cells<T>(List<object?[]> rows, int c, Func<object, T> convert) where T : struct =>
        rows.Select(r => r[c] is { } v ? convert(v) : (T?)null).ToArray();

    /// <summary>As the CSV prints a double: to 1e-6, no negative zero, a non-finite value as empty.</summary>
    private static double? Round(object? cell) => cell switch
    {
        null => null,
        double d when !double.IsFinite(d) => null,
        var v => Math.Round(Convert.ToDouble(v, CultureInfo.InvariantCulture), 6, MidpointRounding.AwayFromZero) is var r && r == 0 ? 0.0 : r,
    };
}
