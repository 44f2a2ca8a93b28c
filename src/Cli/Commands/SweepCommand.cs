using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
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
        [Description("runs at a time, each a process with its own chain (default: the number of cores)")]
        public int? Workers { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var experiment = Load(settings.Experiment);
        var workers = settings.Workers ?? Environment.ProcessorCount;
        if (workers < 1)
        {
            throw new BadInputException($"sweep: --workers {workers}: at least one");
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
            $"{runs - pending.Count} finished before, {pending.Count} to run, {Math.Min(workers, Math.Max(pending.Count, 1))} at a time");

        var failed = await RunAsync(pending, directory, workers, cancellationToken);

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
        foreach (var (run, exit) in failed)
        {
            Console.Out.WriteLine($"  {run.Id}: exit {exit}, see {directory.LogFile(run)}");
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

    /// <summary>
    /// Runs <paramref name="pending"/>, <paramref name="workers"/> at a time, each `micromarket run` in its own process
    /// (its console output kept in its log); returns the runs that exited with an error. A stop request interrupts the
    /// runs under way, as Ctrl+C in their terminal would, and starts no more.
    /// </summary>
    private static async Task<IReadOnlyList<(ExperimentRun Run, int Exit)>> RunAsync(
        IReadOnlyList<ExperimentRun> pending, SweepDirectory directory, int workers, CancellationToken stop)
    {
        var queue = new ConcurrentQueue<ExperimentRun>(pending);
        var failed = new ConcurrentBag<(ExperimentRun, int)>();
        var started = Stopwatch.StartNew();
        var done = 0;
        async Task Worker()
        {
            while (!stop.IsCancellationRequested && queue.TryDequeue(out var run))
            {
                var clock = Stopwatch.StartNew();
                using var process = MicromarketProcess.Start(run.Id, "run", directory.ScenarioFile(run), "--out", directory.RunDirectory(run), "--force");
                int exit;
                using (stop.Register(process.Interrupt))
                {
                    exit = await process.WaitForExitAsync(CancellationToken.None);
                }
                await File.WriteAllTextAsync(directory.LogFile(run), process.Output, CancellationToken.None);
                // A run stopped by the sweep's Ctrl+C did not fail: it is marked interrupted, and the next sweep runs it.
                var interrupted = exit != MicroMarketApp.ExitOk && stop.IsCancellationRequested;
                if (exit != MicroMarketApp.ExitOk && !interrupted)
                {
                    failed.Add((run, exit));
                }
                var finished = Interlocked.Increment(ref done);
                var left = started.Elapsed / finished * (pending.Count - finished);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"sweep: [{finished}/{pending.Count}] {run.Id}: {(exit == 0 ? "complete" : interrupted ? "interrupted" : $"exit {exit}")} in {clock.Elapsed.TotalSeconds:0.0} s · elapsed {started.Elapsed:h\\:mm\\:ss} · {left:h\\:mm\\:ss} left"));
            }
        }
        await Task.WhenAll(Enumerable.Range(0, Math.Min(workers, Math.Max(pending.Count, 1))).Select(_ => Task.Run(Worker, CancellationToken.None)));
        return [.. failed.OrderBy(f => f.Item1.Id, StringComparer.Ordinal)];
    }
}
