namespace MicroMarket.Cli.Bench;

/// <summary>
/// The files of a run directory that the same scenario and seed must reproduce byte for byte:
/// every table and JSON file except timing.json, which holds wall-clock figures by design.
/// </summary>
public static class ReproducibleFiles
{
    /// <summary>The reproducible files of run directory <paramref name="a"/> whose bytes differ in <paramref name="b"/>.</summary>
    public static IReadOnlyList<string> Differences(string a, string b) => Directory.EnumerateFiles(a)
        .Select(f => Path.GetFileName(f))
        .Where(f => Path.GetExtension(f) is ".csv" or ".json" && f != "timing.json")
        .Order(StringComparer.Ordinal)
        .Where(f => !File.ReadAllBytes(Path.Combine(a, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b, f))))
        .ToList();
}
