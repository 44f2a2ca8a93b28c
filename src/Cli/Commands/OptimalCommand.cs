using MicroMarket.RunFormat;
using System.ComponentModel;
using System.Globalization;
using MicroMarket.Optimal;
using MicroMarket.Scenarios.Model;
using MicroMarket.Simulation.Decisions;
using Spectre.Console.Cli;

namespace MicroMarket.Cli.Commands;

/// <summary>
/// `micromarket optimal SCENARIO [--out DIR] [--seed N] [--time-limit S] [--gap G]`: the island's optimal unit
/// commitment and dispatch on the scenario's actuals (the same the run's agents see for the same seed), a lower
/// bound on the fuel of any run; totals on stdout, optimal.json and optimal-slots.csv in the directory.
/// </summary>
public sealed class OptimalCommand : Command<OptimalCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<SCENARIO>")]
        [Description("scenario file (YAML; see docs/scenarios.md); an island")]
        public string Scenario { get; init; } = "";

        [CommandOption("--out <DIR>")]
        [Description("where optimal.json and optimal-slots.csv go (default runs/<name>-seed<seed>, beside the run's files)")]
        public string? Out { get; init; }

        [CommandOption("--seed <N>")]
        [Description("override the scenario's seed (use the run's, to compare with it)")]
        public int? Seed { get; init; }

        [CommandOption("--time-limit <S>")]
        [Description("stop the search after this many seconds, with the best solution and its gap (default 120)")]
        public double TimeLimit { get; init; } = 120;

        [CommandOption("--gap <G>")]
        [Description("relative MIP gap at which the optimum counts as proven (default 0.0001)")]
        public double Gap { get; init; } = 1e-4;

        public override Spectre.Console.ValidationResult Validate() =>
            !(TimeLimit > 0) ? Spectre.Console.ValidationResult.Error($"--time-limit {TimeLimit}: seconds > 0")
            : !(Gap is >= 0 and < 1) ? Spectre.Console.ValidationResult.Error($"--gap {Gap}: a fraction, at least 0 and below 1")
            : Spectre.Console.ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var scenario = ScenarioRuns.LoadScenario(settings.Scenario, settings.Seed);
        if (scenario.Mode is not IslandMode)
        {
            throw new BadInputException($"optimal: {settings.Scenario} is grid-connected; the optimal reference is for islands");
        }
        var output = settings.Out ?? Path.Combine("runs", $"{scenario.Name}-seed{scenario.Seed}");
        // Before the solver's minutes: a folder it could not write to is the user's to fix now.
        try
        {
            Directory.CreateDirectory(output);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"optimal: --out {output}: cannot write there ({ex.Message}): choose a directory you can write to");
        }
        if (Solve(scenario, new SolveOptions(TimeSpan.FromSeconds(settings.TimeLimit), settings.Gap), lossFactor: 0.0) is not { } solution)
        {
            return MicroMarketApp.ExitFailure;
        }
        OptimalOutput.Write(output, solution);
        foreach (var line in OptimalOutput.Describe(solution))
        {
            Console.Out.WriteLine(line);
        }
        Console.Out.WriteLine($"written: {Path.GetFullPath(Path.Combine(output, RunDirectory.OptimalTotals))}, {RunDirectory.OptimalSlots}");
        return MicroMarketApp.ExitOk;
    }

    /// <summary>Builds and solves the scenario's island, saying so on stderr; null when the solver found nothing, which it says in one line.</summary>
    public static IslandSolution? Solve(Scenario scenario, SolveOptions options, double lossFactor)
    {
        GlobalOptions.Info.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"optimal: solving {scenario.Name} (seed {scenario.Seed}, {scenario.Time.Days} days) with SCIP, gap {options.RelativeGap}, at most {options.TimeLimit.TotalSeconds:0.#} s"));
        var problem = IslandProblems.From(scenario, ScenarioSeries.Of(scenario), lossFactor);
        try
        {
            return IslandOptimizer.Solve(problem, options);
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine($"micromarket: optimal: {ex.Message}");
            return null;
        }
    }
}
