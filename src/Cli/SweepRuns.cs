using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using MicroMarket.Experiments.Sweep;
using MicroMarket.Node.Sweep;
using MicroMarket.Scenarios.Experiments;

namespace MicroMarket.Cli;

/// <summary>
/// How a sweep's runs get run: each as `micromarket run` in a process of its own, here N at a time
/// (<see cref="LocallyAsync"/>), or handed out over a cluster of worker nodes (<see cref="OnClusterAsync"/>, and
/// <see cref="InTemporaryFolderAsync"/> on the worker's side). Either way a stop request interrupts the runs under way
/// as Ctrl+C in their terminal would (they stop after their phase, marked interrupted), and starts no more.
/// </summary>
public static class SweepRuns
{
    /// <summary>Runs <paramref name="pending"/>, <paramref name="workers"/> at a time, each straight into its run directory.</summary>
    public static async Task LocallyAsync(IReadOnlyList<ExperimentRun> pending, SweepDirectory directory, int workers, SweepProgress progress, CancellationToken stop)
    {
        var queue = new ConcurrentQueue<ExperimentRun>(pending);
        async Task Worker()
        {
            while (!stop.IsCancellationRequested && queue.TryDequeue(out var run))
            {
                var clock = Stopwatch.StartNew();
                var (exit, output) = await RunAsync(run.Id, directory.ScenarioFile(run), directory.RunDirectory(run), stop);
                await File.WriteAllTextAsync(directory.LogFile(run), output, CancellationToken.None);
                progress.Report(run.Id, exit, clock.Elapsed);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, Math.Min(workers, Math.Max(pending.Count, 1))).Select(_ => Task.Run(Worker, CancellationToken.None)));
    }

    /// <summary>
    /// Coordinates <paramref name="pending"/> over the worker nodes that join at <paramref name="host"/>:<paramref name="port"/>
    /// (and <paramref name="localSlots"/> runs at a time on this node): each run's directory comes back zipped and replaces
    /// whatever its folder held.
    /// </summary>
    public static Task OnClusterAsync(string host, int port, IReadOnlyList<ExperimentRun> pending, SweepDirectory directory, int localSlots, SweepProgress progress, CancellationToken stop)
    {
        var runs = pending.ToDictionary(r => r.Id);
        void Store(string runId, byte[] zipped, int exit, string log)
        {
            var run = runs[runId];
            var target = directory.RunDirectory(run);
            if (Directory.Exists(target))
            {
                Directory.Delete(target, recursive: true);
            }
            if (zipped.Length > 0)
            {
                ZipFile.ExtractToDirectory(new MemoryStream(zipped), target);
            }
            File.WriteAllText(directory.LogFile(run), log);
            progress.Report(runId, exit, took: null);
        }
        return SweepCluster.CoordinateAsync(host, port, [.. pending.Select(r => new SweepJob(r.Id, SweepDirectory.ScenarioText(r)))], Store, localSlots,
            InTemporaryFolderAsync, line => GlobalOptions.Info.WriteLine(line), GlobalOptions.ActorLogLevel, stop);
    }

    /// <summary>A worker's run: the scenario written to a folder of its own, run there, its run directory zipped to send back.</summary>
    public static async Task<(int Exit, string Log, byte[] ZippedRunDirectory)> InTemporaryFolderAsync(string runId, string scenario, CancellationToken stop)
    {
        var folder = Directory.CreateTempSubdirectory("micromarket-sweep-run-");
        try
        {
            var scenarioFile = Path.Combine(folder.FullName, "scenario.yaml");
            await File.WriteAllTextAsync(scenarioFile, scenario, CancellationToken.None);
            var output = Path.Combine(folder.FullName, "run");
            var (exit, log) = await RunAsync(runId, scenarioFile, output, stop);
            using var zipped = new MemoryStream();
            if (Directory.Exists(output))
            {
                ZipFile.CreateFromDirectory(output, zipped);
            }
            return (exit, log, zipped.ToArray());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>`micromarket run SCENARIO --out DIR --force` in a process of its own; interrupted on <paramref name="stop"/>.</summary>
    private static async Task<(int Exit, string Output)> RunAsync(string runId, string scenarioFile, string output, CancellationToken stop)
    {
        using var process = MicromarketProcess.Start(runId, "run", scenarioFile, "--out", output, "--force");
        using (stop.Register(process.Interrupt))
        {
            var exit = await process.WaitForExitAsync(CancellationToken.None);
            return (exit, process.Output);
        }
    }
}

/// <summary>A sweep's progress on stderr, run by run, and the runs that failed (a run stopped by the sweep's stop did not: it was interrupted).</summary>
public sealed class SweepProgress(int total, CancellationToken stop)
{
    private readonly Stopwatch _started = Stopwatch.StartNew();
    private readonly ConcurrentBag<(string RunId, int Exit)> _failed = [];
    private int _done;

    /// <summary>The runs that exited with an error, by id.</summary>
    public IReadOnlyList<(string RunId, int Exit)> Failed => [.. _failed.OrderBy(f => f.RunId, StringComparer.Ordinal)];

    /// <param name="took">The run's own time, where this process saw it start (not for a worker node's run).</param>
    public void Report(string runId, int exit, TimeSpan? took)
    {
        var interrupted = exit != MicroMarketApp.ExitOk && stop.IsCancellationRequested;
        if (exit != MicroMarketApp.ExitOk && !interrupted)
        {
            _failed.Add((runId, exit));
        }
        var finished = Interlocked.Increment(ref _done);
        var left = _started.Elapsed / finished * Math.Max(total - finished, 0);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sweep: [{finished}/{total}] {runId}: {(exit == 0 ? "complete" : interrupted ? "interrupted" : $"exit {exit}")}{(took is { } t ? $" in {t.TotalSeconds:0.0} s" : "")} · elapsed {_started.Elapsed:h\\:mm\\:ss} · {left:h\\:mm\\:ss} left"));
    }
}
