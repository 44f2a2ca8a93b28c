using MicroMarket.Simulation.Running;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios;

namespace MicroMarket.Cli.Tests.Cluster;

/// <summary>
/// The market on a node that is not Anvil: Hardhat's (EDR), from chains/hardhat's pinned packages. It names its
/// development methods differently (hardhat_setBalance, evm_mine without a block), has no eth_getBlockReceipts,
/// mines every transaction as it arrives unless told otherwise, and keeps its clock from its genesis.
/// </summary>
[Collection("cluster")]
public sealed class SecondNodeTests(QuickstartReference reference)
{
    [Fact]
    public async Task The_quickstart_on_Hardhat_writes_the_run_Anvil_writes_but_for_the_client_s_name()
    {
        var plan = new ScenarioPlan(ScenarioLoader.Load(reference.Scenario));
        // A node left mining on arrival (Hardhat's default; here every second too): the run must switch both off.
        await using var hardhat = await HardhatNode.StartAsync(plan.Calendar.ChainStartUnix - 60, blockSeconds: 1);
        var output = Directory.CreateTempSubdirectory("micromarket-hardhat-").FullName;
        try
        {
            var run = await CliProcess.RunAsync("run", reference.Scenario, "--chain", hardhat.RpcUrl.ToString(), "--out", output, "--force");

            Assert.True(run.ExitCode == 0, run.Stderr);
            // Every reproducible file equal byte for byte (orders, fills, gas, bills, transaction hashes), chain.json apart.
            Assert.Equal([RunDirectory.Chain], reference.Differences(output));
            var onAnvil = RunJson.Read<RunChain>(reference.Directory, RunDirectory.Chain);
            var onHardhat = RunJson.Read<RunChain>(output, RunDirectory.Chain);
            Assert.StartsWith("HardhatNetwork/3.18.0", onHardhat.Client, StringComparison.Ordinal);
            Assert.Equal(onAnvil with { Client = onHardhat.Client, Units = onHardhat.Units }, onHardhat);
            Assert.Equal(onAnvil.Units, onHardhat.Units);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public async Task A_node_whose_clock_has_passed_the_market_s_start_is_refused_with_what_to_do()
    {
        var plan = new ScenarioPlan(ScenarioLoader.Load(reference.Scenario));
        await using var hardhat = await HardhatNode.StartAsync(plan.Calendar.ChainStartUnix + 86_400);
        var output = Directory.CreateTempSubdirectory("micromarket-hardhat-").FullName;
        try
        {
            var run = await CliProcess.RunAsync("run", reference.Scenario, "--chain", hardhat.RpcUrl.ToString(), "--out", output, "--force");

            Assert.Equal(1, run.ExitCode);
            Assert.Contains("its clock", run.Stderr, StringComparison.Ordinal);
            Assert.Contains("MICROMARKET_GENESIS_UNIX", run.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
