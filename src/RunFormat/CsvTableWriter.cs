using System.Globalization;
using System.Text;

namespace MicroMarket.RunFormat;

/// <summary>
/// Writes one of a run directory's tidy CSV tables byte-for-byte reproducibly: its header, then one line per row;
/// invariant culture, fixed decimals per column kind, empty cells for "not applicable", double quotes around a
/// field holding a comma or a quote, LF line ends. <see cref="CsvTableReader"/> reads it back.
/// </summary>
public sealed class CsvTableWriter(IReadOnlyList<string> columns) : ITableWriter
{
    private readonly List<string> _lines = [string.Join(',', columns)];

    /// <summary>One row: a cell per column, in the columns' order.</summary>
    public void Add(params object?[] cells)
    {
        if (cells.Length != columns.Count)
        {
            throw new ArgumentException($"a row of {cells.Length} cells in a table of {columns.Count} columns");
        }
        _lines.Add(string.Join(',', cells.Select(Format)));
    }

    public int Rows => _lines.Count - 1;

    public void Write(string path) => File.WriteAllText(path, string.Join('\n', _lines) + "\n", new UTF8Encoding(false));

    /// <summary>
    /// A cell as the CSV prints it: doubles (energies, powers, ratios) to 1e-6; decimals (tokens) to the nano-token (9),
    /// so money sums exactly; instants as ISO UTC to the second. A Parquet cell read back prints the same.
    /// </summary>
    public static string Format(object? cell) => cell switch
    {
        null => "",
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        string s => s.Contains(',') || s.Contains('"') ? $"\"{s.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : s,
        double d => double.IsFinite(d) ? (d == 0 ? 0.0 : d).ToString("0.######", CultureInfo.InvariantCulture) : "",
        decimal m => m.ToString("0.#########", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? "",
    };
}
