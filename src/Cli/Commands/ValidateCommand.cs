using System.ComponentModel;
using System.Globalization;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Experiments;
using MicroMarket.Scenarios.Model;
using MicroMarket.Simulation.Running;
using Spectre.Console.Cli;

namespace MicroMarket.Cli.Commands;

/// <summary>
/// `micromarket validate SCENARIO|EXPERIMENT [--seed N]`: every check `run` makes before it starts anything (the file, each error
/// with file:line:column, then the plan every node derives from it: the feeder, the calendar, each unit's agent), and
/// what the run would be: its units by kind, days and slots, participants, and its expected transactions, gas and wall
/// time (<see cref="RunEstimate"/>). An experiment (a file naming a base <c>scenario</c>) is checked as `sweep` checks it,
/// every run's scenario and plan included, and summed up: its levels, seeds, runs and their expected cost.
/// Starts no chain and writes nothing; exit 0 valid, 2 not.
/// </summary>
public sealed class ValidateCommand : Command<ValidateCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("scenario file (docs/scenarios.md) or experiment file (docs/experiments.md)")]
        public string Scenario { get; init; } = "";

        [CommandOption("--seed <N>")]
        [Description("override the scenario's seed, as run does")]
        public int? Seed { get; init; }
    }

    /// <summary>The invariant culture, with numbers grouped as the README writes them: 35 040, not 35,040.</summary>
    private static readonly CultureInfo Grouped = GroupedBySpaces();

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        InputFiles.Require(settings.Scenario, "scenario or experiment file", "validate: ");
        if (ExperimentLoader.IsExperiment(settings.Scenario))
        {
            return settings.Seed is null
                ? ValidateExperiment(settings.Scenario)
                : throw new BadInputException($"validate: --seed: {settings.Scenario} is an experiment, whose seeds are its own (seeds:)");
        }
        var scenario = ScenarioRuns.LoadScenario(settings.Scenario, settings.Seed);
        // What the run builds first (SimulationRunner), so that what would fail there fails here.
        var plan = new ScenarioPlan(scenario);
        foreach (var (label, text) in Summary(settings.Scenario, plan, RunEstimate.Of(plan)))
        {
            Console.Out.WriteLine($"{label,-10} {text}");
        }
        return MicroMarketApp.ExitOk;
    }

    private static int ValidateExperiment(string path)
    {
        var experiment = SweepCommand.Load(path);
        // Every run's plan, as each run builds it first (what fails there fails here), and its estimate.
        var estimates = experiment.Runs.Select(run => RunEstimate.Of(new ScenarioPlan(run.Scenario))).ToList();
        var runs = experiment.Runs.Count;
        var transactions = estimates.Sum(e => (double)e.Transactions);
        var gas = estimates.Sum(e => e.Gas);
        var oneAtATime = TimeSpan.FromSeconds(estimates.Sum(e => (e.Wall + RunEstimate.ProcessOverhead).TotalSeconds));
        var workers = Environment.ProcessorCount;
        var baseline = experiment.Levels[experiment.BaselineLevel].Name;
        var lines = new (string, string)[]
        {
            ("experiment", $"{experiment.Name} ({path}), base scenario {experiment.Runs[0].Scenario.Name} ({experiment.ScenarioPath})"),
            ("levels", $"{experiment.Levels.Count}: {string.Join(", ", experiment.Levels.Select(l => l.Name == baseline ? l.Name + " (baseline)" : l.Name))}"),
            ("seeds", experiment.VariedSeeds.Count == 0 ? "the scenario's own" : string.Join(", ", experiment.VariedSeeds.Select((s, i) => $"{s} {string.Join(" ", experiment.Runs.Select(r => r.Seeds[i]).Distinct())}"))),
            ("runs", Text($"{runs} ({experiment.Levels.Count} level(s) x {runs / experiment.Levels.Count} seed combination(s))")),
            ("kpis", string.Join(", ", experiment.Kpis)),
            ("expected", Text($"~{Rounded(transactions):#,0} transactions, ~{Rounded(gas / 1e6):#,0} M gas")),
            ("estimate", $"~{Duration(oneAtATime)} one run at a time, ~{Duration(oneAtATime / workers)} at best with {workers} workers (sweep's default here; each run is a process of its own, and they share the cores)"),
        };
        foreach (var (label, text) in lines)
        {
            Console.Out.WriteLine($"{label,-10} {text}");
        }
        return MicroMarketApp.ExitOk;
    }

    private static IEnumerable<(string Label, string Text)> Summary(string path, ScenarioPlan plan, RunEstimate estimate)
    {
        var scenario = plan.Scenario;
        var time = scenario.Time;
        // The supplier is the mode's, not the file's: it trades, but the file has no such unit.
        var units = plan.Units.Where(u => u.Agent.Kind != UnitKind.Grid).ToList();
        var byKind = UnitKinds.All.Select(kind => (Kind: kind, Count: units.Count(u => u.Agent.Kind == kind))).Where(k => k.Count > 0);
        var participants = plan.Units.Count;
        yield return ("scenario", $"{scenario.Name} ({path}), seed {scenario.Seed}");
        yield return ("mode", $"{(scenario.Mode is IslandMode ? "island" : "grid-connected")}, feeder {scenario.Network.Name ?? Path.GetFileName(scenario.Network.FilePath)}");
        yield return ("time", Text($"{time.Days} day{(time.Days == 1 ? "" : "s")} from {time.Start:yyyy-MM-dd}, {plan.Calendar.TotalSlots:#,0} slots of {time.SlotMinutes} min ({time.TimeZone})"));
        yield return ("units", $"{units.Count}: {string.Join(", ", byKind.Select(k => $"{k.Count} {UnitKinds.Name(k.Kind)}"))}");
        yield return ("market", participants == units.Count
            ? $"{participants} participants, every unit on an account of its own"
            : $"{participants} participants, the {units.Count} units and the grid supplier, each on an account of its own");
        yield return ("expected", Text($"~{Rounded(estimate.Transactions):#,0} transactions, ~{Rounded(estimate.Gas / 1e6):#,0} M gas ({estimate.GasPerParticipantDay / 1e6:0.00} M per participant-day)"));
        yield return ("estimate", $"~{Duration(estimate.Wall)}: start-up {Duration(estimate.Startup)}, simulator {Duration(estimate.Simulator)}, Anvil {Duration(estimate.Anvil)} " +
            "(scaled from the README's benchmarks, on its 2-core machine)");
    }

    /// <summary>Three significant digits: an estimate's 449 243 transactions are ~449 000.</summary>
    private static double Rounded(double value)
    {
        var scale = value < 1000 ? 1 : Math.Pow(10, Math.Floor(Math.Log10(value)) - 2);
        return Math.Round(value / scale) * scale;
    }

    private static string Duration(TimeSpan t) =>
        t.TotalSeconds < 10 ? Text($"{t.TotalSeconds:0.0} s")
        : t.TotalSeconds < 100 ? Text($"{t.TotalSeconds:0} s")
        : t.TotalMinutes < 100 ? Text($"{t.TotalMinutes:0} min")
        : Text($"{(int)t.TotalHours} h {t.Minutes:00} min");

    private static string Text(FormattableString text) => text.ToString(Grouped);

    private static CultureInfo GroupedBySpaces()
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NumberGroupSeparator = " ";
        return culture;
    }
}
