using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using MicroMarket.Market.Chain;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Model;
using Nethereum.Signer;

namespace MicroMarket.Market.Tests.Chain;

public sealed class KeyAndHashTests
{
    [Theory]
    [InlineData("", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")]
    [InlineData("abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")]
    public void Keccak_matches_known_vectors(string input, string expected) =>
        Assert.Equal(expected, Keccak.Hash(Encoding.ASCII.GetBytes(input)).ToHex());

    [Fact]
    public void Keccak_agrees_with_nethereum_across_block_boundaries()
    {
        var random = new Random(7);
        foreach (var length in new[] { 1, 135, 136, 137, 271, 272, 1000, 6200 })
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(Nethereum.Util.Sha3Keccack.Current.CalculateHash(data).ToHex(), Keccak.Hash(data).ToHex());
        }
    }

    [Fact]
    public void A_key_has_its_known_address_and_signatures_recover_to_it()
    {
        var key = EthKey.FromHex("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
        Assert.Equal("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", key.Address);
        var hash = Keccak.Hash("meter reading"u8);
        var rsv = key.SignHashRsv(hash);
        var signature = EthECDSASignatureFactory.FromComponents(rsv[..32], rsv[32..64], rsv[64]);
        Assert.Equal(key.Address, EthECKey.RecoverFromSignature(signature, hash).GetPublicAddress());
        Assert.DoesNotContain("ac0974bec", key.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("0x70997970C51812dc3A010C7d01b7E6E5E5FB3c3A", "0xa9059cbb00ff", 0)]
    [InlineData(null, "0x6080604052", 1)] // a contract creation (no recipient), with value
    public void A_type_2_transaction_is_signed_byte_for_byte_as_Nethereum_signs_it(string? to, string data, int ether)
    {
        var key = EthKey.FromHex("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
        var value = BigInteger.Pow(10, 18) * ether;
        var tx = new RawTransaction(Nonce: 7, MaxPriorityFeePerGas: 1_500_000_000, MaxFeePerGas: 31_000_000_001, GasLimit: 123_456,
            to, value, data.HexToByteArray(), ChainId: 31337);
        var ours = tx.Sign(key);
        // Both sign deterministically (RFC 6979) with low s, so the bytes must match exactly.
        var theirs = new Transaction1559Signer().SignTransaction(key.ExportPrivateKeyHex(),
            new Transaction1559(31337, 7, 1_500_000_000, 31_000_000_001, 123_456, to, value, data, []));
        Assert.Equal(theirs.EnsureHexPrefix(), ours.RawHex);
        Assert.Equal(0x02, ours.Raw[0]);
        Assert.Equal(Nethereum.Util.Sha3Keccack.Current.CalculateHash(theirs.HexToByteArray()).ToHex(prefix: true), ours.Hash);
        Assert.Equal(key.Address, TransactionVerificationAndRecovery.GetSenderAddress(ours.RawHex), ignoreCase: true);
    }

    [Fact]
    public void Keys_work_where_libsecp256k1_is_bundled_and_32_bit_ARM_is_told_to_use_the_64_bit_build()
    {
        Assert.Null(EthKey.CannotSignOn(RuntimeInformation.ProcessArchitecture));
        Assert.Null(EthKey.CannotSignOn(Architecture.Arm64));
        foreach (var arm32 in new[] { Architecture.Arm, Architecture.Armv6 })
        {
            var refusal = EthKey.CannotSignOn(arm32);
            Assert.NotNull(refusal);
            Assert.Contains($"this process runs on {arm32.ToString().ToLowerInvariant()}:", refusal, StringComparison.Ordinal);
            Assert.Contains("run the linux-arm64 build on a 64-bit OS", refusal, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Derived_keys_are_reproducible_and_distinct()
    {
        Assert.Equal(EthKey.Derive("unit", 3).Address, EthKey.Derive("unit", 3).Address);
        Assert.NotEqual(EthKey.Derive("unit", 3).Address, EthKey.Derive("unit", 4).Address);
    }
}

[Collection(AnvilCollection.Name)]
public sealed class JsonRpcClientTests(AnvilFixture fx)
{
    [Fact]
    public async Task Calls_made_at_once_go_out_together_and_each_caller_gets_its_own_answers()
    {
        // Callers hashing different texts, one asking for a method that does not exist, all at once.
        var texts = Enumerable.Range(0, 40).Select(i => $"caller {i}").ToList();
        var hashes = texts.Select(t => fx.Chain.Rpc.CallAsync("web3_sha3", Encoding.UTF8.GetBytes(t).ToHex(prefix: true))).ToList();
        var pairs = texts.Select(t => fx.Chain.Rpc.BatchAsync([new RpcRequest("web3_sha3", Encoding.UTF8.GetBytes(t).ToHex(prefix: true)), new RpcRequest("eth_chainId")])).ToList();
        var unknown = fx.Chain.Rpc.CallAsync("eth_noSuchMethod");
        for (var i = 0; i < texts.Count; i++)
        {
            var expected = Keccak.Hash(Encoding.UTF8.GetBytes(texts[i])).ToHex(prefix: true);
            Assert.Equal(expected, (await hashes[i]).GetString());
            var pair = await pairs[i];
            Assert.Equal(expected, pair[0].Result.GetString());
            Assert.Equal(fx.Chain.ChainId, ChainConnection.ParseLong(pair[1].Result));
        }
        await Assert.ThrowsAsync<RpcException>(() => unknown);
    }
}

[Collection(AnvilCollection.Name)]
public sealed class TransactionPipelineTests(AnvilFixture fx)
{
    [Fact]
    public Task A_rejected_transaction_leaves_no_nonce_gap() => fx.IsolatedAsync(async () =>
    {
        var broke = EthKey.Derive("broke", 0);
        var friend = EthKey.Derive("friend", 0);
        await fx.FundAsync([friend]);
        // The broke account cannot pay gas: the node rejects its first transaction, and its second
        // is not sent at all (it would sit behind the gap forever).
        var outcomes = await fx.Pipeline.ExecuteAsync([
            new TxRequest(broke, friend.Address, [], 21_000, "first") { Value = 1 },
            new TxRequest(broke, friend.Address, [], 21_000, "second") { Value = 1 },
            new TxRequest(friend, broke.Address, [], 21_000, "fund") { Value = BigInteger.Pow(10, 18) },
        ], AnvilFixture.Deployed + 1);
        Assert.Equal([TxStatus.NotSent, TxStatus.NotSent, TxStatus.Succeeded], outcomes.Select(o => o.Status));
        Assert.IsType<RpcException>(outcomes[0].Failure);
        Assert.Contains("earlier transaction", outcomes[1].Failure!.Message);
        // Funded now, the account sends with the nonce it never used.
        var retry = await fx.Pipeline.ExecuteAsync(new TxRequest(broke, friend.Address, [], 21_000, "retry") { Value = 1 }, AnvilFixture.Deployed + 2);
        Assert.True(retry.Succeeded);
    });

    [Fact]
    public Task A_nonce_used_behind_the_pipelines_back_is_read_again_and_the_transaction_resent() => fx.IsolatedAsync(async () =>
    {
        var shared = EthKey.Derive("shared", 0);
        await fx.FundAsync([shared]);
        TxRequest Transfer(string label) => new(shared, fx.Operator.Address, [], 21_000, label) { Value = 1 };
        Assert.True((await fx.Pipeline.ExecuteAsync(Transfer("first"), AnvilFixture.Deployed + 1)).Succeeded);
        // Another process sends from the same account: the nonce the pipeline holds is now used.
        var elsewhere = new TransactionPipeline(fx.Chain);
        Assert.True((await elsewhere.ExecuteAsync(Transfer("elsewhere"), AnvilFixture.Deployed + 2)).Succeeded);
        var outcomes = await fx.Pipeline.ExecuteAsync([Transfer("second"), Transfer("third")], AnvilFixture.Deployed + 3);
        Assert.All(outcomes, o => Assert.True(o.Succeeded, o.Failure?.Message));
        Assert.True((await fx.Pipeline.ExecuteAsync(Transfer("fourth"), AnvilFixture.Deployed + 4)).Succeeded);
        Assert.Equal(5, ChainConnection.ParseLong(await fx.Chain.Rpc.CallAsync("eth_getTransactionCount", shared.Address, "latest")));
    });

    [Fact]
    public Task No_transaction_asks_for_more_gas_than_the_per_transaction_cap() => fx.IsolatedAsync(async () =>
    {
        var sender = EthKey.Derive("heavy", 0);
        await fx.FundAsync([sender]);
        // Calldata costs 40 gas a non-zero byte at least (EIP-7623): 380 000 bytes need 15.2 M gas,
        // whose margin (+20 %) would pass the cap; 500 000 bytes need 20 M, above it.
        byte[] Bytes(int n) => Enumerable.Repeat((byte)0xff, n).ToArray();
        var outcomes = await fx.Pipeline.ExecuteAsync([
            new TxRequest(sender, fx.Operator.Address, Bytes(380_000), label: "near the cap"),
            new TxRequest(sender, fx.Operator.Address, Bytes(500_000), label: "above the cap"),
            new TxRequest(sender, fx.Operator.Address, [], TransactionPipeline.TransactionGasCap + 1, "asks for too much"),
        ], AnvilFixture.Deployed + 1);
        Assert.True(outcomes[0].Succeeded, outcomes[0].Failure?.Message);
        var mined = await fx.Chain.Rpc.CallAsync("eth_getTransactionByHash", outcomes[0].Hash);
        Assert.Equal(TransactionPipeline.TransactionGasCap, ChainConnection.ParseLong(mined.GetProperty("gas")));
        Assert.Equal(21_000 + 40 * 380_000, outcomes[0].GasUsed);
        foreach (var refused in outcomes.Skip(1))
        {
            Assert.Equal(TxStatus.NotSent, refused.Status);
            Assert.Contains("cap of 2^24 = 16,777,216", refused.Failure!.Message);
        }
    });

    [Fact]
    public async Task The_chain_refuses_what_Ethereum_refuses()
    {
        var latest = await fx.Chain.Rpc.CallAsync("eth_getBlockByNumber", "latest", false);
        Assert.Equal(60_000_000, ChainConnection.ParseLong(latest.GetProperty("gasLimit")));
        // Past the pipeline's own check, the node itself refuses a transaction above 2^24 gas.
        var tooMuch = new RawTransaction(0, 1, 1, TransactionPipeline.TransactionGasCap + 1, fx.Operator.Address, 0, [], fx.Chain.ChainId);
        var refusal = await Assert.ThrowsAsync<RpcException>(() =>
            fx.Chain.Rpc.CallAsync("eth_sendRawTransaction", tooMuch.Sign(EthKey.Derive("anyone", 0)).RawHex));
        Assert.Contains("tx_gas_limit_cap", refusal.Message);
    }

    [Fact]
    public Task Blocks_hold_at_most_the_block_gas_limit() => fx.IsolatedAsync(async () =>
    {
        var senders = Enumerable.Range(0, 7).Select(i => EthKey.Derive("packed", i)).ToList();
        await fx.FundAsync(senders);
        // Three limits of 16 M fit a 60 M block, a fourth would not: 3 + 3 + 1, whatever gas they use.
        var outcomes = await fx.Pipeline.ExecuteAsync(
            senders.Select((s, i) => new TxRequest(s, fx.Operator.Address, [], 16_000_000, $"t{i}")).ToList(), AnvilFixture.Deployed + 1);
        Assert.All(outcomes, o => Assert.True(o.Succeeded, o.Failure?.Message));
        Assert.Equal([3, 3, 1], outcomes.GroupBy(o => o.BlockNumber).Select(g => g.Count()));
        Assert.Equal(outcomes.Select(o => o.BlockNumber).Order(), outcomes.Select(o => o.BlockNumber));
    });

    [Fact]
    public Task An_under_gassed_transaction_is_reported_not_lost_silently() => fx.IsolatedAsync(async () =>
    {
        var sender = EthKey.Derive("sender", 0);
        await fx.FundAsync([sender]);
        var data = new byte[2000];
        Array.Fill(data, (byte)1);
        var outcome = (await fx.Pipeline.ExecuteAsync([new TxRequest(sender, fx.Operator.Address, data, 21_000, "too little gas")], AnvilFixture.Deployed + 1))[0];
        Assert.Equal(TxStatus.NotSent, outcome.Status);
        // Whichever way the node refuses it (at once, or by dropping it), the account goes on.
        var next = await fx.Pipeline.ExecuteAsync(new TxRequest(sender, fx.Operator.Address, data, label: "estimated"), AnvilFixture.Deployed + 2);
        Assert.True(next.Succeeded);
    });

    [Fact]
    public Task Blocks_follow_request_order() => fx.IsolatedAsync(async () =>
    {
        var senders = Enumerable.Range(0, 400).Select(i => EthKey.Derive("order", i)).ToList();
        await fx.FundAsync(senders);
        var outcomes = await fx.Pipeline.ExecuteAsync(
            senders.Select((s, i) => new TxRequest(s, fx.Operator.Address, [(byte)i], 30_000, $"t{i}")).ToList(), AnvilFixture.Deployed + 1);
        // 400 transactions fill two blocks (at most 300 each), both at the batch's time.
        var blocks = outcomes.Select(o => o.BlockNumber).Distinct().ToList();
        Assert.Equal(2, blocks.Count);
        var mined = new List<string?>();
        foreach (var number in blocks)
        {
            var block = await fx.Chain.Rpc.CallAsync("eth_getBlockByNumber", ChainConnection.Hex(number), false);
            Assert.Equal(AnvilFixture.Deployed + 1, ChainConnection.ParseLong(block.GetProperty("timestamp")));
            mined.AddRange(block.GetProperty("transactions").EnumerateArray().Select(t => t.GetString()));
        }
        Assert.Equal(outcomes.Select(o => o.Hash), mined);
    });

    [Fact]
    public Task Transactions_signed_by_their_owners_are_mined_by_place_behind_the_pipelines_own() => fx.IsolatedAsync(async () =>
    {
        var owners = Enumerable.Range(0, 40).Select(i => EthKey.Derive("owner", i)).ToList();
        var held = Enumerable.Range(0, 3).Select(i => EthKey.Derive("held", i)).ToList();
        await fx.FundAsync([.. owners, .. held]);
        var fees = await TransactionFees.QuoteAsync(fx.Chain, fx.Pipeline.MinesExplicitly, CancellationToken.None);
        // Owner i takes place 40 - i (the lowest index goes first), signs at the chain's nonce, and
        // the batch lists them in reverse, interleaved with keys the pipeline holds.
        var signed = owners.Select((o, i) => new TxIntent(fx.Operator.Address, [(byte)i], 30_000, $"owner {i}")
            .SignedBy(o, 0, fees, 40 - i, fx.Chain.ChainId).ToRequest()).Reverse().ToList();
        var pipelines = held.Select((k, i) => new TxRequest(k, fx.Operator.Address, [(byte)(100 + i)], 30_000, $"held {i}")).ToList();
        var batch = signed.Take(20).Concat(pipelines).Concat(signed.Skip(20)).ToList();
        var outcomes = await fx.Pipeline.ExecuteAsync(batch, AnvilFixture.Deployed + 1);
        Assert.All(outcomes, o => Assert.True(o.Succeeded, o.Failure?.Message));
        Assert.Single(outcomes.Select(o => o.BlockNumber).Distinct());
        var block = await fx.Chain.Rpc.CallAsync("eth_getBlockByNumber", ChainConnection.Hex(outcomes[0].BlockNumber), false);
        var mined = block.GetProperty("transactions").EnumerateArray().Select(t => t.GetString()).ToList();
        var byLabel = outcomes.ToDictionary(o => o.Request.Label, o => o.Hash);
        var expected = Enumerable.Range(0, 3).Select(i => byLabel[$"held {i}"]).Concat(Enumerable.Range(0, 40).Select(i => byLabel[$"owner {i}"]));
        Assert.Equal(expected, mined);
    });

    [Fact]
    public Task An_owners_transaction_is_sent_as_signed_never_re_signed() => fx.IsolatedAsync(async () =>
    {
        var owner = EthKey.Derive("owner-nonce", 0);
        await fx.FundAsync([owner]);
        var fees = await TransactionFees.QuoteAsync(fx.Chain, fx.Pipeline.MinesExplicitly, CancellationToken.None);
        var first = new TxIntent(fx.Operator.Address, [1], 30_000, "first").SignedBy(owner, 0, fees, 1, fx.Chain.ChainId);
        Assert.True((await fx.Pipeline.ExecuteAsync([first.ToRequest()], AnvilFixture.Deployed + 1))[0].Succeeded);
        // Signed again at the nonce the chain has used: the signature covers the nonce, so the
        // pipeline cannot move it as it does for the keys it holds; the node's refusal is reported.
        var replayed = new TxIntent(fx.Operator.Address, [2], 30_000, "replayed").SignedBy(owner, 0, fees, 1, fx.Chain.ChainId);
        var outcome = (await fx.Pipeline.ExecuteAsync([replayed.ToRequest()], AnvilFixture.Deployed + 2))[0];
        Assert.Equal(TxStatus.NotSent, outcome.Status);
        Assert.Equal(BigInteger.One, await fx.Chain.GetPendingNonceAsync(owner.Address));
    });

    [Fact]
    public Task Chain_time_follows_the_batches() => fx.IsolatedAsync(async () =>
    {
        await fx.Pipeline.ExecuteAsync([], AnvilFixture.Genesis + 123);
        Assert.Equal(AnvilFixture.Genesis + 123, await fx.Chain.GetLatestTimestampAsync());
    });
}

public sealed class AnvilNodeTests
{
    [Fact]
    public async Task Dispose_stops_exactly_its_process()
    {
        var anvil = await AnvilNode.StartAsync(new AnvilOptions { Accounts = 2 });
        using var process = Process.GetProcessById(anvil.ProcessId);
        using (var chain = await ChainConnection.ConnectAsync(anvil.RpcUrl))
        {
            Assert.True(chain.IsAnvil);
            Assert.Equal(31337, chain.ChainId);
            Assert.Equal(2, anvil.DevAccounts.Count);
        }
        await anvil.DisposeAsync();
        Assert.True(process.WaitForExit(5000));
    }
}
