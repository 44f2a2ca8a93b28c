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

    /// <summary>The report's KPIs per calendar month, for a long run's seasons (docs/report.md).</summary>
    public const string Monthly = "monthly.csv";

    /// <summary>The folder of the report's figures.</summary>
    public const string Figures = "figures";

    /// <summary>
    /// The folder where a market node keeps what it needs to resume the run (<c>node --resume</c>, docs/cluster.md):
    /// replaced whole after each phase, removed when the run completes.
    /// </summary>
    public const string Checkpoint = "checkpoint";

    /// <summary>The island's optimum on the run's actuals (<c>run --with-optimal</c>, <c>micromarket optimal</c>): its totals and its slots.</summary>
    public const string OptimalTotals = "optimal.json";

    public const string OptimalSlots = "optimal-slots.csv";

    /// <summary>
    /// The per-slot tables, by their CSV names: a run writes each either as CSV or as Parquet under
    /// <see cref="TableFile"/>'s name, never both. buses.csv and lines.csv (a row per bus or line) stay CSV.
    /// </summary>
    public static IReadOnlyList<string> PerSlotTables { get; } = [Units, Slots, Orders, Transactions];

    /// <summary>The file of table <paramref name="table"/> (a <see cref="PerSlotTables"/> name) in <paramref name="format"/>: units.csv or units.parquet.</summary>
    public static string TableFile(string table, TableFormat format) =>
        format == TableFormat.Parquet ? Path.ChangeExtension(table, ".parquet") : table;

    /// <summary>The files the same scenario and seed reproduce byte for byte, on one process or a cluster: every table (in either format) and JSON file but <see cref="Timing"/>.</summary>
    public static IReadOnlyList<string> Reproducible { get; } =
        [.. PerSlotTables, .. PerSlotTables.Select(t => TableFile(t, TableFormat.Parquet)), Buses, Lines, Summary, Chain];

    /// <summary>Where a file is written until it is whole: a reader that finds the file's own name finds all of it.</summary>
    public static string Partial(string path) => path + ".partial";

    private static readonly string[] Finished = [ResolvedScenario, .. Reproducible, Timing, Report, Monthly, Figures, OptimalTotals, OptimalSlots, Checkpoint];

    /// <summary>
    /// Every file and folder a run writes into its directory: what the next run there replaces, and nothing else. A
    /// process killed while writing leaves a file's <see cref="Partial"/> name behind, which is the run's too.
    /// </summary>
    public static IReadOnlyList<string> Written { get; } = [.. Finished, .. Finished.Select(Partial)];

    /// <summary>
    /// The reproducible files of run directory <paramref name="a"/> whose bytes differ in <paramref name="b"/> (or that one of
    /// them lacks); a per-slot table both lack in one format counts only if neither has it in the other.
    /// </summary>
    public static IReadOnlyList<string> Differences(string a, string b) => Reproducible
        .Where(f => File.Exists(Path.Combine(a, f)) != File.Exists(Path.Combine(b, f))
            || (File.Exists(Path.Combine(a, f))
                ? !File.ReadAllBytes(Path.Combine(a, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b, f)))
                : !File.Exists(Path.Combine(a, Twin(f)))))
        .ToList();

    /// <summary>The other format's file of a per-slot table (units.parquet for units.csv and back); any other file is its own.</summary>
    private static string Twin(string file) =>
        PerSlotTables.Contains(file) ? TableFile(file, TableFormat.Parquet)
        : PerSlotTables.FirstOrDefault(t => TableFile(t, TableFormat.Parquet) == file) ?? file;

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
