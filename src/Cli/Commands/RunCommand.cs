using System.ComponentModel;
using System.Globalization;
using MicroMarket.Agents.Running;
using MicroMarket.Simulation;
using MicroMarket.Scenarios;
using MicroMarket.Scenarios.Model;
using Spectre.Console;
using Spectre.Console.Cli;
using MicroMarket.Simulation.Running;

namespace MicroMarket.Cli.Commands;

/// <summary>
/// `micromarket run SCENARIO [--out DIR] [--seed N] [--chain anvil|URL]`: runs a scenario end to
/// end (Anvil started and stopped by the program unless a URL is given) and writes the run
/// directory. A bad scenario lists every error with file:line:column and exits 2 before anything
/// starts; Ctrl+C finishes the phase under way and leaves a partial run marked incomplete.
/// </summary>
public sealed class RunCommand : AsyncCommand<RunCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<SCENARIO>")]
        [Description("scenario file (YAML; see docs/scenarios.md)")]
        public string Scenario { get; init; } = "";

        [CommandOption("--out <DIR>")]
        [Description("run directory (default runs/<name>-seed<seed>)")]
        public string? Out { get; init; }

        [CommandOption("--seed <N>")]
        [Description("override the scenario's seed")]
        public int? Seed { get; init; }

        [CommandOption("--chain <CHAIN>")]
        [Description("anvil (default: start a local Anvil) or the JSON-RPC URL of an Anvil node")]
        public string Chain { get; init; } = "anvil";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var scenario = Load(settings);
        var chainUrl = ParseChain(settings.Chain);
        var output = settings.Out ?? Path.Combine("runs", $"{scenario.Name}-seed{scenario.Seed}");
        ScenarioRuns.Prepare(output, scenario);

        var result = await RunWithProgressAsync(scenario, new RunOptions(output, chainUrl), cancellationToken);
        return ScenarioRuns.Finish(result);
    }

    private static Scenario Load(Settings settings) => ScenarioRuns.LoadScenario(settings.Scenario, settings.Seed);

    private static Uri? ParseChain(string chain) =>
        chain.Equals("anvil", StringComparison.OrdinalIgnoreCase) ? null
        : Uri.TryCreate(chain, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" ? url
        : throw new BadInputException($"run: --chain '{chain}' is neither 'anvil' nor an http(s) URL");

    /// <summary>A live line on stderr: day, slot, phase and transactions per second.</summary>
    private static async Task<RunResult> RunWithProgressAsync(Scenario scenario, RunOptions options, CancellationToken cancellationToken)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return await console.Status().StartAsync($"starting {scenario.Name}", async status =>
            await SimulationRunner.RunAsync(scenario, options with
            {
                Progress = p => status.Status(Describe(scenario, p)),
            }, cancellationToken));
    }

    private static string Describe(Scenario scenario, RunProgress p)
    {
        var slotsPerDay = scenario.Time.SlotsPerDay;
        var where = p.Phase.Kind switch
        {
            PhaseKind.Delivery or PhaseKind.FinalSettlement => $"day {p.Phase.Period / slotsPerDay + 1}/{scenario.Time.Days} slot {p.Phase.Period % slotsPerDay + 1}/{slotsPerDay}",
            PhaseKind.IntradayBidding or PhaseKind.IntradayClearing => $"day {p.Phase.Period / 24 + 1}/{scenario.Time.Days} hour {p.Phase.Period % 24}",
            _ => $"day {p.Phase.Period + 1}/{scenario.Time.Days}",
        };
        var rate = p.TransactionsMined / Math.Max(p.Elapsed.TotalSeconds, 1e-3);
        return string.Create(CultureInfo.InvariantCulture, $"{where} · {p.Phase.Kind} · phase {p.PhaseIndex + 1}/{p.PhaseCount} · {p.TransactionsMined} tx · {rate:0} tx/s");
    }
}
