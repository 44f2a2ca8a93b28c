using MicroMarket.Agents.Running;
using MicroMarket.Scenarios;

namespace MicroMarket.Node.Tests;

/// <summary>Cluster tests start several processes each; one at a time keeps their timing honest on a small machine.</summary>
[CollectionDefinition("cluster", DisableParallelization = true)]
public sealed class ClusterCollection;

[Collection("cluster")]
public sealed class ClusterRunTests
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(4);

    /// <summary>Every file of a run directory that must be the same byte for byte (timing.json is wall-clock by nature).</summary>
    public static readonly string[] ReproducibleFiles = ["units.csv", "slots.csv", "orders.csv", "transactions.csv", "buses.csv", "lines.csv", "chain.json", "summary.json"];

    [Fact]
    public async Task Three_processes_give_the_run_of_one_byte_for_byte()
    {
        var scenario = Repo.Path("scenarios/quickstart.yaml");
        var single = Directory.CreateTempSubdirectory("micromarket-single-").FullName;
        try
        {
            var result = await SimulationRunner.RunAsync(ScenarioLoader.Load(scenario), new RunOptions(single), CancellationToken.None);
            Assert.True(result.Complete && result.Verification.Holds);

            using var deployment = new Deployment(scenario);
            var market = deployment.Market();
            deployment.Sim(0);
            deployment.Sim(1);
            Assert.True(await market.WaitForExitAsync(RunTimeout) == 0, deployment.Outputs);

            foreach (var file in ReproducibleFiles)
            {
                Assert.True(File.ReadAllBytes(Path.Combine(single, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(deployment.RunDirectory, file))),
                    $"{file} differs between one process and three");
            }
            // Each sim node hosted its share and left when the market said the run was over.
            Assert.Contains("sim node 0/2: 5 units", deployment.Outputs);
            Assert.Contains("sim node 1/2: 5 units", deployment.Outputs);
            Assert.Equal(2, deployment.Outputs.Split("sim node: the run is over").Length - 1);
        }
        finally
        {
            Directory.Delete(single, recursive: true);
        }
    }
}
