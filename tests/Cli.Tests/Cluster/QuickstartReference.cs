using MicroMarket.Agents.Running;
using MicroMarket.Agents.Tests.Simulation;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios;

namespace MicroMarket.Cli.Tests.Cluster;

/// <summary>Cluster tests start several processes each; one at a time keeps their timing honest on a small machine.</summary>
[CollectionDefinition("cluster", DisableParallelization = true)]
public sealed class ClusterCollection : ICollectionFixture<QuickstartReference>;

/// <summary>The quickstart run in one process: what every cluster run of it must reproduce.</summary>
public sealed class QuickstartReference : IAsyncLifetime
{
    public string Scenario { get; } = Path.Combine(Repository.Root, "scenarios", "quickstart.yaml");

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("micromarket-single-").FullName;

    public async Task InitializeAsync()
    {
        var result = await SimulationRunner.RunAsync(ScenarioLoader.Load(Scenario), new RunOptions(Directory), CancellationToken.None);
        Assert.True(result.Complete && result.Verification.Holds, "the one-process reference run failed");
        RunDirectoryChecks.Kpis(Directory, ScenarioLoader.Load(Scenario));
    }

    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>The reproducible files of <paramref name="run"/> that differ from the reference.</summary>
    public IReadOnlyList<string> Differences(string run) => RunDirectory.Differences(Directory, run);
}
