using System.Diagnostics;
using System.Text.Json.Nodes;
using MicroMarket.Experiments.Sweep;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Experiments;

namespace MicroMarket.Cli.Bench;

/// <summary>What `bench sweep` measured: loading an experiment of that many runs (every run's scenario bound), and writing its tables, each time.</summary>
public sealed record SweepBenchResult(int Runs, TimeSpan Loading, IReadOnlyList<TimeSpan> Tables)
{
    public TimeSpan Mean => TimeSpan.FromTicks((long)Tables.Average(t => t.Ticks));
}

/// <summary>
/// `micromarket bench sweep`: issue 16's "the sweep table for 1 000 runs is written in under 5 s". An experiment of the
/// quickstart over N seeds is loaded (every run's scenario bound, as `sweep` and `validate` do); each run's directory is
/// then given its resolved scenario and the summary.json of a synthetic run (<see cref="SyntheticRun"/>) with its KPIs
/// varied by run, so the sweep counts every run finished; and the tables (results.csv, results.parquet, effects.csv:
/// every run's summary read and checked against its scenario, the statistics) are written several times, each timed
/// with a Stopwatch. No chain runs: the runs' own time is `micromarket sweep`'s, in the README.
/// </summary>
public sealed class SweepBenchmark(TextWriter log)
{
    public SweepBenchResult Run(int runs, int repeats, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("micromarket-bench-sweep-");
        try
        {
            var quickstart = Path.Combine(AppContext.BaseDirectory, "scenarios", "quickstart.yaml");
            var file = Path.Combine(folder.FullName, "experiment.yaml");
            File.WriteAllText(file, $"scenario: {quickstart}\nseeds: {{ seed: {runs} }}\nkpis: [self_sufficiency, fuel_cost, day_ahead_price.mean]\n");
            log.WriteLine($"bench sweep: loading an experiment of {runs} runs");
            var clock = Stopwatch.StartNew();
            var experiment = ExperimentLoader.Load(file);
            var loading = clock.Elapsed;

            log.WriteLine($"bench sweep: {runs} finished runs (synthetic summaries)");
            var directory = new SweepDirectory(Path.Combine(folder.FullName, "sweep"));
            directory.Prepare(experiment);
            var template = Path.Combine(folder.FullName, "template");
            SyntheticRun.Write(template, days: 1);
            var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(template, RunDirectory.Summary)))!;
            for (var i = 0; i < experiment.Runs.Count; i++)
            {
                var run = experiment.Runs[i];
                var runDirectory = Directory.CreateDirectory(directory.RunDirectory(run)).FullName;
                File.WriteAllText(Path.Combine(runDirectory, RunDirectory.ResolvedScenario), SweepDirectory.ScenarioText(run));
                summary["kpis"]!["self_sufficiency"] = 0.4 + i % 97 / 1000.0;
                summary["kpis"]!["fuel_cost"] = 10 + i % 89 / 10.0;
                File.WriteAllText(Path.Combine(runDirectory, RunDirectory.Summary), summary.ToJsonString());
            }

            var tables = new List<TimeSpan>();
            for (var r = 0; r < repeats; r++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                clock.Restart();
                var rows = SweepTables.Read(experiment, directory);
                SweepTables.WriteResults(experiment, rows, directory);
                SweepTables.WriteEffects(experiment, SweepTables.Effects(experiment, rows), directory);
                tables.Add(clock.Elapsed);
                if (rows.Count(row => row.Complete) != runs)
                {
                    throw new InvalidOperationException($"bench sweep: {rows.Count(row => row.Complete)} of {runs} synthetic runs read as finished");
                }
                log.WriteLine($"bench sweep: tables {r + 1}/{repeats}: {clock.Elapsed.TotalSeconds:0.00} s");
            }
            return new SweepBenchResult(runs, loading, tables);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
