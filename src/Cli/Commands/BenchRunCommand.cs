using System.ComponentModel;
using MicroMarket.Cli.Bench;
using Spectre.Console.Cli;

namespace MicroMarket.Cli.Commands;

/// <summary>`micromarket bench run [SCENARIO...] [--runs N]`: end-to-end wall time of whole runs and their reports.</summary>
public sealed class BenchRunCommand : AsyncCommand<BenchRunCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[SCENARIOS]")]
        [Description("scenario files (default scenarios/quickstart.yaml and scenarios/ieee-eu-lv-prosumers.yaml)")]
        public string[] Scenarios { get; init; } = [];

        [CommandOption("--runs <N>")]
        [Description("timed runs per scenario; default 3")]
        public int Runs { get; init; } = 3;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Runs < 1)
        {
            throw new BadInputException("bench run: --runs must be at least 1");
        }
        string[] paths = settings.Scenarios.Length > 0 ? settings.Scenarios : ["scenarios/quickstart.yaml", "scenarios/ieee-eu-lv-prosumers.yaml"];
        var scenarios = paths.Select(p => ScenarioRuns.LoadScenario(p, seed: null)).ToList();
        var results = new List<ScenarioBenchResult>();
        foreach (var scenario in scenarios)
        {
            results.Add(await new ScenarioBenchmark(GlobalOptions.Info).RunAsync(scenario, settings.Runs, cancellationToken));
        }
        Console.Out.WriteLine("| scenario | units | runs | wall, mean (min - max) | report | transactions | tx per participant-day | gas per participant-day |");
        Console.Out.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            var report = r.Reports.Count > 0 ? FormattableString.Invariant($"{r.Reports.Average(t => t.TotalSeconds):0.00} s") : "-";
            Console.Out.WriteLine(FormattableString.Invariant(
                $"| {r.Scenario} | {r.Units} | {r.Runs.Count} | {r.Mean.TotalSeconds:0.0} s ({r.Min.TotalSeconds:0.0} - {r.Max.TotalSeconds:0.0}) | {report} | {r.Transactions:N0} | {r.TransactionsPerParticipantDay:0.0} | {r.GasPerParticipantDay:N0} |"));
        }
        Console.Out.WriteLine();
        Console.Out.WriteLine("| scenario | transactions by purpose | count | gas per participant-day |");
        Console.Out.WriteLine("|---|---|---:|---:|");
        foreach (var r in results)
        {
            foreach (var (purpose, count, gas) in r.ByPurpose)
            {
                Console.Out.WriteLine(FormattableString.Invariant($"| {r.Scenario} | {purpose} | {count:N0} | {gas / 1e6:0.00} M |"));
            }
        }
        return MicroMarketApp.ExitOk;
    }
}
