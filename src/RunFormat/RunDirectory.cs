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

    /// <summary>The island's optimum on the run's actuals (<c>run --with-optimal</c>, <c>micromarket optimal</c>): its totals and its slots.</summary>
    public const string OptimalTotals = "optimal.json";

    public const string OptimalSlots = "optimal-slots.csv";

    /// <summary>The files the same scenario and seed reproduce byte for byte, on one process or a cluster: every table and JSON file but <see cref="Timing"/>.</summary>
    public static IReadOnlyList<string> Reproducible { get; } = [Units, Slots, Orders, Transactions, Buses, Lines, Summary, Chain];

    /// <summary>Every file and folder a run writes into its directory: what the next run there replaces, and nothing else.</summary>
    public static IReadOnlyList<string> Written { get; } = [ResolvedScenario, .. Reproducible, Timing, Report, Figures, OptimalTotals, OptimalSlots];

    /// <summary>The reproducible files of run directory <paramref name="a"/> whose bytes differ in <paramref name="b"/> (or that one of them lacks).</summary>
    public static IReadOnlyList<string> Differences(string a, string b) => Reproducible
        .Where(f => !File.Exists(Path.Combine(a, f)) || !File.Exists(Path.Combine(b, f))
            || !File.ReadAllBytes(Path.Combine(a, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b, f))))
        .ToList();

    /// <summary>The entries of <paramref name="directory"/> (names) that no run writes: another program's files, which a run must not mix with.</summary>
    public static IReadOnlyList<string> ForeignEntries(string directory) =>
        Directory.Exists(directory)
            ? Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).OfType<string>().Where(e => !Written.Contains(e)).Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>Whether <paramref name="directory"/> holds any file a run writes.</summary>
    public static bool HoldsRun(string directory) => Written.Any(e => Path.Exists(Path.Combine(directory, e)));

    /// <summary>Creates <paramref name="directory"/> if missing and removes an earlier run's results from it (only what a run writes), so that nothing stale reads as the next run's.</summary>
    public static void Clear(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var entry in Written)
        {
            var path = Path.Combine(directory, entry);
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
            else
            {
                File.Delete(path);
            }
        }
    }
}
