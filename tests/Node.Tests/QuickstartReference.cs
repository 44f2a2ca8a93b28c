using MicroMarket.Agents.Running;
using MicroMarket.Scenarios;

namespace MicroMarket.Node.Tests;

/// <summary>Cluster tests start several processes each; one at a time keeps their timing honest on a small machine.</summary>
[CollectionDefinition("cluster", DisableParallelization = true)]
public sealed class ClusterCollection : ICollectionFixture<QuickstartReference>;

/// <summary>The quickstart run in one process: what every cluster run of it must reproduce.</summary>
public sealed class QuickstartReference : IAsyncLifetime
{
    /// <summary>Every file of a run directory that must be the same byte for byte (timing.json is wall-clock by nature).</summary>
    public static readonly string[] ReproducibleFiles = ["units.csv", "slots.csv", "orders.csv", "transactions.csv", "buses.csv", "lines.csv", "chain.json", "summary.json"];

    public string Scenario { get; } = Repo.Path("scenarios/quickstart.yaml");

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("micromarket-single-").FullName;

    public async Task InitializeAsync()
    {
        var result = await SimulationRunner.RunAsync(ScenarioLoader.Load(Scenario), new RunOptions(Directory), CancellationToken.None);
        Assert.True(result.Complete && result.Verification.Holds, "the one-process reference run failed");
    }

    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>The files of <paramref name="run"/> that differ from the reference.</summary>
    public IReadOnlyList<string> Differences(string run) => ReproducibleFiles
        .Where(f => !File.ReadAllBytes(Path.Combine(Directory, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(run, f))))
        .ToList();
}
