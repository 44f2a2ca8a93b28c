using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using MicroMarket.Agents.Running;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Model;

namespace MicroMarket.Cli.Bench;

/// <summary>One way of running the scenario and how long it took on the wall, start to finished run directory.</summary>
public sealed record ClusterBenchRun(string Setup, TimeSpan Wall, long InterNodeMessages, double InterNodeMegabytes);

/// <summary>
/// The same scenario and seed run twice: in one process (as `micromarket run` does), then as a
/// cluster of separate `micromarket node` processes on loopback (a market node and N sim nodes).
/// Each is timed with a Stopwatch from start to finished run directory, process start, cluster
/// formation and chain start included; the cluster's run directory must equal the single run's
/// byte for byte; the nodes' own counts give the inter-node messages (<c>traffic:</c> lines).
/// </summary>
public sealed partial class ClusterBenchmark(TextWriter log)
{
    public async Task<IReadOnlyList<ClusterBenchRun>> RunAsync(Scenario scenario, string scenarioPath, int simNodes, CancellationToken cancellationToken)
    {
        var scratch = Directory.CreateTempSubdirectory("micromarket-bench-cluster-").FullName;
        try
        {
            var single = await SingleAsync(scenario, Path.Combine(scratch, "single"), cancellationToken);
            var cluster = await ClusterAsync(scenario, scenarioPath, scratch, simNodes, cancellationToken);
            var differing = RunDirectory.Differences(Path.Combine(scratch, "single"), Path.Combine(scratch, "cluster"));
            if (differing.Count > 0)
            {
                throw new InvalidOperationException($"the cluster's run differs from the single process's in {string.Join(", ", differing)}");
            }
            log.WriteLine("the cluster's run directory equals the single process's, byte for byte");
            return [single, cluster];
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private async Task<ClusterBenchRun> SingleAsync(Scenario scenario, string output, CancellationToken cancellationToken)
    {
        log.WriteLine($"one process: {scenario.Units.Count} units");
        var clock = Stopwatch.StartNew();
        var result = await SimulationRunner.RunAsync(scenario, new RunOptions(output), cancellationToken);
        clock.Stop();
        if (!result.Complete || !result.Verification.Holds)
        {
            throw new InvalidOperationException($"the one-process run failed: {result.Failure ?? "an invariant does not hold"}");
        }
        log.WriteLine($"one process: {clock.Elapsed.TotalSeconds:0.0} s");
        return new ClusterBenchRun("1 process", clock.Elapsed, 0, 0);
    }

    private async Task<ClusterBenchRun> ClusterAsync(Scenario scenario, string scenarioPath, string scratch, int simNodes, CancellationToken cancellationToken)
    {
        var config = Path.Combine(scratch, "node.yaml");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $"""
            scenario: {Path.GetFullPath(scenarioPath)}
            seed: {scenario.Seed}
            cluster:
              seed_nodes: [127.0.0.1:{FreePort()}]
              sim_nodes: {simNodes}
            market:
              out: cluster
            """), cancellationToken);
        log.WriteLine($"cluster: a market node and {simNodes} sim nodes");
        var clock = Stopwatch.StartNew();
        var nodes = new List<MicromarketProcess> { Node("market", config, "--role", "market") };
        nodes.AddRange(Enumerable.Range(0, simNodes).Select(k => Node($"sim-{k}", config, "--role", "sim", "--shard", k.ToString(CultureInfo.InvariantCulture))));
        try
        {
            var exits = await Task.WhenAll(nodes.Select(n => n.WaitForExitAsync(cancellationToken)));
            clock.Stop();
            if (exits.Any(code => code != 0))
            {
                throw new InvalidOperationException($"a node failed:\n{string.Join("\n", nodes.Select(n => $"===== {n.Name}\n{n.Output}"))}");
            }
        }
        finally
        {
            foreach (var node in nodes)
            {
                node.Dispose();
            }
        }
        var traffic = nodes.Select(n => Traffic(n)).ToList();
        log.WriteLine($"cluster: {clock.Elapsed.TotalSeconds:0.0} s");
        return new ClusterBenchRun($"{simNodes + 1} processes (market + {simNodes} sim)", clock.Elapsed, traffic.Sum(t => t.Messages), traffic.Sum(t => t.Megabytes));
    }

    /// <summary>What a node sent to others: summed over the nodes, every inter-node message once.</summary>
    private static (long Messages, double Megabytes) Traffic(MicromarketProcess node)
    {
        var match = TrafficLine().Match(node.Output);
        return match.Success
            ? (long.Parse(match.Groups["sent"].Value, CultureInfo.InvariantCulture), double.Parse(match.Groups["mb"].Value, CultureInfo.InvariantCulture))
            : throw new InvalidOperationException($"{node.Name} did not report its traffic:\n{node.Output}");
    }

    private static MicromarketProcess Node(string name, string config, params string[] args) =>
        MicromarketProcess.Start(name, ["node", .. args, "--config", config]);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"traffic: (?<sent>\d+) messages sent \((?<mb>[\d.]+) MB\)")]
    private static partial Regex TrafficLine();
}
