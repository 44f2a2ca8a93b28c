using MicroMarket.Market.Chain;

namespace MicroMarket.Cli.Tests.Cluster;

[Collection("cluster")]
public sealed class ChainAccessTests(QuickstartReference reference)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(2);

    // Security review: "In cluster mode Anvil listens on the LAN, so any Pi can call
    // anvil_setStorageAt or move time." The URL the market hands to every unit must refuse the
    // cheat methods and still serve what units do, and the run must not notice the filter.
    [Fact]
    public async Task The_chain_url_the_units_get_refuses_cheat_methods_and_serves_reads()
    {
        using var deployment = new Deployment(reference.Scenario, "  rpc_host: 127.0.0.1");
        var market = deployment.Market();
        deployment.Sim(0);
        deployment.Sim(1);

        var opened = await market.WaitForLineAsync(l => l.Contains("the units reach the chain at ", StringComparison.Ordinal), StepTimeout);
        var url = new Uri(opened[(opened.IndexOf("http://", StringComparison.Ordinal))..]);
        using var rpc = new JsonRpcClient(url);
        foreach (var (method, args) in new (string, object?[])[]
        {
            ("anvil_setStorageAt", ["0x0000000000000000000000000000000000000001", "0x0", "0x" + new string('f', 64)]),
            ("evm_mine", []),
            ("evm_setNextBlockTimestamp", [ChainConnection.Hex(4_102_444_800)]),
            ("debug_traceTransaction", ["0x" + new string('0', 64)]),
        })
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => rpc.CallAsync(method, args));
            Assert.StartsWith($"{method} is reserved to the market host", refused.Error.Message, StringComparison.Ordinal);
        }
        Assert.Equal(31337, ChainConnection.ParseLong(await rpc.CallAsync("eth_chainId")));
        // Init code that returns the word 42.
        Assert.Equal(42, ChainConnection.ParseBig(await rpc.CallAsync("eth_call", new Dictionary<string, object?> { ["data"] = "0x602a60005260206000f3" }, "latest")));

        Assert.True(await market.WaitForExitAsync(RunTimeout) == 0, deployment.Outputs);
        // The filter in the units' path changes nothing they see: the run of one process, byte for byte.
        Assert.Empty(reference.Differences(deployment.RunDirectory));
    }
}
