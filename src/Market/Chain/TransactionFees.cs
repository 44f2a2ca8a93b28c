using System.Numerics;

namespace MicroMarket.Market.Chain;

/// <summary>
/// What a transaction pays per gas now, and the block gas limit blocks are packed by. The one rule
/// for fees, used by the pipeline for the keys it holds and by every unit for its own transactions:
/// <list type="bullet">
/// <item>the fee cap is 2 x the latest base fee + tip (the next block's base fee is at most 12.5 %
/// higher, so the transaction stays minable through five full blocks in a row);</item>
/// <item>the tip is the node's suggestion (<c>eth_maxPriorityFeePerGas</c>; a node without that
/// method: its gas price less the base fee) when the node mines by itself, and zero with explicit
/// mining, where a tip buys nothing;</item>
/// <item>on top of both, a place in line (<see cref="Ahead"/>): nodes order a block by tip, then by
/// arrival, and arrival is not ours to fix (requests go out concurrently), so a transaction that
/// must come first offers more wei. Block contents and gas figures (the first writer of a storage
/// word pays more) are then reproducible.</item>
/// </list>
/// </summary>
public sealed record TransactionFees(BigInteger Tip, BigInteger MaxFee, long BlockGasLimit)
{
    /// <summary>
    /// Owners who sign their own transactions take places below this; the pipeline's own start
    /// above it, so in one block the pipeline's transactions come first, in request order, then
    /// the owners', by their places.
    /// </summary>
    public const long OwnerPlaces = 1 << 16;

    /// <summary>The fees of a transaction that goes <paramref name="places"/> wei ahead of the quote: ahead of every transaction with fewer places.</summary>
    public (BigInteger Tip, BigInteger MaxFee) Ahead(long places)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(places);
        return (Tip + places, MaxFee + places);
    }

    /// <summary>The fees to pay now (see the type's rule).</summary>
    public static async Task<TransactionFees> QuoteAsync(ChainConnection chain, bool explicitMining, CancellationToken cancellationToken) =>
        (await QuoteWithAsync(chain, explicitMining, [], cancellationToken).ConfigureAwait(false)).Fees;

    /// <summary>
    /// An account's next nonce (its transactions in the node's pool counted) and the fees to pay now,
    /// in one round trip: everything a signer needs to sign a transaction of its own.
    /// </summary>
    public static async Task<(BigInteger Nonce, TransactionFees Fees)> QuoteForAsync(
        ChainConnection chain, string account, bool explicitMining, CancellationToken cancellationToken)
    {
        var (fees, answers) = await QuoteWithAsync(chain, explicitMining, [new RpcRequest("eth_getTransactionCount", account, "pending")], cancellationToken)
            .ConfigureAwait(false);
        var nonce = answers[0].Error is { } error ? throw new RpcException("eth_getTransactionCount", error) : ChainConnection.ParseBig(answers[0].Result);
        return (nonce, fees);
    }

    /// <summary>
    /// The fees to pay now and the answers to <paramref name="reads"/> (reads of the same state, in
    /// their order), in one round trip: a batch's gas estimates ride with its fees, a round trip
    /// less per batch.
    /// </summary>
    public static async Task<(TransactionFees Fees, IReadOnlyList<RpcResponse> Answers)> QuoteWithAsync(
        ChainConnection chain, bool explicitMining, IReadOnlyList<RpcRequest> reads, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chain);
        var requests = Requests(explicitMining);
        var own = requests.Count;
        requests.AddRange(reads);
        var answers = await chain.Rpc.BatchAsync(requests, cancellationToken).ConfigureAwait(false);
        return (await FromAsync(chain, answers, explicitMining).ConfigureAwait(false), answers.Skip(own).ToList());
    }

    private static List<RpcRequest> Requests(bool explicitMining)
    {
        var requests = new List<RpcRequest> { new("eth_getBlockByNumber", "latest", false) };
        if (!explicitMining)
        {
            requests.Add(new RpcRequest("eth_maxPriorityFeePerGas"));
        }
        return requests;
    }

    private static async Task<TransactionFees> FromAsync(ChainConnection chain, IReadOnlyList<RpcResponse> answers, bool explicitMining)
    {
        var block = answers[0].Error is { } error ? throw new RpcException("eth_getBlockByNumber", error) : answers[0].Result;
        var baseFee = block.TryGetProperty("baseFeePerGas", out var fee)
            ? ChainConnection.ParseBig(fee)
            : throw new NotSupportedException($"{chain.ClientVersion} reports no base fee: its chain predates EIP-1559 (London), and transactions here are type 2.");
        var tip = explicitMining ? BigInteger.Zero
            : answers[1].Error is null ? ChainConnection.ParseBig(answers[1].Result)
            : BigInteger.Max(BigInteger.Zero, await chain.GetGasPriceAsync().ConfigureAwait(false) - baseFee);
        return new TransactionFees(tip, 2 * baseFee + tip, ChainConnection.ParseLong(block.GetProperty("gasLimit")));
    }
}
