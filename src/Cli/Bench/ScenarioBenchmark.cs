using System.Diagnostics;
using MicroMarket.Agents.Running;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Model;
using MicroMarket.Simulation.Running;
#if REPORTING
using MicroMarket.Reporting;
#endif

namespace MicroMarket.Cli.Bench;

/// <summary>A scenario run end to end several times: wall time of each run (chain start to summary.json) and of its report.</summary>
/// <param name="ByPurpose">The run's transactions per purpose (transactions.csv): how many, and their share of the gas per participant-day.</param>
public sealed record ScenarioBenchResult(
    string Scenario, int Units, IReadOnlyList<TimeSpan> Runs, IReadOnlyList<TimeSpan> Reports, int Transactions, double? TransactionsPerParticipantDay, double? GasPerParticipantDay,
    IReadOnlyList<(string Purpose, int Transactions, double? GasPerParticipantDay)> ByPurpose)
{
    public TimeSpan Mean => TimeSpan.FromTicks((long)Runs.Average(r => r.Ticks));

    public TimeSpan Min => Runs.Min();

    public TimeSpan Max => Runs.Max();
}

/// <summary>
/// `micromarket bench run`: what a user waits for. Each run is `micromarket run` without the
/// progress display: Anvil started, contracts deployed, the whole timeline, tables and
/// summary.json, Anvil stopped, timed with a Stopwatch; then the figures and report.html. Every
/// run must complete with its invariants holding, and all runs of a scenario must write the same
/// bytes (the same seed), or the benchmark fails rather than print a figure for a wrong run.
/// </summary>
public sealed class ScenarioBenchmark(TextWriter log)
{
    public async Task<ScenarioBenchResult> RunAsync(Scenario scenario, int runs, CancellationToken cancellationToken)
    {
        var scratch = Directory.CreateTempSubdirectory("micromarket-bench-run-").FullName;
        try
        {
            var walls = new List<TimeSpan>();
            var reports = new List<TimeSpan>();
            RunResult? first = null;
            for (var i = 0; i < runs; i++)
            {
                var output = Path.Combine(scratch, $"run-{i}");
                var clock = Stopwatch.StartNew();
                var result = await SimulationRunner.RunAsync(scenario, new RunOptions(output), cancellationToken);
                walls.Add(clock.Elapsed);
                if (!result.Complete || !result.Verification.Holds)
                {
                    throw new InvalidOperationException($"{scenario.Name}: run {i + 1} failed: {result.Failure ?? "an invariant does not hold"}");
                }
                if (i > 0 && RunDirectory.Differences(Path.Combine(scratch, "run-0"), output) is { Count: > 0 } differing)
                {
                    throw new InvalidOperationException($"{scenario.Name}: run {i + 1} wrote a different {string.Join(", ", differing)} than run 1");
                }
                first ??= result;
#if REPORTING
                clock.Restart();
                RunReport.Write(output);
                reports.Add(clock.Elapsed);
#endif
                log.WriteLine($"{scenario.Name}: run {i + 1}/{runs}: {walls[^1].TotalSeconds:0.0} s{(reports.Count > i ? $", report {reports[^1].TotalSeconds:0.00} s" : "")}");
            }
            return new ScenarioBenchResult(scenario.Name, scenario.Units.Count, walls, reports, first!.Kpis.Transactions, first.Kpis.TransactionsPerParticipantDay,
                first.Kpis.GasPerParticipantDay, ByPurpose(Path.Combine(scratch, "run-0"), first.Kpis.GasPerParticipantDay));
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>
    /// Each purpose's transactions and its part of the run's gas per participant-day (its share of the gas times the
    /// whole: the same participants and delivered days divide every part), in the market's order.
    /// </summary>
    private static List<(string Purpose, int Transactions, double? GasPerParticipantDay)> ByPurpose(string runDirectory, double? gasPerParticipantDay)
    {
        var table = TableReader.Open(runDirectory, RunDirectory.Transactions, TransactionsCsv.Purpose, TransactionsCsv.GasUsed);
        var totals = PurposeTotals.Of(table.Records().Select(r => (r.RequiredText(TransactionsCsv.Purpose), r.NullableLong(TransactionsCsv.GasUsed))));
        var all = (double)totals.Sum(t => t.Gas);
        return [.. totals.Select(t => (t.Purpose, t.Transactions, gasPerParticipantDay * (all > 0 ? t.Gas / all : 0)))];
    }
}
