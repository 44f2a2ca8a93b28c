using System.Numerics;
using System.Text.Json;
using MicroMarket.Market.Chain;

namespace MicroMarket.Market.Tests.Chain;

/// <summary>
/// An Anvil that mines only when a test says so, used as a node that mines by itself but is stuck:
/// the pipeline runs in live mode (it never mines), the test decides when a block comes.
/// </summary>
public sealed class StuckNodeFixture : IAsyncLifetime
{
    private AnvilNode? _anvil;
    private ChainConnection? _chain;

    public ChainConnection Chain => _chain ?? throw new InvalidOperationException("Not connected.");

    public async Task InitializeAsync()
    {
        _anvil = await AnvilNode.StartAsync(new AnvilOptions { Accounts = 1 });
        _chain = await ChainConnection.ConnectAsync(_anvil.RpcUrl);
    }

    /// <summary>A fresh account with ether, so that no test sees another's nonces.</summary>
    public async Task<EthKey> FundedAsync(string name)
    {
        var key = EthKey.Derive(name, 0);
        await Chain.SetBalancesAsync([key.Address], BigInteger.Pow(10, 24));
        return key;
    }

    /// <summary>A live pipeline: it never mines, the test does.</summary>
    public TransactionPipeline LivePipeline() => new(Chain, new TransactionPipelineOptions { MineExplicitly = false });

    /// <summary>Waits (polling, at most a minute) until the pool holds a transaction from <paramref name="sender"/> that <paramref name="wanted"/> accepts.</summary>
    public async Task<JsonElement> PooledAsync(EthKey sender, Func<JsonElement, bool> wanted)
    {
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromMinutes(1); await Task.Delay(20))
        {
            var pool = await Chain.Rpc.CallAsync("txpool_content");
            if (pool.GetProperty("pending").TryGetProperty(sender.Address.ToLowerInvariant(), out var byNonce))
            {
                foreach (var tx in byNonce.EnumerateObject().Select(n => n.Value).Where(wanted))
                {
                    return tx.Clone();
                }
            }
        }
        throw new TimeoutException($"No wanted transaction from {sender.Address} reached the pool within a minute.");
    }

    /// <summary>Mines one block and returns its transactions.</summary>
    public async Task<List<JsonElement>> MineAsync()
    {
        await Chain.MineAsync();
        var block = await Chain.Rpc.CallAsync("eth_getBlockByNumber", "latest", true);
        return block.GetProperty("transactions").EnumerateArray().Select(t => t.Clone()).ToList();
    }

    public async Task DisposeAsync()
    {
        _chain?.Dispose();
        if (_anvil is not null)
        {
            await _anvil.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class StuckNodeCollection : ICollectionFixture<StuckNodeFixture>
{
    public const string Name = "stuck node";
}

[Collection(StuckNodeCollection.Name)]
public sealed class LiveTransactionTests(StuckNodeFixture fx)
{
    private static BigInteger Quantity(JsonElement tx, string field) => ChainConnection.ParseBig(tx.GetProperty(field));

    private static string Hash(JsonElement tx) => tx.GetProperty("hash").GetString()!;

    private static TxRequest Transfer(EthKey from, string label) => new(from, EthKey.Derive(label, 1).Address, [], 21_000, label) { Value = 1 };

    [Fact]
    public async Task Live_fees_follow_the_nodes_base_fee_and_tip()
    {
        var sender = await fx.FundedAsync("live fees");
        await fx.Chain.Rpc.CallAsync("anvil_setNextBlockBaseFeePerGas", ChainConnection.Hex(7_000_000_000));
        await fx.MineAsync();
        var baseFee = Quantity(await fx.Chain.Rpc.CallAsync("eth_getBlockByNumber", "latest", false), "baseFeePerGas");
        var tip = ChainConnection.ParseBig(await fx.Chain.Rpc.CallAsync("eth_maxPriorityFeePerGas"));
        Assert.Equal(7_000_000_000, baseFee);
        var sending = fx.LivePipeline().ExecuteAsync([Transfer(sender, "priced")]);
        var pooled = await fx.PooledAsync(sender, _ => true);
        // One wei above the quote: the ordering offset of the batch's only request.
        Assert.Equal("0x2", pooled.GetProperty("type").GetString());
        Assert.Equal(tip + 1, Quantity(pooled, "maxPriorityFeePerGas"));
        Assert.Equal(2 * baseFee + tip + 1, Quantity(pooled, "maxFeePerGas"));
        Assert.Equal([Hash(pooled)], (await fx.MineAsync()).Select(Hash));
        var outcome = (await sending)[0];
        Assert.True(outcome.Succeeded, outcome.Failure?.Message);
        Assert.Equal(Hash(pooled), outcome.Hash);
    }
}

public sealed class SelfMiningNodeTests
{
    [Fact]
    public async Task A_node_with_a_block_time_mines_the_pipelines_type_2_transactions_under_their_own_hashes()
    {
        await using var anvil = await AnvilNode.StartAsync(new AnvilOptions { Accounts = 2, ExplicitMining = false, BlockTime = TimeSpan.FromSeconds(1) });
        using var chain = await ChainConnection.ConnectAsync(anvil.RpcUrl);
        var pipeline = new TransactionPipeline(chain, new TransactionPipelineOptions { MineExplicitly = false });
        var outcome = await pipeline.ExecuteAsync(new TxRequest(anvil.DevAccounts[0], anvil.DevAccounts[1].Address, [], Label: "live") { Value = 1 });
        // The receipt was found under the hash computed here, so the node hashed the same bytes.
        var mined = await chain.Rpc.CallAsync("eth_getTransactionByHash", outcome.Hash);
        Assert.Equal("0x2", mined.GetProperty("type").GetString());
        Assert.Equal(outcome.Hash, mined.GetProperty("hash").GetString());
    }
}
