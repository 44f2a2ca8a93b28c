using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MicroMarket.Cli.Tests.Cluster;

/// <summary>A deployment on loopback: a scratch folder with node.yaml, a free seed port for the market node, and its nodes.</summary>
public sealed class Deployment : IDisposable
{
    private readonly List<MicromarketProcess> _nodes = [];

    /// <param name="startTimeoutSeconds">How long units wait for a market node that left to come back (and the market for units).</param>
    public Deployment(string scenario, string extraYaml = "", int simNodes = 2, int startTimeoutSeconds = 120)
    {
        Folder = Directory.CreateTempSubdirectory("micromarket-cluster-").FullName;
        SeedPort = FreePort();
        ConfigPath = Path.Combine(Folder, "node.yaml");
        File.WriteAllText(ConfigPath, $"""
            scenario: {scenario}
            cluster:
              seed_nodes: [127.0.0.1:{SeedPort}]
              sim_nodes: {simNodes}
              stable_after_seconds: 5
              start_timeout_seconds: {startTimeoutSeconds}
            market:
              out: run
            {extraYaml}
            """);
    }

    public string Folder { get; }

    public string ConfigPath { get; }

    public int SeedPort { get; }

    public string RunDirectory => Path.Combine(Folder, "run");

    public MicromarketProcess Start(string name, params string[] args) => Start(MicromarketProcess.ThisProgram(), name, args);

    /// <summary>A node run by <paramref name="program"/>: another build of the program, such as the Pi's under an emulator.</summary>
    public MicromarketProcess Start(ProcessStartInfo program, string name, params string[] args)
    {
        var node = MicromarketProcess.Start(name, program, ["node", .. args, "--config", ConfigPath]);
        _nodes.Add(node);
        return node;
    }

    public MicromarketProcess Market() => Start("market", "--role", "market");

    public MicromarketProcess Sim(int shard) => Start($"sim-{shard}", "--role", "sim", "--shard", shard.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Every node's output, for a failure message.</summary>
    public string Outputs => string.Join("\n", _nodes.Select(n => $"===== {n.Name}\n{n.Output}"));

    /// <summary>
    /// The warning and error lines of every node (the actor log's "[WARNING]" and "[ERROR]", and the program's own
    /// "warning:" lines): a clean run has none, so an operator who sees one knows something went wrong.
    /// </summary>
    public IReadOnlyList<string> Complaints => _nodes.SelectMany(node => node.Output.Split('\n').Where(IsComplaint).Select(line => $"{node.Name}: {line}")).ToList();

    private static bool IsComplaint(string line) =>
        line.StartsWith("[WARNING]", StringComparison.Ordinal) || line.StartsWith("[ERROR]", StringComparison.Ordinal)
        || line.Contains("warning:", StringComparison.OrdinalIgnoreCase);

    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }
        Directory.Delete(Folder, recursive: true);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
