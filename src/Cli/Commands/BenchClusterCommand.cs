using System.ComponentModel;
using MicroMarket.Cli.Bench;
using Spectre.Console.Cli;

namespace MicroMarket.Cli.Commands;

/// <summary>`micromarket bench cluster [SCENARIO]`: one process against a market node and sim nodes on loopback, same scenario and seed.</summary>
public sealed class BenchClusterCommand : AsyncCommand<BenchClusterCommand.Settings>
{
    public const string DefaultScenario = "scenarios/ieee-eu-lv-apartments.yaml";

    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[SCENARIO]")]
        [Description("the scenario (default " + DefaultScenario + ", 551 units)")]
        public string Scenario { get; init; } = DefaultScenario;

        [CommandOption("--sim-nodes <N>")]
        [Description("sim nodes besides the market node; default 2 (three processes)")]
        public int SimNodes { get; init; } = 2;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.SimNodes < 1)
        {
            throw new BadInputException("bench cluster: --sim-nodes must be at least 1");
        }
        var scenario = ScenarioRuns.LoadScenario(settings.Scenario, seed: null);
        var runs = await new ClusterBenchmark(GlobalOptions.Info).RunAsync(scenario, settings.Scenario, settings.SimNodes, cancellationToken);
        var single = runs[0].Wall;
        Console.Out.WriteLine($"{scenario.Name}: {scenario.Units.Count} units, {scenario.Time.Days} day(s), seed {scenario.Seed}");
        Console.Out.WriteLine();
        Console.Out.WriteLine("| setup | wall | vs one process | inter-node messages | rate | volume |");
        Console.Out.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var run in runs)
        {
            Console.Out.WriteLine(run.InterNodeMessages == 0
                ? FormattableString.Invariant($"| {run.Setup} | {run.Wall.TotalSeconds:0.0} s | 1.00 x | - | - | - |")
                : FormattableString.Invariant($"| {run.Setup} | {run.Wall.TotalSeconds:0.0} s | {run.Wall / single:0.00} x | {run.InterNodeMessages:N0} | {run.InterNodeMessages / run.Wall.TotalSeconds:N0} msg/s | {run.InterNodeMegabytes:0.0} MB |"));
        }
        return MicroMarketApp.ExitOk;
    }
}
