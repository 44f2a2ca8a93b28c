using System.Net;
using System.Net.Sockets;
using System.Numerics;
using System.Text;
using System.Text.Json;
using MicroMarket.Market.Chain;

namespace MicroMarket.Market.Tests.Chain;

/// <summary>
/// A real Anvil (mining each transaction as it comes, as a live market's does) with the market's
/// RPC filter in front of it: <see cref="Direct"/> is the market host's own access, <see cref="Filtered"/>
/// what every other node gets.
/// </summary>
public sealed class FilteredAnvil : IAsyncLifetime
{
    private AnvilNode? _anvil;

    public AnvilNode Anvil => _anvil ?? throw new InvalidOperationException("Anvil is not running.");

    public RpcFilterProxy Proxy { get; private set; } = null!;

    public ChainConnection Direct { get; private set; } = null!;

    public ChainConnection Filtered { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _anvil = await AnvilNode.StartAsync(new AnvilOptions { ExplicitMining = false });
        Proxy = RpcFilterProxy.Start(_anvil.RpcUrl, "127.0.0.1");
        Direct = await ChainConnection.ConnectAsync(_anvil.RpcUrl);
        Filtered = await ChainConnection.ConnectAsync(Proxy.Url);
    }

    public async Task DisposeAsync()
    {
        Filtered.Dispose();
        Direct.Dispose();
        await Proxy.DisposeAsync();
        if (_anvil is not null)
        {
            await _anvil.DisposeAsync();
        }
    }
}

/// <summary>
/// Security review: "In cluster mode Anvil listens on the LAN, so any Pi can call
/// anvil_setStorageAt or move time." Every test here checks a part of the fix: Anvil on loopback
/// behind <see cref="RpcFilterProxy"/>, which forwards only the standard read methods and
/// eth_sendRawTransaction.
/// </summary>
public sealed class RpcFilterProxyTests(FilteredAnvil fx) : IClassFixture<FilteredAnvil>
{
    private static readonly HttpClient Http = new();

    // Finding: any node could rewrite state, move or mine the chain, trace, administer the node,
    // or sign with Anvil's unlocked development accounts (the operator's, by default).
    [Theory]
    [InlineData("anvil_setStorageAt")]
    [InlineData("anvil_setBalance")]
    [InlineData("anvil_impersonateAccount")]
    [InlineData("evm_mine")]
    [InlineData("evm_setNextBlockTimestamp")]
    [InlineData("evm_increaseTime")]
    [InlineData("evm_snapshot")]
    [InlineData("evm_revert")]
    [InlineData("hardhat_setBalance")]
    [InlineData("debug_traceTransaction")]
    [InlineData("trace_transaction")]
    [InlineData("admin_nodeInfo")]
    [InlineData("personal_sign")]
    [InlineData("miner_stop")]
    [InlineData("txpool_content")]
    [InlineData("ots_getApiLevel")]
    [InlineData("eth_sendTransaction")]
    [InlineData("eth_sign")]
    [InlineData("eth_signTransaction")]
    [InlineData("eth_signTypedData_v4")]
    [InlineData("eth_accounts")]
    [InlineData("eth_newFilter")]
    [InlineData("eth_subscribe")]
    [InlineData("a_methodNobodyHasYet")]
    public async Task Every_method_but_the_standard_reads_and_raw_sends_is_refused_by_name(string method)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => fx.Filtered.Rpc.CallAsync(method));

        Assert.Equal(RpcFilterProxy.RefusedCode, refused.Error.Code);
        Assert.StartsWith($"{method} is reserved to the market host", refused.Error.Message, StringComparison.Ordinal);
    }

    // Finding: a refused call must not have reached Anvil at all, not merely have its answer hidden.
    [Fact]
    public async Task Refused_calls_leave_the_chain_as_it_was()
    {
        var account = EthKey.Derive("filter-victim", 0).Address;
        var block = await fx.Direct.GetBlockNumberAsync();
        var farFuture = ChainConnection.Hex(4_102_444_800); // 2100-01-01

        foreach (var (method, args) in new (string, object?[])[]
        {
            ("anvil_setBalance", [account, "0xde0b6b3a7640000"]),
            ("anvil_setStorageAt", [account, "0x0", "0x" + new string('f', 64)]),
            ("evm_setNextBlockTimestamp", [farFuture]),
            ("evm_mine", []),
        })
        {
            await Assert.ThrowsAsync<RpcException>(() => fx.Filtered.Rpc.CallAsync(method, args));
        }

        Assert.Equal(BigInteger.Zero, await fx.Direct.GetBalanceAsync(account));
        Assert.Equal("0x" + new string('0', 64), (await fx.Direct.Rpc.CallAsync("eth_getStorageAt", account, "0x0", "latest")).GetString());
        Assert.Equal(block, await fx.Direct.GetBlockNumberAsync());
        await fx.Direct.MineAsync();
        Assert.True(await fx.Direct.GetLatestTimestampAsync() < 4_102_444_800);
    }

    // The fix must leave the nodes every call a unit makes: connect, read state, blocks and logs,
    // simulate, and send a transaction it signed itself.
    [Fact]
    public async Task A_participant_reads_and_sends_its_own_transactions_through_the_filter()
    {
        var sender = EthKey.Derive("filter-participant", 0);
        var receiver = EthKey.Derive("filter-participant", 1).Address;
        await fx.Direct.SetBalancesAsync([sender.Address], BigInteger.Pow(10, 24)); // the market host gives gas

        Assert.Equal(31337, fx.Filtered.ChainId);
        Assert.True(fx.Filtered.IsAnvil);
        var pipeline = new TransactionPipeline(fx.Filtered, new TransactionPipelineOptions { MineExplicitly = false });
        var sent = await pipeline.ExecuteAsync(new TxRequest(sender, receiver, [], label: "transfer") { Value = 1000 });

        Assert.True(sent.Succeeded);
        Assert.Equal(1000, await fx.Filtered.GetBalanceAsync(receiver));
        Assert.Equal(sent.BlockNumber, await fx.Filtered.GetBlockNumberAsync());
        Assert.Equal(await fx.Direct.GetLatestTimestampAsync(), await fx.Filtered.GetLatestTimestampAsync());
        Assert.Empty(await fx.Filtered.GetLogsAsync(receiver, "0x" + new string('0', 64)));
        // eth_call of init code that returns the word 42 (PUSH1 42, PUSH1 0, MSTORE, PUSH1 32, PUSH1 0, RETURN).
        var call = await fx.Filtered.Rpc.CallAsync("eth_call", new Dictionary<string, object?> { ["data"] = "0x602a60005260206000f3" }, "latest");
        Assert.Equal(42, ChainConnection.ParseBig(call));
    }

    // Finding: a batch must not smuggle a cheat call past the filter next to allowed ones.
    [Fact]
    public async Task A_batch_is_answered_call_by_call_with_each_refusal_in_its_place()
    {
        var (status, answer) = await PostAsync("""
            [{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]},
             {"jsonrpc":"2.0","id":"two","method":"evm_mine","params":[]},
             {"jsonrpc":"2.0","id":3,"method":"eth_blockNumber","params":[]},
             {"jsonrpc":"2.0","id":4,"method":"anvil_setBalance","params":["0x0000000000000000000000000000000000000001","0x1"]},
             7]
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        var items = answer!.RootElement.EnumerateArray().ToList();
        Assert.Equal(["1", "\"two\"", "3", "4", "null"], items.Select(i => i.GetProperty("id").GetRawText()));
        Assert.Equal("0x7a69", items[0].GetProperty("result").GetString());
        Assert.Equal(RpcFilterProxy.RefusedCode, ErrorCode(items[1]));
        Assert.True(items[2].TryGetProperty("result", out _));
        Assert.Equal(RpcFilterProxy.RefusedCode, ErrorCode(items[3]));
        Assert.Equal(-32600, ErrorCode(items[4]));

        var (_, allRefused) = await PostAsync("""[{"jsonrpc":"2.0","id":1,"method":"evm_mine"},{"jsonrpc":"2.0","id":2,"method":"debug_traceTransaction","params":["0x00"]}]""");
        Assert.Equal([RpcFilterProxy.RefusedCode, RpcFilterProxy.RefusedCode], allRefused!.RootElement.EnumerateArray().Select(ErrorCode));
    }

    // Finding: what the filter cannot read as one call of one allowed method is not forwarded.
    [Fact]
    public async Task What_is_not_a_JSON_RPC_post_of_an_allowed_method_is_refused()
    {
        using (var get = await Http.GetAsync(fx.Proxy.Url))
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
            Assert.Equal("POST", Assert.Single(get.Content.Headers.Allow));
        }
        Assert.StartsWith("HTTP/1.1 413 ", await StatusLineForHeadersOnlyAsync($"POST / HTTP/1.1\r\nHost: {fx.Proxy.Url.Authority}\r\nContent-Length: {RpcFilterProxy.MaxBodyBytes + 1}\r\n\r\n"), StringComparison.Ordinal);
        Assert.Equal(-32700, ErrorCode((await PostAsync("{oops")).Answer!.RootElement));
        // Two method keys might be read one way here and the other way by the node.
        Assert.Equal(-32600, ErrorCode((await PostAsync("""{"jsonrpc":"2.0","id":1,"method":"eth_chainId","method":"anvil_setBalance"}""")).Answer!.RootElement));
        // An escaped name is the name it spells.
        var escaped = (await PostAsync("""{"jsonrpc":"2.0","id":1,"method":"anvil\u005fsetBalance","params":[]}""")).Answer!.RootElement;
        Assert.StartsWith("anvil_setBalance is reserved", escaped.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    // The fix adds a listener to the market node: it must sit where the firewall expects it and go with the market.
    [Fact]
    public async Task A_fixed_port_is_taken_or_refused_and_disposing_closes_it()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        var taken = Assert.Throws<IOException>(() => RpcFilterProxy.Start(fx.Anvil.RpcUrl, "127.0.0.1", port));
        Assert.Contains($"port {port}", taken.Message, StringComparison.Ordinal);
        probe.Stop();

        var proxy = RpcFilterProxy.Start(fx.Anvil.RpcUrl, "127.0.0.1", port);
        Assert.Equal(new Uri($"http://127.0.0.1:{port}/"), proxy.Url);
        using (var chain = await ChainConnection.ConnectAsync(proxy.Url))
        {
            Assert.Equal(31337, chain.ChainId);
        }
        await proxy.DisposeAsync();

        using var client = new TcpClient();
        await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, port));
    }

    /// <summary>Sends a request's head and none of its body: an oversized body is refused before it is read.</summary>
    private async Task<string> StatusLineForHeadersOnlyAsync(string head)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, fx.Proxy.Url.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadLineAsync() ?? "";
    }

    private static int ErrorCode(JsonElement answer) => answer.GetProperty("error").GetProperty("code").GetInt32();

    private async Task<(HttpStatusCode Status, JsonDocument? Answer)> PostAsync(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(fx.Proxy.Url, content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonDocument.Parse(text));
    }
}
