using Nethereum.RPC.Eth.DTOs;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Nethereum.Hex.HexConvertors.Extensions;

namespace MicroMarket.Market.Chain;

/// <summary>
/// A JSON-RPC node the market runs on: the auto-started Anvil, another development node
/// (Hardhat's), or any other node (Geth in dev or PoA mode, ...). A development node's own methods
/// (its clock, explicit mining, snapshots, balances) are offered only when the node is one, each
/// under the name that node gives it, and fail with a clear message elsewhere.
/// </summary>
public sealed class ChainConnection : IDisposable
{
    private ChainConnection(JsonRpcClient rpc, long chainId, string clientVersion)
    {
        Rpc = rpc;
        ChainId = chainId;
        ClientVersion = clientVersion;
        Node = clientVersion.StartsWith("anvil", StringComparison.OrdinalIgnoreCase) ? DevelopmentNode.Anvil
            : clientVersion.StartsWith("HardhatNetwork", StringComparison.OrdinalIgnoreCase) ? DevelopmentNode.Hardhat
            : DevelopmentNode.None;
    }

    public JsonRpcClient Rpc { get; }

    // Set once the node has answered that it has no eth_getBlockReceipts.
    private volatile bool _noBlockReceipts;

    public long ChainId { get; }

    public string ClientVersion { get; }

    /// <summary>Which development node this is, from its client version: Anvil, Hardhat, or none (a node that keeps its own time).</summary>
    public DevelopmentNode Node { get; }

    /// <summary>True when the node is Anvil (its state dump, <see cref="CountStorageWordsAsync"/>, is Anvil's alone).</summary>
    public bool IsAnvil => Node == DevelopmentNode.Anvil;

    /// <summary>True when the node lets the market set its clock and mine on demand, which a simulation needs: Anvil or Hardhat.</summary>
    public bool IsDevelopmentNode => Node != DevelopmentNode.None;

    public static async Task<ChainConnection> ConnectAsync(Uri rpcUrl, TimeSpan? outageBudget = null)
    {
        var rpc = new JsonRpcClient(rpcUrl, outageBudget);
        try
        {
            var answers = await rpc.BatchAsync([new RpcRequest("eth_chainId"), new RpcRequest("web3_clientVersion")]).ConfigureAwait(false);
            var chainId = answers[0].Error is { } chainError
                ? throw new RpcException("eth_chainId", chainError)
                : ParseLong(answers[0].Result);
            var version = answers[1].Error is null ? answers[1].Result.GetString() ?? "" : "unknown";
            return new ChainConnection(rpc, chainId, version);
        }
        catch
        {
            rpc.Dispose();
            throw;
        }
    }

    /// <summary>The account's next nonce, counting its transactions waiting in the node's pool.</summary>
    public async Task<BigInteger> GetPendingNonceAsync(string address) =>
        ParseBig(await Rpc.CallAsync("eth_getTransactionCount", address, "pending").ConfigureAwait(false));

    public async Task<long> GetBlockNumberAsync() => ParseLong(await Rpc.CallAsync("eth_blockNumber").ConfigureAwait(false));

    /// <summary>Every log of <paramref name="address"/> with the given first topic (an event's signature), oldest first.</summary>
    public Task<IReadOnlyList<FilterLog>> GetLogsAsync(string address, string topic0) => GetLogsAsync(address, [topic0], null);

    /// <summary>Logs of <paramref name="address"/> matching the topics (null matches any) from <paramref name="fromBlock"/> (null: the first block), oldest first.</summary>
    public async Task<IReadOnlyList<FilterLog>> GetLogsAsync(string address, IReadOnlyList<string?> topics, long? fromBlock)
    {
        var filter = new Dictionary<string, object>
        {
            ["address"] = address,
            ["fromBlock"] = fromBlock is { } from ? Hex(from) : "earliest",
            ["toBlock"] = "latest",
            ["topics"] = topics.ToArray(),
        };
        var logs = await Rpc.CallAsync("eth_getLogs", filter).ConfigureAwait(false);
        return logs.EnumerateArray().Select(TransactionPipeline.ToFilterLog).ToList();
    }

    public async Task<long> GetLatestTimestampAsync()
    {
        var block = await Rpc.CallAsync("eth_getBlockByNumber", "latest", false).ConfigureAwait(false);
        return ParseLong(block.GetProperty("timestamp"));
    }

    /// <summary>
    /// The receipts of a mined block's transactions among <paramref name="hashes"/> (those not in the block are
    /// left out): one eth_getBlockReceipts call, or, on a node without it (Hardhat), one batch of
    /// eth_getTransactionReceipt.
    /// </summary>
    public async Task<IReadOnlyList<JsonElement>> GetReceiptsAsync(long block, IReadOnlyList<string> hashes)
    {
        if (!_noBlockReceipts)
        {
            try
            {
                var receipts = await Rpc.CallAsync("eth_getBlockReceipts", Hex(block)).ConfigureAwait(false);
                return receipts.EnumerateArray().ToList();
            }
            catch (RpcException ex) when (ex.Error.Code is -32601 or -32004)
            {
                _noBlockReceipts = true; // method not found / not supported: ask per transaction from now on
            }
        }
        var answers = await Rpc.BatchAsync(hashes.Select(h => new RpcRequest("eth_getTransactionReceipt", h)).ToList()).ConfigureAwait(false);
        return answers.Select(a => a.Error is { } error ? throw new RpcException("eth_getTransactionReceipt", error) : a.Result)
            .Where(r => r.ValueKind == JsonValueKind.Object && ParseLong(r.GetProperty("blockNumber")) == block)
            .ToList();
    }

    public async Task<BigInteger> GetGasPriceAsync() => ParseBig(await Rpc.CallAsync("eth_gasPrice").ConfigureAwait(false));

    public async Task<BigInteger> GetBalanceAsync(string address) =>
        ParseBig(await Rpc.CallAsync("eth_getBalance", address, "latest").ConfigureAwait(false));

    /// <summary>eth_call; a revert becomes a <see cref="ContractRevertException"/> with the decoded custom error.</summary>
    public async Task<string> CallAsync(string to, byte[] data, string? from = null, string block = "latest")
    {
        var call = new Dictionary<string, object?> { ["to"] = to, ["data"] = data.ToHex(prefix: true) };
        if (from is not null)
        {
            call["from"] = from;
        }
        try
        {
            return (await Rpc.CallAsync("eth_call", call, block).ConfigureAwait(false)).GetString() ?? "0x";
        }
        catch (RpcException ex) when (IsRevert(ex.Error))
        {
            throw new ContractRevertException($"eth_call to {to}", ex.Error.Data);
        }
    }

    // ------------------------------------------------------------------ development nodes only

    /// <summary>Mines one block, optionally at a given timestamp (never earlier than the last block); returns its number.</summary>
    public async Task<long> MineAsync(long? timestamp = null)
    {
        if (timestamp is { } t)
        {
            await SetNextBlockTimestampAsync(t).ConfigureAwait(false);
        }
        RequireDevelopmentNode("evm_mine");
        if (IsAnvil)
        {
            // evm_mine_detailed answers with the block it mined, so its number costs no second round trip (a run
            // mines 147 blocks a day).
            var mined = await Rpc.CallAsync("evm_mine_detailed").ConfigureAwait(false);
            return ParseLong(mined[0].GetProperty("number"));
        }
        // Hardhat answers evm_mine with "0"; the block number follows in the same batch, which it answers in order.
        var answers = await Rpc.BatchAsync([new RpcRequest("evm_mine"), new RpcRequest("eth_blockNumber")]).ConfigureAwait(false);
        return answers[0].Error is { } mineError ? throw new RpcException("evm_mine", mineError)
            : answers[1].Error is { } numberError ? throw new RpcException("eth_blockNumber", numberError)
            : ParseLong(answers[1].Result);
    }

    /// <summary>The timestamp of the next block; chain time only moves forward.</summary>
    public async Task SetNextBlockTimestampAsync(long timestamp)
    {
        RequireDevelopmentNode("evm_setNextBlockTimestamp");
        await Rpc.CallAsync("evm_setNextBlockTimestamp", Hex(timestamp)).ConfigureAwait(false);
    }

    /// <summary>
    /// Mines only on <see cref="MineAsync"/>: a simulation decides which transactions share a block and
    /// when it is mined. An Anvil the market starts already mines so (--no-mining); a node started by
    /// someone else usually mines every transaction as it arrives.
    /// </summary>
    public async Task StopAutomaticMiningAsync()
    {
        RequireDevelopmentNode("evm_setAutomine");
        await Rpc.CallAsync("evm_setAutomine", false).ConfigureAwait(false);
        // Both keep an interval miner (anvil --block-time, Hardhat's mining.interval) apart from automine.
        await Rpc.CallAsync("evm_setIntervalMining", 0).ConfigureAwait(false);
    }

    public async Task<string> SnapshotAsync()
    {
        RequireDevelopmentNode("evm_snapshot");
        return (await Rpc.CallAsync("evm_snapshot").ConfigureAwait(false)).GetString()!;
    }

    public async Task RevertToSnapshotAsync(string snapshotId)
    {
        RequireDevelopmentNode("evm_revert");
        if (!(await Rpc.CallAsync("evm_revert", snapshotId).ConfigureAwait(false)).GetBoolean())
        {
            throw new InvalidOperationException($"{ClientVersion} could not revert to snapshot {snapshotId}.");
        }
    }

    /// <summary>The chain's whole state (Anvil's <c>anvil_dumpState</c>: blocks, receipts, accounts), as <see cref="LoadStateAsync"/> takes it back.</summary>
    public async Task<string> DumpStateAsync() => (await Rpc.CallAsync("anvil_dumpState").ConfigureAwait(false)).GetString()!;

    /// <summary>Takes up a state <see cref="DumpStateAsync"/> returned (<c>anvil_loadState</c>): the chain goes on from its last block.</summary>
    public async Task LoadStateAsync(string state)
    {
        if (!(await Rpc.CallAsync("anvil_loadState", state).ConfigureAwait(false)).GetBoolean())
        {
            throw new InvalidOperationException($"{ClientVersion} could not load the saved chain state.");
        }
    }

    /// <summary>Whether a contract's code is at <paramref name="address"/>.</summary>
    public async Task<bool> HasCodeAsync(string address) =>
        (await Rpc.CallAsync("eth_getCode", address, "latest").ConfigureAwait(false)).GetString() is { Length: > 2 };

    /// <summary>Gives an account ether for gas (anvil_setBalance, hardhat_setBalance).</summary>
    public async Task SetBalancesAsync(IEnumerable<string> addresses, BigInteger wei)
    {
        var method = DevelopmentMethod("setBalance");
        var requests = addresses.Select(a => new RpcRequest(method, a, Hex(wei))).ToList();
        foreach (var response in await Rpc.BatchAsync(requests).ConfigureAwait(false))
        {
            if (response.Error is { } error)
            {
                throw new RpcException(method, error);
            }
        }
    }

    /// <summary>Removes a transaction from the node's pool (anvil_dropTransaction, hardhat_dropTransaction), so it can never be mined.</summary>
    public async Task DropTransactionAsync(string hash) =>
        await Rpc.CallAsync(DevelopmentMethod("dropTransaction"), hash).ConfigureAwait(false);

    /// <summary>
    /// How many storage words all accounts hold together, from Anvil's state dump. Anvil 1.7.1
    /// rehashes every one of them to mine each block (its in-memory state root is rebuilt from
    /// scratch), so this count, not the history, is what makes a grown chain slow.
    /// </summary>
    public async Task<long> CountStorageWordsAsync()
    {
        RequireAnvil("anvil_dumpState");
        var dump = Convert.FromHexString((await Rpc.CallAsync("anvil_dumpState").ConfigureAwait(false)).GetString().AsSpan(2));
        using var json = dump is [0x1f, 0x8b, ..]
            ? JsonDocument.Parse(new System.IO.Compression.GZipStream(new MemoryStream(dump), System.IO.Compression.CompressionMode.Decompress))
            : JsonDocument.Parse(dump);
        return json.RootElement.GetProperty("accounts").EnumerateObject()
            .Sum(a => a.Value.TryGetProperty("storage", out var storage) ? storage.EnumerateObject().LongCount() : 0);
    }

    public void Dispose() => Rpc.Dispose();

    private void RequireAnvil(string method)
    {
        if (!IsAnvil)
        {
            throw new NotSupportedException($"{method} needs an Anvil node; {ClientVersion} does not offer it.");
        }
    }

    internal void RequireDevelopmentNode(string method)
    {
        if (!IsDevelopmentNode)
        {
            throw new NotSupportedException(
                $"{method} needs a development node (Anvil or Hardhat); {ClientVersion} does not offer it. Against other nodes the market runs in live mode (wall-clock time, the node mines).");
        }
    }

    /// <summary>A development node's own method: Anvil names it anvil_X, Hardhat hardhat_X.</summary>
    private string DevelopmentMethod(string name)
    {
        RequireDevelopmentNode(name);
        return (IsAnvil ? "anvil_" : "hardhat_") + name;
    }

    internal static bool IsRevert(RpcError error) =>
        error.Code == 3 || error.Message.Contains("revert", StringComparison.OrdinalIgnoreCase);

    public static string Hex(long value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    public static string Hex(BigInteger value) =>
        value.IsZero ? "0x0" : "0x" + value.ToString("x", CultureInfo.InvariantCulture).TrimStart('0');

    public static long ParseLong(JsonElement hex) => checked((long)ParseBig(hex));

    public static BigInteger ParseBig(JsonElement hex)
    {
        var text = hex.GetString() ?? throw new InvalidDataException($"Expected a hex quantity, got {hex}.");
        return ParseBig(text);
    }

    public static BigInteger ParseBig(string text) =>
        text is "0x" or "0x0"
            ? BigInteger.Zero
            : BigInteger.Parse("0" + text[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}

/// <summary>The development nodes the market can drive: their clocks, mining and balances are the market's to set.</summary>
public enum DevelopmentNode
{
    /// <summary>Not a development node: it keeps wall time and mines on its own (Geth, a PoA chain, ...).</summary>
    None,

    /// <summary>Foundry's Anvil (web3_clientVersion "anvil/v1.7.1").</summary>
    Anvil,

    /// <summary>Hardhat's node, EDR (web3_clientVersion "HardhatNetwork/3.18.0/@nomicfoundation/edr/...").</summary>
    Hardhat,
}
