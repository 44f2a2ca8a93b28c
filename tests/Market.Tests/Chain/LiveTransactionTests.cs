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

    /// <summary>A live pipeline with short waits: it never mines and gives a transaction this long per version.</summary>
    public TransactionPipeline LivePipeline(double receiptSeconds, int replacements) => new(Chain, new TransactionPipelineOptions
    {
        MineExplicitly = false,
        ReceiptTimeout = TimeSpan.FromSeconds(receiptSeconds),
        Replacements = replacements,
    });

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

    /// <summary>One wei to an account of the request's own (<see cref="Payee"/>), which holds nothing before.</summary>
    private static TxRequest Transfer(EthKey from, string label) => new(from, Payee(label).Address, [], 21_000, label) { Value = 1 };

    private static EthKey Payee(string label) => EthKey.Derive(label, 1);

    [Fact]
    public async Task Live_fees_follow_the_nodes_base_fee_and_tip()
    {
        var sender = await fx.FundedAsync("live fees");
        await fx.Chain.Rpc.CallAsync("anvil_setNextBlockBaseFeePerGas", ChainConnection.Hex(7_000_000_000));
        await fx.MineAsync();
        var baseFee = Quantity(await fx.Chain.Rpc.CallAsync("eth_getBlockByNumber", "latest", false), "baseFeePerGas");
        var tip = ChainConnection.ParseBig(await fx.Chain.Rpc.CallAsync("eth_maxPriorityFeePerGas"));
        Assert.Equal(7_000_000_000, baseFee);
        var sending = fx.LivePipeline(receiptSeconds: 60, replacements: 1).ExecuteAsync([Transfer(sender, "priced")]);
        var pooled = await fx.PooledAsync(sender, _ => true);
        // Above the quote by the place of the batch's only request: the first above the owners' places.
        var place = TransactionFees.OwnerPlaces + 1;
        Assert.Equal("0x2", pooled.GetProperty("type").GetString());
        Assert.Equal(tip + place, Quantity(pooled, "maxPriorityFeePerGas"));
        Assert.Equal(2 * baseFee + tip + place, Quantity(pooled, "maxFeePerGas"));
        Assert.Equal([Hash(pooled)], (await fx.MineAsync()).Select(Hash));
        var outcome = (await sending)[0];
        Assert.True(outcome.Succeeded, outcome.Failure?.Message);
        Assert.Equal(Hash(pooled), outcome.Hash);
        Assert.Equal([Hash(pooled)], outcome.Hashes);
        Assert.False(outcome.Replaced);
    }

    [Fact]
    public async Task A_stuck_transaction_is_replaced_with_higher_fees_and_the_replacement_is_reported()
    {
        var sender = await fx.FundedAsync("replaced");
        var sending = fx.LivePipeline(receiptSeconds: 3, replacements: 2).ExecuteAsync([Transfer(sender, "slow")]);
        var original = await fx.PooledAsync(sender, _ => true);
        var replacement = await fx.PooledAsync(sender, tx => Hash(tx) != Hash(original));
        var mined = await fx.MineAsync();
        var outcome = (await sending)[0];

        Assert.Equal([Hash(replacement)], mined.Select(Hash));
        Assert.Equal(TxStatus.Succeeded, outcome.Status);
        Assert.True(outcome.Replaced);
        Assert.Equal(Hash(replacement), outcome.Hash);
        Assert.Equal([Hash(original), Hash(replacement)], outcome.Hashes);
        Assert.Equal(Quantity(original, "nonce"), Quantity(replacement, "nonce"));
        foreach (var fee in new[] { "maxFeePerGas", "maxPriorityFeePerGas" })
        {
            Assert.True(Quantity(replacement, fee) * 8 >= Quantity(original, fee) * 9, $"{fee} raised by 12.5 % at least");
        }
    }

    [Fact]
    public async Task A_transaction_stuck_through_its_replacements_is_cancelled_and_never_runs()
    {
        var sender = await fx.FundedAsync("cancelled");
        var sending = fx.LivePipeline(receiptSeconds: 1.5, replacements: 1).ExecuteAsync([Transfer(sender, "hopeless")]);
        var cancellation = await fx.PooledAsync(sender, tx => string.Equals(tx.GetProperty("to").GetString(), sender.Address, StringComparison.OrdinalIgnoreCase));
        var mined = await fx.MineAsync();
        var outcome = (await sending)[0];

        Assert.Equal([Hash(cancellation)], mined.Select(Hash));
        Assert.Equal(BigInteger.Zero, Quantity(cancellation, "value"));
        Assert.Equal(TxStatus.Cancelled, outcome.Status);
        Assert.Equal(Hash(cancellation), outcome.Hash);
        Assert.Equal(3, outcome.Hashes.Count); // the original, one replacement, the cancellation
        Assert.Equal(Hash(cancellation), outcome.Hashes[^1]);
        Assert.Equal(BigInteger.Zero, await fx.Chain.GetBalanceAsync(Payee("hopeless").Address));
    }

    [Fact]
    public async Task A_transaction_never_mined_is_reported_unknown_and_lands_at_most_once()
    {
        var sender = await fx.FundedAsync("unknown");
        var pipeline = fx.LivePipeline(receiptSeconds: 1, replacements: 1);
        var outcome = (await pipeline.ExecuteAsync([Transfer(sender, "lost")]))[0];
        Assert.Equal(TxStatus.Unknown, outcome.Status);
        Assert.Equal(3, outcome.Hashes.Count);
        Assert.Equal(outcome.Hashes[^1], outcome.Hash);

        // The node mines after all: of the nonce's three transactions exactly one lands, one the outcome named.
        var mined = await fx.MineAsync();
        Assert.Equal([outcome.Hash], mined.Select(Hash));
        Assert.Equal(1, ChainConnection.ParseLong(await fx.Chain.Rpc.CallAsync("eth_getTransactionCount", sender.Address, "latest")));
        // The pipeline re-reads the account's nonce rather than reuse the stuck one's.
        var next = pipeline.ExecuteAsync([Transfer(sender, "next")]);
        await fx.PooledAsync(sender, _ => true);
        await fx.MineAsync();
        Assert.True((await next)[0].Succeeded);
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
        var outcome = await pipeline.ExecuteAsync(new TxRequest(anvil.DevAccounts[0], anvil.DevAccounts[1].Address, [], label: "live") { Value = 1 });
        // The receipt was found under the hash computed here, so the node hashed the same bytes.
        var mined = await chain.Rpc.CallAsync("eth_getTransactionByHash", outcome.Hash);
        Assert.Equal("0x2", mined.GetProperty("type").GetString());
        Assert.Equal(outcome.Hash, mined.GetProperty("hash").GetString());
        Assert.Equal(outcome.Hash, Assert.Single(outcome.Hashes));
    }
}
