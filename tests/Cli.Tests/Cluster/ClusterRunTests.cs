namespace MicroMarket.Cli.Tests.Cluster;

[Collection("cluster")]
public sealed class ClusterRunTests(QuickstartReference reference)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Three_processes_give_the_run_of_one_byte_for_byte()
    {
        using var deployment = new Deployment(reference.Scenario);
        // The sim nodes first, as a lab may start them: they wait for the market node, their seed, to listen.
        var sims = new[] { deployment.Sim(0), deployment.Sim(1) };
        await Task.WhenAll(sims.Select(s => s.WaitForLineAsync(l => l.Contains("waiting for a seed node", StringComparison.Ordinal), TimeSpan.FromMinutes(1))));
        var market = deployment.Market();

        Assert.True(await market.WaitForExitAsync(RunTimeout) == 0, deployment.Outputs);
        // The market may end before a sim node has said why it leaves: wait for both to be gone.
        foreach (var sim in sims)
        {
            Assert.True(await sim.WaitForExitAsync(TimeSpan.FromSeconds(30)) == 0, deployment.Outputs);
        }
        Assert.Empty(reference.Differences(deployment.RunDirectory));
        // Each sim node hosted its share and left when the market said the run was over.
        Assert.Contains("market: hosting diesel;", deployment.Outputs);
        Assert.Contains("sim node 0/2: 5 units", deployment.Outputs);
        Assert.Contains("sim node 1/2: 4 units", deployment.Outputs);
        Assert.Equal(2, deployment.Outputs.Split("sim node: the run is over").Length - 1);
        // Nothing went wrong, so no node says anything did: no warning or error from start to end.
        Assert.True(deployment.Complaints.Count == 0, string.Join("\n", deployment.Complaints));
    }
}
