using System.Globalization;
using System.Text;

namespace MicroMarket.RunFormat;

/// <summary>
/// Writes one of a run directory's tidy CSV tables byte-for-byte reproducibly: its header, then one line per row;
/// invariant culture, fixed decimals per column kind, empty cells for "not applicable", double quotes around a
/// field holding a comma or a quote, LF line ends. <see cref="CsvTableReader"/> reads it back. It holds the table until
/// <see cref="Write"/>: for the small ones (a row per bus, line or month); the per-slot tables stream through
/// <see cref="CsvTableStream"/>.
/// </summary>
public sealed class CsvTableWriter(IReadOnlyList<string> columns)
{
    private readonly List<string> _lines = [Header(columns)];

    /// <summary>One row: a cell per column, in the columns' order.</summary>
    public void Add(params object?[] cells) => _lines.Add(Line(columns, cells));

    internal static string Header(IReadOnlyList<string> columns) => string.Join(',', columns);

    /// <summary>A row's line, without its LF.</summary>
    internal static string Line(IReadOnlyList<string> columns, object?[] cells) => cells.Length == columns.Count
        ? string.Join(',', cells.Select(Format))
        : throw new ArgumentException($"a row of {cells.Length} cells in a table of {columns.Count} columns");

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
