using System.Text;

namespace MicroMarket.RunFormat;

/// <summary>
/// A per-slot table as CSV, line by line to its file (<see cref="ITableWriter"/>): the same bytes as
/// <see cref="CsvTableWriter"/> writes for the same rows, without holding them.
/// </summary>
public sealed class CsvTableStream : ITableWriter
{
    private readonly IReadOnlyList<string> _columns;
    private readonly string _path;
    private readonly StreamWriter _file;
    private bool _completed;

    public CsvTableStream(IReadOnlyList<string> columns, string path)
    {
        (_columns, _path) = (columns, path);
        _file = new StreamWriter(RunDirectory.Partial(path), append: false, new UTF8Encoding(false)) { NewLine = "\n" };
        _file.WriteLine(CsvTableWriter.Header(columns));
    }

    public void Add(params object?[] cells) => _file.WriteLine(CsvTableWriter.Line(_columns, cells));

    public void Complete()
    {
        _file.Dispose();
        File.Move(RunDirectory.Partial(_path), _path, overwrite: true);
        _completed = true;
    }

    public void Dispose()
    {
        if (_completed)
        {
            return;
        }
        _completed = true;
        _file.Dispose();
        File.Delete(RunDirectory.Partial(_path));
    }
}
