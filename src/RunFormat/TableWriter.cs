namespace MicroMarket.RunFormat;

/// <summary>One run table being written, row by row, in either encoding; the file is written whole at the end.</summary>
public interface ITableWriter
{
    /// <summary>One row: a cell per column, in the columns' order; null for "not applicable".</summary>
    void Add(params object?[] cells);

    int Rows { get; }

    void Write(string path);
}

public static class TableWriters
{
    /// <summary>A writer of the table with these columns in <paramref name="format"/> (the file name is <see cref="RunDirectory.TableFile"/>'s).</summary>
    public static ITableWriter Create(TableFormat format, IReadOnlyList<TableColumn> schema) => format switch
    {
        TableFormat.Csv => new CsvTableWriter([.. schema.Select(c => c.Name)]),
        TableFormat.Parquet => new ParquetTableWriter(schema),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };
}
