namespace MicroMarket.RunFormat;

/// <summary>
/// The files of a run directory (README, "The run directory"): their names, which of them the same scenario and
/// seed must reproduce byte for byte, and the removal of an earlier run's results before a run writes its own.
/// </summary>
public static class RunDirectory
{
    /// <summary>The scenario with every default and generated unit written out.</summary>
    public const string ResolvedScenario = "scenario.resolved.yaml";

    public const string Units = "units.csv";
    public const string Slots = "slots.csv";
    public const string Orders = "orders.csv";
    public const string Transactions = "transactions.csv";
    public const string Buses = "buses.csv";
    public const string Lines = "lines.csv";

    /// <summary>Status, KPIs and invariant checks; written last, so that one that exists describes everything before it.</summary>
    public const string Summary = "summary.json";

    public const string Chain = "chain.json";

    /// <summary>Wall-clock figures: the one file two runs of the same scenario and seed write differently.</summary>
    public const string Timing = "timing.json";

    public const string Report = "report.html";

    /// <summary>The folder of the report's figures.</summary>
    public const string Figures = "figures";

    /// <summary>The files the same scenario and seed reproduce byte for byte, on one process or a cluster: every table and JSON file but <see cref="Timing"/>.</summary>
    public static IReadOnlyList<string> Reproducible { get; } = [Units, Slots, Orders, Transactions, Buses, Lines, Summary, Chain];

    /// <summary>The reproducible files of run directory <paramref name="a"/> whose bytes differ in <paramref name="b"/> (or that one of them lacks).</summary>
    public static IReadOnlyList<string> Differences(string a, string b) => Reproducible
        .Where(f => !File.Exists(Path.Combine(a, f)) || !File.Exists(Path.Combine(b, f))
            || !File.ReadAllBytes(Path.Combine(a, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b, f))))
        .ToList();

    /// <summary>Creates <paramref name="directory"/> if missing and removes an earlier run's results from it, so that nothing stale reads as the next run's.</summary>
    public static void Clear(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var file in (string[])[ResolvedScenario, .. Reproducible, Timing, Report])
        {
            File.Delete(Path.Combine(directory, file));
        }
        var figures = Path.Combine(directory, Figures);
        if (Directory.Exists(figures))
        {
            Directory.Delete(figures, recursive: true);
        }
    }
}
