namespace MicroMarket.Grid.Networks;

/// <summary>A data file that cannot be read: the message names the file, the line and the field.</summary>
public sealed class NetworkFormatException(string file, int line, string field, string problem)
    : Exception(line > 0 ? $"{file}:{line}: {field}: {problem}" : $"{file}: {field}: {problem}")
{
    public string File { get; } = file;

    /// <summary>1-based line number, 0 when the problem is with the file as a whole.</summary>
    public int Line { get; } = line;

    public string Field { get; } = field;
}
