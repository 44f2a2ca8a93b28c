using Nethereum.RPC.Eth.DTOs;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Nethereum.Hex.HexConvertors.Extensions;

namespace MicroMarket.Market.Chain;

/// <summary>
/// A JSON-RPC node the market runs on: the auto-started Anvil or any other node (Geth in dev or
/// PoA mode, ...). Anvil-only methods (time warp, explicit mining, snapshots) are offered only
/// when the node is Anvil and fail with a clear message elsewhere.
/// </summary>
public sealed class ChainConnection : IDisposable
{
    private ChainConnection(JsonRpcClient rpc, long chainId, string clientVersion)
    {
        Rpc = rpc;
        ChainId = chainId;
        ClientVersion = clientVersion;
        IsAnvil = clientVersion.StartsWith("anvil", StringComparison.OrdinalIgnoreCase);
    }

    public JsonRpcClient Rpc { get; }

    public long ChainId { get; }

    public string ClientVersion { get; }

    /// <summary>True when the node offers Anvil's evm_mine_detailed, evm_setNextBlockTimestamp and friends.</summary>
    public bool IsAnvil { get; }

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

    // ------------------------------------------------------------------ Anvil only

    /// <summary>Mines one block, optionally at a given timestamp (never earlier than the last block); returns its number.</summary>
    public async Task<long> MineAsync(long? timestamp = null)
    {
        if (timestamp is { } t)
        {
            await SetNextBlockTimestampAsync(t).ConfigureAwait(false);
        }
        // evm_mine_detailed answers with the block it mined, so its number costs no second round trip (a run
        // mines 147 blocks a day).
        RequireAnvil("evm_mine_detailed");
        var mined = await Rpc.CallAsync("evm_mine_detailed").ConfigureAwait(false);
        return ParseLong(mined[0].GetProperty("number"));
    }

    /// <summary>The timestamp of the next block; chain time only moves forward.</summary>
    public async Task SetNextBlockTimestampAsync(long timestamp)
    {
        RequireAnvil("evm_setNextBlockTimestamp");
        await Rpc.CallAsync("evm_setNextBlockTimestamp", Hex(timestamp)).ConfigureAwait(false);
    }

    public async Task<string> SnapshotAsync()
    {
        RequireAnvil("evm_snapshot");
        return (await Rpc.CallAsync("evm_snapshot").ConfigureAwait(false)).GetString()!;
    }

    public async Task RevertToSnapshotAsync(string snapshotId)
    {
        RequireAnvil("evm_revert");
        if (!(await Rpc.CallAsync("evm_revert", snapshotId).ConfigureAwait(false)).GetBoolean())
        {
            throw new InvalidOperationException($"Anvil could not revert to snapshot {snapshotId}.");
        }
    }

    /// <summary>Gives an account ether for gas (Anvil's anvil_setBalance).</summary>
    public async Task SetBalancesAsync(IEnumerable<string> addresses, BigInteger wei)
    {
        RequireAnvil("anvil_setBalance");
        var requests = addresses.Select(a => new RpcRequest("anvil_setBalance", a, Hex(wei))).ToList();
        foreach (var response in await Rpc.BatchAsync(requests).ConfigureAwait(false))
        {
            if (response.Error is { } error)
            {
                throw new RpcException("anvil_setBalance", error);
            }
        }
    }

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

    internal void RequireAnvil(string method)
    {
        if (!IsAnvil)
        {
            throw new NotSupportedException(
                $"{method} needs an Anvil node; {ClientVersion} does not offer it. Against other nodes the market runs in live mode (wall-clock time, the node mines).");
        }
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
