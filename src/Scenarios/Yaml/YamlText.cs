using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace MicroMarket.Scenarios.Yaml;

/// <summary>
/// Scalars formatted for YAML the same way on every machine: invariant culture, shortest round-trip doubles,
/// prices without trailing zeros, text plain when that is unambiguous and double-quoted otherwise.
/// </summary>
internal static partial class YamlText
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase) { "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~" };

    public static string Text(string value) =>
        PlainText().IsMatch(value) && !Reserved.Contains(value) ? value : Quoted(value);

    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Token amounts have at most 6 decimals (the loader enforces it), so this is exact.</summary>
    public static string Money(decimal value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    public static string Flag(bool value) => value ? "true" : "false";

    /// <summary>Quoted, since a plain 12:00 is a base-60 number to YAML 1.1 readers.</summary>
    public static string Clock(TimeOnly value) => Quoted(value.ToString("HH:mm", CultureInfo.InvariantCulture));

    public static string Date(DateOnly value) => value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Quoted(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                '\r' => "\\r",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        return text.Append('"').ToString();
    }

    // Starts with a letter, '_' or '/', then no character that YAML (block or flow) would read as syntax.
    [GeneratedRegex("^[A-Za-z_/][A-Za-z0-9_./-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainText();
}
