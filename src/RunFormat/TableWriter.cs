namespace MicroMarket.RunFormat;

/// <summary>
/// One per-slot run table being written, row by row, in either encoding, straight to its file: the rows go to
/// "<c>name</c>.partial" as they come (a Parquet row group at a time) and <see cref="Complete"/> renames it to its name,
/// so a year's table is never held in memory and a file under the table's name is always whole. Disposed without
/// <see cref="Complete"/> (a run that failed while writing), it deletes the partial file.
/// </summary>
public interface ITableWriter : IDisposable
{
    /// <summary>One row: a cell per column, in the columns' order; null for "not applicable".</summary>
    void Add(params object?[] cells);

    /// <summary>Writes what is left and gives the file its name.</summary>
    void Complete();
}

public static class TableWriters
{
    /// <summary>A writer of the table with these columns in <paramref name="format"/> to <paramref name="path"/> (named as <see cref="RunDirectory.TableFile"/> says).</summary>
    public static ITableWriter Create(TableFormat format, IReadOnlyList<TableColumn> schema, string path) => format switch
    {
        TableFormat.Csv => new CsvTableStream([.. schema.Select(c => c.Name)], path),
        TableFormat.Parquet => new ParquetTableWriter(schema, path),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };
}
