using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MicroMarket.Cli.Tests.Cluster;

/// <summary>A deployment on loopback: a scratch folder with node.yaml, a free seed port for the market node, and its nodes.</summary>
public sealed class Deployment : IDisposable
{
    private readonly List<MicromarketProcess> _nodes = [];

    public Deployment(string scenario, string extraYaml = "", int simNodes = 2)
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
