using System.Reflection;

namespace MicroMarket.Grid.Networks;

/// <summary>
/// The data files shipped inside the assembly (src/Grid/Data, embedded so that they load from any working
/// directory and in a published app). Names are paths under Data/ with '/' separators.
/// </summary>
public static class EmbeddedData
{
    private static readonly Assembly Assembly = typeof(EmbeddedData).Assembly;

    /// <summary>Every embedded data file, e.g. "ieee-eu-lv/network/Lines.csv".</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Assembly.GetManifestResourceNames().Order(StringComparer.Ordinal)];

    /// <summary>The text of one embedded file.</summary>
    public static string ReadText(string name)
    {
        using var stream = Assembly.GetManifestResourceStream(name)
            ?? throw new FileNotFoundException($"no embedded data file '{name}'", name);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    internal static CsvRows ReadCsv(string name) => CsvRows.Parse(name, ReadText(name));
}
