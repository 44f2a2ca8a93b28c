using System.Text;

namespace MicroMarket.RunFormat;

/// <summary>
/// A per-slot table as CSV, line by line to its file (<see cref="ITableWriter"/>): the same bytes as
/// <see cref="CsvTableWriter"/> writes for the same rows, without holding them.
/// </summary>
public sealed class CsvTableStream : ITableWriter
{
    private readonly IReadOnlyList<string> _columns;
    private readonly PartialFile _partial;
    private readonly StreamWriter _file;

    public CsvTableStream(IReadOnlyList<string> columns, string path)
    {
        (_columns, _partial) = (columns, new PartialFile(path));
        _file = new StreamWriter(_partial.WritingPath, append: false, new UTF8Encoding(false)) { NewLine = "\n" };
        _file.WriteLine(CsvTableWriter.Header(columns));
    }

    public void Add(params object?[] cells) => _file.WriteLine(CsvTableWriter.Line(_columns, cells));

    public void Complete()
    {
        _file.Dispose();
        _partial.Commit();
    }

    public void Dispose()
    {
        if (_partial.Settled)
        {
            return;
        }
        _file.Dispose();
        _partial.Abandon();
    }
}
