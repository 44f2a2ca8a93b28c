using MicroMarket.RunFormat;

namespace MicroMarket.Cli.Tests.Cluster;

/// <summary>
/// A sweep spread over worker nodes on loopback, as a lab spreads one over its machines: the coordinator runs nothing
/// itself, two worker nodes join, one is killed in the middle of its run; its run is handed to the other, and every run
/// directory is byte for byte what the same sweep writes in one process.
/// </summary>
public sealed class SweepClusterTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("micromarket-sweep-cluster-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Two_worker_nodes_write_what_one_process_writes_and_a_killed_workers_run_goes_to_the_other()
    {
        var experiment = Path.Combine(_dir.FullName, "experiment.yaml");
        File.WriteAllText(experiment, $"scenario: {Path.Combine(Repository.Root, "scenarios", "quickstart.yaml")}\nseeds: {{ seed: 2 }}\nkpis: [self_sufficiency]\n");
        var local = Path.Combine(_dir.FullName, "local");
        var spread = Path.Combine(_dir.FullName, "cluster");

        var alone = await CliProcess.RunAsync("sweep", experiment, "--out", local, "--workers", "2");
        Assert.True(alone.ExitCode == 0, alone.Stdout + alone.Stderr);

        var seed = $"127.0.0.1:{Deployment.FreePort()}";
        using var coordinator = MicromarketProcess.Start("coordinator", "sweep", experiment, "--out", spread, "--listen", seed, "--workers", "0");
        await coordinator.WaitForLineAsync(line => line.StartsWith("sweep: coordinator at", StringComparison.Ordinal), Timeout);
        using var doomed = MicromarketProcess.Start("worker-1", "node", "--role", "worker", "--seed-nodes", seed, "--workers", "1");
        await coordinator.WaitForLineAsync(line => line.Contains("joined with 1 slot(s)", StringComparison.Ordinal), Timeout);
        // Into its first run (the run's chain started, its market under way), then gone without a word.
        await Task.Delay(TimeSpan.FromSeconds(4));
        var doomedRuns = ProcessTable.ChildrenOf(doomed.ProcessId).Select(c => c.Pid).ToList();
        Assert.NotEmpty(doomedRuns);
        doomed.Kill();
        using var survivor = MicromarketProcess.Start("worker-2", "node", "--role", "worker", "--seed-nodes", seed, "--workers", "1");

        Assert.Equal(0, await coordinator.WaitForExitAsync(Timeout));
        Assert.Equal(0, await survivor.WaitForExitAsync(Timeout));
        Assert.Contains("left with 1 run(s) under way: handed out again", coordinator.Stderr);
        Assert.Contains("sweep complete: 2/2 runs complete", coordinator.Stdout);
        Assert.Contains("worker node: the sweep is over", survivor.Stderr);
        foreach (var run in new[] { "base_seed-1", "base_seed-2" })
        {
            Assert.Empty(RunDirectory.Differences(Path.Combine(local, "runs", run), Path.Combine(spread, "runs", run)));
        }
        Assert.Equal(File.ReadAllBytes(Path.Combine(local, "results.csv")), File.ReadAllBytes(Path.Combine(spread, "results.csv")));
        // The killed worker's run and its chain went with it.
        Assert.Empty(await ProcessTable.StillRunningAfterAsync(doomedRuns, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_worker_node_needs_the_coordinators_address_and_no_configuration()
    {
        var none = await CliProcess.RunAsync("node", "--role", "worker");
        var config = await CliProcess.RunAsync("node", "--role", "worker", "--seed-nodes", "127.0.0.1:1", "--config", "node.yaml");

        Assert.Equal((2, 2), (none.ExitCode, config.ExitCode));
        Assert.Contains("give --seed-nodes HOST:PORT, where `micromarket sweep --listen HOST:PORT` coordinates", none.Stderr);
        Assert.Contains("takes no --config", config.Stderr);
    }
}
