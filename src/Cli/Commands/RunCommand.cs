using System.ComponentModel;
using System.Globalization;
using MicroMarket.Agents.Running;
using MicroMarket.Optimal;
using MicroMarket.RunFormat;
using MicroMarket.Simulation;
using MicroMarket.Scenarios;
using MicroMarket.Scenarios.Model;
using Spectre.Console;
using Spectre.Console.Cli;
using MicroMarket.Simulation.Running;

namespace MicroMarket.Cli.Commands;

/// <summary>
/// `micromarket run SCENARIO [--out DIR] [--seed N] [--chain anvil|URL] [--format csv|parquet|auto] [--with-optimal]`: runs a scenario end to
/// end (Anvil started and stopped by the program unless a URL is given) and writes the run
/// directory; with --with-optimal an island's run is then measured against its optimal reference. A bad scenario lists every error with file:line:column and exits 2 before anything
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
        [Description("override the scenario's seed (a stream named under seeds: keeps its own)")]
        public int? Seed { get; init; }

        [CommandOption("--chain <CHAIN>")]
        [Description("anvil (default: start a local Anvil) or the JSON-RPC URL of an Anvil or Hardhat node whose clock is before the market opens")]
        public string Chain { get; init; } = "anvil";

        [CommandOption("--force")]
        [Description("write into --out even if it holds another scenario's run or other files: a run's own files are replaced, others left")]
        public bool Force { get; init; }

        [CommandOption("--format <FORMAT>")]
        [Description("the per-slot tables (units, slots, orders, transactions): csv, parquet, or auto (default: parquet when the run is longer than --parquet-after-days)")]
        public string Format { get; init; } = "auto";

        [CommandOption("--parquet-after-days <DAYS>")]
        [Description("with --format auto, the longest run still written as CSV (default 31)")]
        public int ParquetAfterDays { get; init; } = TableFormatChoice.DefaultParquetAfterDays;

        [CommandOption("--with-optimal")]
        [Description("after the run, solve the island's optimum on the same actuals and add it to summary.json (see micromarket optimal)")]
        public bool WithOptimal { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var scenario = Load(settings);
        var chainUrl = ParseChain(settings.Chain);
        var tables = ParseFormat(settings);
        if (settings.WithOptimal && scenario.Mode is not IslandMode)
        {
            throw new BadInputException($"run: --with-optimal: {settings.Scenario} is grid-connected; the optimal reference is for islands");
        }
        var output = settings.Out ?? Path.Combine("runs", $"{scenario.Name}-seed{scenario.Seed}");
        if (chainUrl is not null)
        {
            await ScenarioRuns.CheckChainAsync(chainUrl, "--chain");
        }
        ScenarioRuns.Prepare(output, scenario, settings.Force);

        var result = await ScenarioRuns.InDirectoryAsync(output, scenario, () =>
            RunWithProgressAsync(scenario, new RunOptions(output, chainUrl) { Tables = tables, StopCause = () => StopSignals.Current?.First, LogLevel = GlobalOptions.ActorLogLevel }, cancellationToken));
        // A run the solver could not measure is still finished (its checks, its report), then fails.
        var measured = !settings.WithOptimal || !result.Complete || CompareWithOptimal(scenario, result);
        var exit = ScenarioRuns.Finish(result);
        return measured ? exit : MicroMarketApp.ExitFailure;
    }

    /// <summary>
    /// Solves the optimum with the run's own loss factor (losses per kWh consumed), writes its files beside the run's
    /// and its comparison into summary.json. False when the solver found nothing (it said why).
    /// </summary>
    private static bool CompareWithOptimal(Scenario scenario, RunResult result)
    {
        var lossFactor = result.Kpis.ConsumptionKwh > 0 ? result.Kpis.LossesKwh / result.Kpis.ConsumptionKwh : 0.0;
        if (OptimalCommand.Solve(scenario, SolveOptions.Default, lossFactor) is not { } optimum)
        {
            return false;
        }
        OptimalOutput.Write(result.OutputDirectory, optimum);
        var summary = RunJson.Read<RunSummary>(result.OutputDirectory, RunDirectory.Summary);
        var comparison = RunComparison.Of(result.OutputDirectory, optimum);
        RunJson.Write(result.OutputDirectory, RunDirectory.Summary, summary with { Optimal = comparison });
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"optimal: {optimum.Fuel:0.###} {optimum.FuelUnit}, {optimum.Starts} starts ({optimum.Status}, gap {optimum.MipGap:0.######}); fuel_gap {comparison.FuelGap:0.###}, starts_ratio {comparison.StartsRatio:0.##}"));
        return true;
    }

    private static Scenario Load(Settings settings) => ScenarioRuns.LoadScenario(settings.Scenario, settings.Seed);

    private static TableFormatChoice ParseFormat(Settings settings) =>
        settings.ParquetAfterDays < 0 ? throw new BadInputException($"run: --parquet-after-days {settings.ParquetAfterDays} is negative")
        : settings.Format.ToLowerInvariant() switch
        {
            "auto" => new TableFormatChoice(null, settings.ParquetAfterDays),
            "csv" => new TableFormatChoice(TableFormat.Csv),
            "parquet" => new TableFormatChoice(TableFormat.Parquet),
            _ => throw new BadInputException($"run: --format '{settings.Format}' is none of csv, parquet, auto"),
        };

    private static Uri? ParseChain(string chain) =>
        chain.Equals("anvil", StringComparison.OrdinalIgnoreCase) ? null
        : Uri.TryCreate(chain, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" ? url
        : throw new BadInputException($"run: --chain '{chain}' is neither 'anvil' nor an http(s) URL");

    /// <summary>
    /// A live line on stderr: day, slot, phase and transactions per second; none with --quiet, and with --verbose a
    /// line per phase that stays (a log to scroll back through).
    /// </summary>
    private static async Task<RunResult> RunWithProgressAsync(Scenario scenario, RunOptions options, CancellationToken cancellationToken)
    {
        if (GlobalOptions.Quiet || GlobalOptions.Verbose)
        {
            return await SimulationRunner.RunAsync(scenario, options with { Progress = p => GlobalOptions.Info.WriteLine(Describe(scenario, p)) }, cancellationToken);
        }
        var console = ForgivingConsole.ForProgress();
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
        var rate = p.MarketTransactions / Math.Max(p.Elapsed.TotalSeconds, 1e-3);
        return string.Create(CultureInfo.InvariantCulture, $"{where} · {p.Phase.Kind} · phase {p.PhaseIndex + 1}/{p.PhaseCount} · {p.MarketTransactions} tx · {rate:0} tx/s · {p.Pace(scenario.Time.Days)}");
    }
}
