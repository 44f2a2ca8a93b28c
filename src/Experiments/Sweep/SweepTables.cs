using System.Globalization;
using MicroMarket.Experiments.Statistics;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Experiments;
using MicroMarket.Scenarios.Model;

namespace MicroMarket.Experiments.Sweep;

/// <summary>One run's row: its place in the experiment and its KPIs (null without results).</summary>
public sealed record SweepRow(ExperimentRun Run, bool Complete, IReadOnlyDictionary<string, double?>? Kpis);

/// <summary>One KPI at one level: its spread over the level's complete runs and, but for the baseline, its paired difference from the baseline.</summary>
/// <param name="Summary">Over the level's complete runs with a value; null when none has one.</param>
/// <param name="Difference">Level minus baseline over the seeds both have a value for; null for the baseline, or without a pair.</param>
public sealed record SweepEffect(ExperimentLevel Level, string Kpi, SampleSummary? Summary, PairedDifference? Difference);

/// <summary>
/// The tables over a sweep's runs (docs/experiments.md): <c>results.csv</c> and <c>results.parquet</c>, a row per run
/// with a column per override, per seed and per KPI; <c>effects.csv</c>, a row per level and KPI of interest with its
/// mean, standard deviation and 95 % t interval, and its paired difference from the baseline level over common seeds
/// (mean, 95 % t interval, paired-t p-value, 95 % percentile-bootstrap interval). Only complete runs count.
/// </summary>
public static class SweepTables
{
    /// <summary>Each run's row, read from its directory.</summary>
    public static IReadOnlyList<SweepRow> Read(Experiment experiment, SweepDirectory directory) =>
        [.. experiment.Runs.Select(run => directory.Summary(run) is { } summary
            ? new SweepRow(run, summary.Complete, KpiValues.Of(summary.Kpis))
            : new SweepRow(run, false, null))];

    /// <summary>results.csv and results.parquet: every run, every override, every seed, every KPI.</summary>
    public static void WriteResults(Experiment experiment, IReadOnlyList<SweepRow> rows, SweepDirectory directory)
    {
        List<TableColumn> columns =
        [
            new("run", CellType.Text), new("level", CellType.Text), new("complete", CellType.Bool),
            .. experiment.Overrides.Select(o => new TableColumn(o, CellType.Text)),
            new("seed", CellType.Int), .. SeedStreams.Names.Select(s => new TableColumn($"seeds.{s}", CellType.Int)),
            .. KpiValues.Keys.Select(k => new TableColumn(k, CellType.Double)),
        ];
        foreach (var (format, file) in new[] { (TableFormat.Csv, SweepDirectory.Results), (TableFormat.Parquet, SweepDirectory.ResultsParquet) })
        {
            using var table = TableWriters.Create(format, columns, directory.PathOf(file));
            foreach (var row in rows)
            {
                var level = experiment.Levels[row.Run.Level];
                var scenario = row.Run.Scenario;
                table.Add([
                    row.Run.Id, level.Name, row.Complete,
                    .. level.Values,
                    scenario.Seed, .. scenario.Streams.Values.Cast<object?>(),
                    .. KpiValues.Keys.Select(k => (object?)(row.Complete ? row.Kpis![k] : null)),
                ]);
            }
            table.Complete();
        }
    }

    /// <summary>Every level's effect on every KPI of interest, level by level.</summary>
    public static IReadOnlyList<SweepEffect> Effects(Experiment experiment, IReadOnlyList<SweepRow> rows)
    {
        var complete = rows.Where(r => r.Complete).ToList();
        var effects = new List<SweepEffect>();
        foreach (var level in experiment.Levels)
        {
            for (var k = 0; k < experiment.Kpis.Count; k++)
            {
                var kpi = experiment.Kpis[k];
                var values = ValuesBySeeds(complete, level.Index, kpi);
                var summary = values.Count > 0 ? SampleSummary.Of([.. values.Values]) : null;
                PairedDifference? difference = null;
                if (level.Index != experiment.BaselineLevel)
                {
                    var baseline = ValuesBySeeds(complete, experiment.BaselineLevel, kpi);
                    var common = values.Keys.Where(baseline.ContainsKey).ToList();
                    // One generator seed per (level, KPI): the same sweep always prints the same bootstrap interval.
                    difference = common.Count > 0
                        ? PairedDifference.Of([.. common.Select(s => values[s])], [.. common.Select(s => baseline[s])], level.Index * 1_000 + k)
                        : null;
                }
                effects.Add(new SweepEffect(level, kpi, summary, difference));
            }
        }
        return effects;
    }

    /// <summary>effects.csv: a row per level and KPI of interest.</summary>
    public static void WriteEffects(Experiment experiment, IReadOnlyList<SweepEffect> effects, SweepDirectory directory)
    {
        var baseline = experiment.Levels[experiment.BaselineLevel].Name;
        var table = new CsvTableWriter([
            "level", .. experiment.Overrides, "kpi", "n", "mean", "sd", "ci95_low", "ci95_high",
            "baseline", "pairs", "diff_mean", "diff_ci95_low", "diff_ci95_high", "diff_p_value", "diff_bootstrap95_low", "diff_bootstrap95_high",
        ]);
        foreach (var e in effects)
        {
            var s = e.Summary;
            var d = e.Difference;
            table.Add([
                e.Level.Name, .. e.Level.Values, e.Kpi, s?.N ?? 0, s?.Mean, s?.StandardDeviation, s?.Low, s?.High,
                e.Level.Index == experiment.BaselineLevel ? null : baseline, d?.N, d?.MeanDifference, d?.Low, d?.High,
                d is null || double.IsNaN(d.PValue) ? null : d.PValue.ToString("G4", CultureInfo.InvariantCulture), d?.BootstrapLow, d?.BootstrapHigh,
            ]);
        }
        table.Write(directory.PathOf(SweepDirectory.Effects));
    }

    /// <summary>A level's values of <paramref name="kpi"/> keyed by the run's seeds (the pairing key), where it has one.</summary>
    private static Dictionary<string, double> ValuesBySeeds(List<SweepRow> complete, int level, string kpi) =>
        complete.Where(r => r.Run.Level == level && r.Kpis![kpi] is not null)
            .ToDictionary(r => string.Join(",", r.Run.Seeds), r => r.Kpis![kpi]!.Value, StringComparer.Ordinal);
}
