using System.ComponentModel;
using MicroMarket.Experiments.Sweep;
#if REPORTING
using MicroMarket.Reporting.Html;
#endif
using MicroMarket.Scenarios;
using MicroMarket.Scenarios.Experiments;
using Spectre.Console.Cli;

namespace MicroMarket.Cli.Commands;

/// <summary>
/// `micromarket sweep EXPERIMENT [--out DIR] [--workers N]`: runs every run of an experiment (docs/experiments.md), each
/// as `micromarket run` in a process of its own (its own chain), N at a time, into DIR/runs/ID, then writes the tables
/// over them (results.csv, results.parquet, effects.csv) and prints the effects of interest. Resumable: a run whose
/// directory holds a complete run of its scenario is not run again; an incomplete one is. Ctrl+C stops every run
/// under way after its phase (each is left marked incomplete, to be rerun next time) and keeps the finished ones.
/// </summary>
public sealed class SweepCommand : AsyncCommand<SweepCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<EXPERIMENT>")]
        [Description("experiment file (YAML; see docs/experiments.md)")]
        public string Experiment { get; init; } = "";

        [CommandOption("--out <DIR>")]
        [Description("the sweep's folder (default runs/<experiment name>); a second sweep into it runs only what is not finished")]
        public string? Out { get; init; }

        [CommandOption("--workers <N>")]
        [Description("runs at a time on this machine, each a process with its own chain (default: the number of cores; 0 with --listen: only on worker nodes)")]
        public int? Workers { get; init; }

        [CommandOption("--listen <HOST:PORT>")]
        [Description("coordinate over a cluster: worker nodes (micromarket node --role worker --seed-nodes HOST:PORT) join here and run runs too")]
        public string? Listen { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var experiment = Load(settings.Experiment);
        var workers = settings.Workers ?? Environment.ProcessorCount;
        var listen = settings.Listen is { } endpoint ? Endpoint(endpoint) : ((string Host, int Port)?)null;
        if (workers < (listen is null ? 1 : 0))
        {
            throw new BadInputException($"sweep: --workers {workers}: at least {(listen is null ? "one" : "zero (with --listen)")}");
        }
        var output = settings.Out ?? Path.Combine("runs", experiment.Name);
        if (File.Exists(output))
        {
            throw new BadInputException($"sweep: --out {output}: is a file, not a directory: choose a directory");
        }
        var directory = new SweepDirectory(output);
        directory.Prepare(experiment);
        var pending = experiment.Runs.Where(r => !directory.IsFinished(r)).ToList();
        var runs = experiment.Runs.Count;
        Console.Error.WriteLine($"sweep {experiment.Name}: {runs} run{(runs == 1 ? "" : "s")} ({experiment.Levels.Count} level(s) x {runs / experiment.Levels.Count} seed combination(s)), " +
            $"{runs - pending.Count} finished before, {pending.Count} to run, " + (listen is null ? $"{Math.Min(workers, Math.Max(pending.Count, 1))} at a time" : $"{workers} at a time here and on the worker nodes"));

        var progress = new SweepProgress(pending.Count, cancellationToken);
        if (listen is { } at)
        {
            await SweepRuns.OnClusterAsync(at.Host, at.Port, pending, directory, workers, progress, cancellationToken);
        }
        else
        {
            await SweepRuns.LocallyAsync(pending, directory, workers, progress, cancellationToken);
        }

        var rows = SweepTables.Read(experiment, directory);
        SweepTables.WriteResults(experiment, rows, directory);
        var effects = SweepTables.Effects(experiment, rows);
        SweepTables.WriteEffects(experiment, effects, directory);
        var page = WritePage(experiment, rows, effects, directory);

        var complete = rows.Count(r => r.Complete);
        var status = complete == rows.Count ? "complete"
            : cancellationToken.IsCancellationRequested ? $"interrupted{(StopSignals.Current?.First is { } signal ? $" by {signal}" : "")} (the same command runs what is left)"
            : $"INCOMPLETE (the same command runs what is left)";
        Console.Out.WriteLine($"sweep {status}: {complete}/{rows.Count} runs complete: {directory.Root}");
        foreach (var (runId, exit) in progress.Failed)
        {
            Console.Out.WriteLine($"  {runId}: exit {exit}, see {directory.LogFile(experiment.Runs.First(r => r.Id == runId))}");
        }
        Console.Out.WriteLine($"results: {directory.PathOf(SweepDirectory.Results)} ({SweepDirectory.ResultsParquet} beside it)");
        Console.Out.WriteLine($"effects: {directory.PathOf(SweepDirectory.Effects)}");
        if (page is not null)
        {
            Console.Out.WriteLine(page);
        }
        Console.Out.Write(EffectsText.Of(experiment, effects));
        return complete == rows.Count ? MicroMarketApp.ExitOk : MicroMarketApp.ExitFailure;
    }

    /// <summary>Loads an experiment; every error in it, or in a run's scenario, is bad input, listed with file:line:column.</summary>
    public static Experiment Load(string path)
    {
        InputFiles.Require(path, "experiment file", "sweep: ");
        if (ExperimentLoader.IsScenario(path))
        {
            throw new BadInputException($"sweep: {path} is a scenario, not an experiment: an experiment names its base scenario (scenario: FILE) and what varies (docs/experiments.md); `micromarket run` runs a scenario");
        }
        try
        {
            return ExperimentLoader.Load(path);
        }
        catch (ScenarioValidationException ex)
        {
            throw new BadInputException($"{ex.Errors.Count} error(s) in {path}; nothing was started:{Environment.NewLine}" + string.Join(Environment.NewLine, ex.Errors));
        }
    }

    /// <summary>
    /// The sweep's page, DIR/sweep.html with its figures in DIR/figures (docs/experiments.md, "The sweep page"), and the
    /// line that names it; a build without reporting (the Pi's) has none. A page that cannot be written is said on
    /// stderr and leaves the exit code to the runs.
    /// </summary>
    private static string? WritePage(Experiment experiment, IReadOnlyList<SweepRow> rows, IReadOnlyList<SweepEffect> effects, SweepDirectory directory)
    {
#if REPORTING
        try
        {
            var page = SweepWriter.Write(experiment, rows, effects, directory);
            return $"page: {page.ReportPath} ({page.FigurePaths.Count} figures)";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"micromarket: no sweep page in {directory.Root}: {ex.Message}");
            return null;
        }
#else
        _ = (experiment, rows, effects);
        return $"no page in this build (without reporting): the same sweep where reporting is installed writes {directory.PathOf("sweep.html")}";
#endif
    }

    private static (string Host, int Port) Endpoint(string text) =>
        Node.Deployment.NodeConfigLoader.TryHostPort(text, out var host, out var port) && port > 0
            ? (host, port)
            : throw new BadInputException($"sweep: --listen '{text}' is not host:port");
}
