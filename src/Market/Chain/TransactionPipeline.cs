using System.Numerics;
using System.Text.Json;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;

namespace MicroMarket.Market.Chain;

/// <summary>
/// One transaction to send: either signed here by a key the pipeline holds (which then chooses its
/// nonce, fees and, when not given, gas limit), or signed already by its owner and sent as it is (a
/// unit signs its own orders wherever it runs, its key never leaving it).
/// </summary>
public sealed record TxRequest
{
    /// <summary>A transaction the pipeline signs with <paramref name="key"/>.</summary>
    public TxRequest(EthKey key, string? to, byte[] data, long? gasLimit = null, string label = "")
    {
        ArgumentNullException.ThrowIfNull(key);
        Key = key;
        From = key.Address;
        To = to;
        Data = data;
        GasLimit = gasLimit;
        Label = label;
    }

    /// <summary>A transaction its owner signed: the pipeline can neither re-sign nor replace it.</summary>
    public TxRequest(SignedTransaction signed, string label)
    {
        ArgumentNullException.ThrowIfNull(signed);
        Signed = signed;
        From = signed.From;
        To = signed.Transaction.To;
        Data = signed.Transaction.Data;
        GasLimit = signed.Transaction.GasLimit;
        Value = signed.Transaction.Value;
        Label = label;
    }

    /// <summary>The sending account.</summary>
    public string From { get; }

    /// <summary>The key that signs here; null for a transaction signed by its owner.</summary>
    public EthKey? Key { get; }

    /// <summary>The owner's signed transaction; null when the pipeline signs.</summary>
    public SignedTransaction? Signed { get; }

    public string? To { get; }

    public byte[] Data { get; }

    public long? GasLimit { get; }

    public string Label { get; }

    public BigInteger Value { get; init; }
}

public enum TxStatus
{
    /// <summary>Mined with status 1.</summary>
    Succeeded,

    /// <summary>Mined with status 0: the contract reverted (the nonce is used).</summary>
    Reverted,

    /// <summary>Never entered a block and never will: its gas estimate reverted or exceeded the
    /// per-transaction cap, the node rejected it, the pipeline dropped it from the pool after
    /// mining without it, or its nonce went to a transaction sent elsewhere. Safe to send again.</summary>
    NotSent,

    /// <summary>Not mined in time (the node mines by itself), then cancelled: its nonce went to the
    /// pipeline's zero-value self-transfer, so the request never ran and never will. Safe to send again.</summary>
    Cancelled,

    /// <summary>Not mined in time despite fee-bumped replacements and a cancellation, and perhaps
    /// still in the node's pool: any one of <see cref="TxOutcome.Hashes"/> may yet be mined. Do not
    /// send the request again before the account's nonce has moved past it.</summary>
    Unknown,
}

/// <summary>What became of one <see cref="TxRequest"/>.</summary>
public sealed record TxOutcome(
    TxRequest Request,
    TxStatus Status,
    string? Hash,
    long GasUsed,
    long BlockNumber,
    IReadOnlyList<FilterLog> Logs,
    string? ContractAddress,
    Exception? Failure)
{
    /// <summary>Every transaction sent for the request's nonce, oldest first: the original and, when the
    /// node was slow to mine it, its fee-bumped replacements and a cancellation. Empty when none was sent.</summary>
    public IReadOnlyList<string> Hashes { get; init; } = [];

    public bool Succeeded => Status == TxStatus.Succeeded;

    /// <summary>Mined as a fee-bumped replacement (<see cref="Hash"/>), not as first sent.</summary>
    public bool Replaced => Status is TxStatus.Succeeded or TxStatus.Reverted && Hashes.Count > 1 && Hash != Hashes[0];

    public TxOutcome EnsureSuccess() => Succeeded
        ? this
        : throw Failure ?? new InvalidOperationException($"{Request.Label}: {Status}");

    public IEnumerable<TEvent> Events<TEvent>() where TEvent : IEventDTO, new() => Decoded.Events<TEvent>(Logs);
}

/// <summary>A transaction was accepted by the node but never mined (e.g. Anvil silently drops an under-gassed one).</summary>
public sealed class TransactionDroppedException(string hash, string label)
    : Exception($"{label}: transaction {hash} was accepted but never mined (dropped by the node).");

/// <summary>Where a pipeline's time went, summed over its batches (for benchmarks and progress displays).</summary>
public sealed record PipelineTimings(TimeSpan Estimating, TimeSpan SigningAndSending, TimeSpan Mining, TimeSpan Receipts)
{
    public static PipelineTimings Zero { get; } = new(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);

    public PipelineTimings Add(PipelineTimings other) => new(
        Estimating + other.Estimating, SigningAndSending + other.SigningAndSending, Mining + other.Mining, Receipts + other.Receipts);
}

public sealed record TransactionPipelineOptions
{
    /// <summary>
    /// When the node mines by itself (live mode, Geth): how long to wait for a transaction to be
    /// mined before replacing it with higher fees, and again after each replacement and after the
    /// cancellation. With the defaults a transaction is given up on after five waits (5 min).
    /// </summary>
    public TimeSpan ReceiptTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How many times a transaction not mined within <see cref="ReceiptTimeout"/> is replaced
    /// by itself with fees raised 12.5 % before it is cancelled instead.</summary>
    public int Replacements { get; init; } = 3;

    /// <summary>Estimated gas x (1 + margin/100) + fixed margin: estimates are exact for the state they
    /// ran on, but a round's transactions run on a state their neighbours have already changed.</summary>
    public int GasMarginPercent { get; init; } = 20;

    public long GasMarginFixed { get; init; } = 25_000;

    /// <summary>Mine the batches here (Anvil with <c>--no-mining</c>). Otherwise the node mines on its own.</summary>
    public bool MineExplicitly { get; init; } = true;

    /// <summary>
    /// With explicit mining, a batch is mined in blocks of at most this many transactions (and at
    /// most the block gas limit's worth of gas limits), all at the batch's time. Two costs pull
    /// apart: each block costs the node a fixed time M that grows with the chain's state (about
    /// 30 ms on a fresh Anvil here, 60 ms with 30 000 token holders), while Anvil 1.7.1 builds a
    /// block's receipts in time R n^2 (quadratic; fixed upstream in foundry-rs/foundry#16063 and
    /// #16245, after the pinned release: 2 000 receipts of one block took ~1 s). N transactions
    /// cost (N / n) M + N n R, least at n = sqrt(M / R): 350..450 here. Block boundaries change no
    /// transaction's gas or outcome, only the time.
    /// </summary>
    public int MaxTransactionsPerBlock { get; init; } = 300;
}

/// <summary>
/// Sends batches of transactions fast and safely:
/// <list type="number">
/// <item>gas: every transaction gets an explicit limit (given, or estimated in the batched call that quotes the fees, with
/// a margin, clipped at Ethereum's per-transaction cap), because a node may silently drop an
/// under-gassed transaction;</item>
/// <item>fees: EIP-1559 (type 2), quoted from the node per batch (see <see cref="RawTransaction"/>);</item>
/// <item>nonces: tracked here per account, so hundreds of accounts send without a round trip each;
/// a batch goes out in rounds of at most one transaction per account; a nonce the node refuses is
/// re-read and the transaction sent once more, and an account whose transaction is rejected sends
/// nothing more in that batch (no nonce gap can strand the rest) and has its nonce re-read next batch;</item>
/// <item>signing on every core (libsecp256k1), sending with JSON-RPC batches;</item>
/// <item>explicit mining on Anvil: as many blocks per batch as its gas limits need, all at the batch's
/// time, then every receipt is fetched and checked, and a transaction missing from them is dropped
/// from the pool and reported as not sent; live, a transaction the node is slow to mine is replaced
/// with higher fees, then cancelled, and reported as what became of its nonce.</item>
/// </list>
/// </summary>
public sealed class TransactionPipeline
{
    /// <summary>No transaction may ask for more gas than 2^24 (EIP-7825, in force on Ethereum since
    /// Osaka; our Anvil enforces it with <c>--enable-tx-gas-limit</c>).</summary>
    public const long TransactionGasCap = 1L << 24;

    /// <summary>A zero-value transfer without data, the cancellation of a stuck transaction.</summary>
    private const long TransferGas = 21_000;

    private static readonly TimeSpan ReceiptPoll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan DroppedAfterMining = TimeSpan.FromSeconds(5);

    private readonly ChainConnection _chain;
    private readonly TransactionPipelineOptions _options;
    private readonly Dictionary<string, BigInteger> _nextNonce = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _sending = new(1, 1);
    private long _transactionsMined;
    private PipelineTimings _timings = PipelineTimings.Zero;

    public TransactionPipeline(ChainConnection chain, TransactionPipelineOptions? options = null)
    {
        _chain = chain;
        _options = options ?? new TransactionPipelineOptions();
        if (_options.MineExplicitly)
        {
            chain.RequireDevelopmentNode("explicit mining");
        }
    }

    public ChainConnection Chain => _chain;

    public bool MinesExplicitly => _options.MineExplicitly;

    /// <summary>Transactions mined so far through this pipeline (for progress and tx/s displays).</summary>
    public long TransactionsMined => Interlocked.Read(ref _transactionsMined);

    /// <summary>Wall time spent per stage so far (overlapping batches overlap here too).</summary>
    public PipelineTimings Timings => Volatile.Read(ref _timings);

    /// <summary>
    /// Sends the batch, mines it (with explicit mining: in as few blocks as the block gas limit and
    /// <see cref="TransactionPipelineOptions.MaxTransactionsPerBlock"/> allow, each in request order
    /// and at <paramref name="blockTimestamp"/> if given) and returns one outcome per request, in
    /// request order. Sending and mining are serialised between callers; fetching receipts is not,
    /// so a caller with the next batch can send it while this batch's receipts come back (a node
    /// builds receipts slowly: about 0.3 ms each for Anvil here).
    /// </summary>
    public async Task<IReadOnlyList<TxOutcome>> ExecuteAsync(
        IReadOnlyList<TxRequest> batch, long? blockTimestamp = null, CancellationToken cancellationToken = default)
    {
        var outcomes = new TxOutcome?[batch.Count];
        var blocks = new List<(long? Block, List<Attempt> Sent)>();
        await _sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_options.MineExplicitly && blockTimestamp is { } time)
            {
                // Before estimating: gas estimates run on the pending block, which must already
                // carry the time the batch will be mined at (gates depend on it).
                await _chain.SetNextBlockTimestampAsync(time).ConfigureAwait(false);
            }
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var (gasLimits, toEstimate) = GivenGasLimits(batch, outcomes);
            var (fees, estimates) = await TransactionFees.QuoteWithAsync(_chain, _options.MineExplicitly,
                toEstimate.Select(i => new RpcRequest("eth_estimateGas", CallObject(batch[i]), "pending")).ToList(), cancellationToken).ConfigureAwait(false);
            EstimatedGasLimits(batch, toEstimate, estimates, gasLimits, outcomes);
            await LoadNoncesAsync(batch, cancellationToken).ConfigureAwait(false);
            var estimating = clock.Elapsed;
            var sending = TimeSpan.Zero;
            var mining = TimeSpan.Zero;
            var rejectedSenders = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var groups = Pack(outcomes, gasLimits, fees.BlockGasLimit);
            for (var b = 0; b < groups.Count; b++)
            {
                clock.Restart();
                var sent = await SendInRoundsAsync(batch, groups[b], gasLimits, fees, outcomes, rejectedSenders, cancellationToken).ConfigureAwait(false);
                sending += clock.Elapsed;
                if (!_options.MineExplicitly || (sent.Count == 0 && (b > 0 || blockTimestamp is null)))
                {
                    blocks.Add((null, sent));
                    continue;
                }
                clock.Restart();
                if (b > 0 && blockTimestamp is { } sameTime)
                {
                    // Every block of one batch carries the batch's time.
                    await _chain.SetNextBlockTimestampAsync(sameTime).ConfigureAwait(false);
                }
                blocks.Add((await _chain.MineAsync().ConfigureAwait(false), sent));
                mining += clock.Elapsed;
            }
            Record(new PipelineTimings(estimating, sending, mining, TimeSpan.Zero));
        }
        finally
        {
            _sending.Release();
        }
        var receiptClock = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(blocks.Select(b => CollectReceiptsAsync(batch, b.Sent, outcomes, b.Block, cancellationToken))).ConfigureAwait(false);
        Record(PipelineTimings.Zero with { Receipts = receiptClock.Elapsed });
        return outcomes.Select(o => o!).ToList();
    }

    private void Record(PipelineTimings spent)
    {
        PipelineTimings current, updated;
        do
        {
            current = Volatile.Read(ref _timings);
            updated = current.Add(spent);
        }
        while (Interlocked.CompareExchange(ref _timings, updated, current) != current);
    }

    /// <summary>Sends one transaction and returns its successful outcome, or throws its failure.</summary>
    public async Task<TxOutcome> ExecuteAsync(TxRequest request, long? blockTimestamp = null, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync([request], blockTimestamp, cancellationToken).ConfigureAwait(false))[0].EnsureSuccess();

    /// <summary>The gas limits the requests give (those above the cap are not sent), and the requests whose limit is to be estimated.</summary>
    private static (long[] Limits, List<int> ToEstimate) GivenGasLimits(IReadOnlyList<TxRequest> batch, TxOutcome?[] outcomes)
    {
        var limits = new long[batch.Count];
        var toEstimate = new List<int>();
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch[i].GasLimit is { } given)
            {
                limits[i] = given;
                if (given > TransactionGasCap)
                {
                    outcomes[i] = NotSent(batch[i], AboveCap(batch[i], $"asks for {given:N0} gas"));
                }
            }
            else
            {
                toEstimate.Add(i);
            }
        }
        return (limits, toEstimate);
    }

    /// <summary>The limits of <paramref name="toEstimate"/> from the node's estimates (one answer each, in order).</summary>
    private void EstimatedGasLimits(IReadOnlyList<TxRequest> batch, List<int> toEstimate, IReadOnlyList<RpcResponse> answers, long[] limits, TxOutcome?[] outcomes)
    {
        for (var k = 0; k < toEstimate.Count; k++)
        {
            var i = toEstimate[k];
            if (answers[k].Error is { } error)
            {
                Exception failure = ChainConnection.IsRevert(error)
                    ? new ContractRevertException(batch[i].Label, error.Data)
                    : new RpcException("eth_estimateGas", error);
                outcomes[i] = NotSent(batch[i], failure);
                continue;
            }
            var estimate = ChainConnection.ParseLong(answers[k].Result);
            if (estimate > TransactionGasCap)
            {
                outcomes[i] = NotSent(batch[i], AboveCap(batch[i], $"needs {estimate:N0} gas by estimate"));
                continue;
            }
            // The margin is a guess; the cap is a rule (the node refuses a transaction above it).
            limits[i] = Math.Min(estimate + estimate * _options.GasMarginPercent / 100 + _options.GasMarginFixed, TransactionGasCap);
        }
    }

    private static InvalidOperationException AboveCap(TxRequest request, string need) => new(
        $"{request.Label}: {need}, above Ethereum's per-transaction cap of 2^24 = {TransactionGasCap:N0} (EIP-7825); split the work into smaller transactions.");

    /// <summary>
    /// The blocks a batch is mined in, in request order: with explicit mining, a new block starts
    /// where the next transaction's gas limit would take the block past the block gas limit (the node
    /// would leave it for a later block) or past <see cref="TransactionPipelineOptions.MaxTransactionsPerBlock"/>.
    /// Gas limits come from estimates, so the split is as reproducible as the batch. Live, the node
    /// packs its own blocks. Always at least one (possibly empty) block: an empty batch still moves time.
    /// </summary>
    private List<List<int>> Pack(TxOutcome?[] outcomes, long[] gasLimits, long blockGasLimit)
    {
        var blocks = new List<List<int>> { new() };
        var gas = 0L;
        for (var i = 0; i < outcomes.Length; i++)
        {
            if (outcomes[i] is not null)
            {
                continue;
            }
            if (_options.MineExplicitly && blocks[^1].Count > 0
                && (blocks[^1].Count == _options.MaxTransactionsPerBlock || gas + gasLimits[i] > blockGasLimit))
            {
                blocks.Add([]);
                gas = 0;
            }
            blocks[^1].Add(i);
            gas += gasLimits[i];
        }
        return blocks;
    }

    private async Task LoadNoncesAsync(IReadOnlyList<TxRequest> batch, CancellationToken cancellationToken)
    {
        var unknown = batch.Where(r => r.Key is not null).Select(r => r.From).Distinct(StringComparer.OrdinalIgnoreCase)
            .Where(a => !_nextNonce.ContainsKey(a)).ToList();
        var nonces = await PendingNoncesAsync(unknown, cancellationToken).ConfigureAwait(false);
        for (var k = 0; k < unknown.Count; k++)
        {
            _nextNonce[unknown[k]] = nonces[k];
        }
    }

    /// <summary>The accounts' next nonces as the node sees them, its pool included.</summary>
    private async Task<BigInteger[]> PendingNoncesAsync(IReadOnlyList<string> addresses, CancellationToken cancellationToken)
    {
        if (addresses.Count == 0)
        {
            return [];
        }
        var answers = await _chain.Rpc.BatchAsync(
            addresses.Select(a => new RpcRequest("eth_getTransactionCount", a, "pending")).ToList(), cancellationToken).ConfigureAwait(false);
        return answers.Select(a => a.Error is { } error
            ? throw new RpcException("eth_getTransactionCount", error)
            : ChainConnection.ParseBig(a.Result)).ToArray();
    }

    /// <summary>Round r holds each account's r-th transaction; returns every transaction sent.</summary>
    private async Task<List<Attempt>> SendInRoundsAsync(
        IReadOnlyList<TxRequest> batch, List<int> indices, long[] gasLimits, TransactionFees fees, TxOutcome?[] outcomes,
        HashSet<string> rejectedSenders, CancellationToken cancellationToken)
    {
        var queues = new Dictionary<string, Queue<int>>(StringComparer.OrdinalIgnoreCase);
        var senderOrder = new List<string>();
        foreach (var i in indices)
        {
            var sender = batch[i].From;
            if (rejectedSenders.Contains(sender))
            {
                outcomes[i] = NotSent(batch[i], BehindRejected(batch[i]));
                continue;
            }
            if (!queues.TryGetValue(sender, out var queue))
            {
                queues[sender] = queue = new Queue<int>();
                senderOrder.Add(sender);
            }
            queue.Enqueue(i);
        }
        var sent = new List<Attempt>();
        while (true)
        {
            var round = senderOrder.Where(s => queues[s].Count > 0).Select(s => queues[s].Dequeue()).ToList();
            if (round.Count == 0)
            {
                return sent;
            }
            var transactions = round.Select(i => Transaction(batch, i, gasLimits[i], fees)).ToList();
            var results = await SignAndSendAsync(round.Select(i => batch[i]).ToList(), transactions, cancellationToken).ConfigureAwait(false);
            var wrongNonce = new List<int>();
            for (var k = 0; k < round.Count; k++)
            {
                if (results[k].Hash is { } hash)
                {
                    sent.Add(new Attempt(round[k], transactions[k], hash, Cancels: false));
                }
                else if (IsNonceError(results[k].Error!) && batch[round[k]].Key is not null)
                {
                    wrongNonce.Add(k);
                }
                else
                {
                    Reject(round[k], results[k].Error!);
                }
            }
            if (wrongNonce.Count == 0)
            {
                continue;
            }
            // The node's nonce is not ours: another process sent from the account, or a transaction
            // of ours left the pool. Giving the nonce back would fail every later batch the same
            // way; the node's own view, pool included, is the one to follow.
            var senders = wrongNonce.Select(k => batch[round[k]]).ToList();
            var fresh = await PendingNoncesAsync(senders.Select(s => s.From).ToList(), cancellationToken).ConfigureAwait(false);
            var resent = wrongNonce.Select((k, j) => transactions[k] with { Nonce = fresh[j] }).ToList();
            for (var j = 0; j < senders.Count; j++)
            {
                _nextNonce[senders[j].From] = fresh[j] + 1;
            }
            var retried = await SignAndSendAsync(senders, resent, cancellationToken).ConfigureAwait(false);
            for (var j = 0; j < wrongNonce.Count; j++)
            {
                if (retried[j].Hash is { } hash)
                {
                    sent.Add(new Attempt(round[wrongNonce[j]], resent[j], hash, Cancels: false));
                }
                else
                {
                    Reject(round[wrongNonce[j]], retried[j].Error!);
                }
            }
        }

        // Rejected: forget the account's nonce, so that the next batch reads it afresh rather than
        // trust a view the node just contradicted, and cancel the account's later transactions,
        // which would otherwise wait forever behind the gap.
        void Reject(int i, RpcError error)
        {
            var sender = batch[i].From;
            _nextNonce.Remove(sender);
            rejectedSenders.Add(sender);
            outcomes[i] = NotSent(batch[i], new RpcException("eth_sendRawTransaction", error));
            while (queues[sender].TryDequeue(out var later))
            {
                outcomes[later] = NotSent(batch[later], BehindRejected(batch[later]));
            }
        }
    }

    private static InvalidOperationException BehindRejected(TxRequest request) => new(
        $"{request.Label}: not sent because an earlier transaction of {request.From} in the same batch was rejected.");

    /// <summary>
    /// The transaction of request <paramref name="index"/>: its owner's, or one signed here at the
    /// account's next nonce, each request one place ahead of the next and all ahead of the owners'
    /// (see <see cref="TransactionFees.Ahead"/>), so the block follows request order exactly.
    /// </summary>
    private RawTransaction Transaction(IReadOnlyList<TxRequest> batch, int index, long gasLimit, TransactionFees fees)
    {
        var request = batch[index];
        if (request.Signed is { } signed)
        {
            return signed.Transaction;
        }
        var (tip, maxFee) = fees.Ahead(TransactionFees.OwnerPlaces + batch.Count - index);
        return new RawTransaction(_nextNonce[request.From]++, tip, maxFee, gasLimit, request.To, request.Value, request.Data, _chain.ChainId);
    }

    /// <summary>
    /// Signs the transactions of the keys held here (on every core at once; an owner's signed
    /// transaction goes as it is) and sends them; per transaction, its hash once the node has it,
    /// or why not.
    /// </summary>
    private async Task<SendResult[]> SignAndSendAsync(
        IReadOnlyList<TxRequest> requests, IReadOnlyList<RawTransaction> transactions, CancellationToken cancellationToken)
    {
        var signed = new SignedTransaction[transactions.Count];
        Parallel.For(0, transactions.Count, new ParallelOptions { CancellationToken = cancellationToken }, k =>
            signed[k] = requests[k].Key is { } key ? transactions[k].Sign(key) : requests[k].Signed!);
        var answers = await SendRawAsync(signed, cancellationToken).ConfigureAwait(false);
        return signed.Zip(answers, (s, answer) => answer.Error is not { } error || IsAlreadyKnown(error)
            ? new SendResult(s.Hash, null)
            : new SendResult(null, error)).ToArray();
    }

    /// <summary>eth_sendRawTransaction in concurrent chunks (the node verifies signatures on all its cores).</summary>
    private async Task<RpcResponse[]> SendRawAsync(SignedTransaction[] signed, CancellationToken cancellationToken)
    {
        const int chunk = 64;
        var chunks = Enumerable.Range(0, (signed.Length + chunk - 1) / chunk)
            .Select(c => _chain.Rpc.BatchAsync(
                signed.Skip(c * chunk).Take(chunk).Select(s => new RpcRequest("eth_sendRawTransaction", s.RawHex)).ToList(),
                cancellationToken))
            .ToList();
        return (await Task.WhenAll(chunks).ConfigureAwait(false)).SelectMany(r => r).ToArray();
    }

    /// <summary>A resend after an RPC outage: the node already has this very transaction (Geth:
    /// "already known"; Anvil 1.7.1: "transaction already imported").</summary>
    private static bool IsAlreadyKnown(RpcError error) =>
        error.Message.Contains("already known", StringComparison.OrdinalIgnoreCase)
        || error.Message.Contains("already imported", StringComparison.OrdinalIgnoreCase)
        || error.Message.Contains("known transaction", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The node disagrees about the account's nonce: "nonce too low" (Anvil 1.7.1, Geth: the nonce is
    /// used), "nonce too high" and "invalid nonce" (other nodes; Anvil and Geth queue a future nonce
    /// instead), or "replacement transaction underpriced" (another transaction holds the nonce in
    /// the pool).
    /// </summary>
    private static bool IsNonceError(RpcError error) =>
        error.Message.Contains("nonce too low", StringComparison.OrdinalIgnoreCase)
        || error.Message.Contains("nonce too high", StringComparison.OrdinalIgnoreCase)
        || error.Message.Contains("invalid nonce", StringComparison.OrdinalIgnoreCase)
        || error.Message.Contains("replacement transaction underpriced", StringComparison.OrdinalIgnoreCase);

    private async Task CollectReceiptsAsync(
        IReadOnlyList<TxRequest> batch, List<Attempt> sent, TxOutcome?[] outcomes, long? minedBlock, CancellationToken cancellationToken)
    {
        if (minedBlock is { } block)
        {
            await TakeFromMinedBlockAsync(batch, sent, outcomes, block, cancellationToken).ConfigureAwait(false);
        }
        if (!_options.MineExplicitly)
        {
            await UnstickAsync(batch, sent, outcomes, cancellationToken).ConfigureAwait(false);
            return;
        }
        var missing = await AwaitReceiptsAsync(batch, sent, outcomes, DroppedAfterMining, cancellationToken).ConfigureAwait(false);
        if (missing.Count > 0)
        {
            await ForgetDroppedAsync(batch, sent, missing, outcomes).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// After an explicit mine the whole block is known: one call returns every receipt. Sent transactions
    /// it lacks (normally none) are then polled for.
    /// </summary>
    private async Task TakeFromMinedBlockAsync(
        IReadOnlyList<TxRequest> batch, List<Attempt> sent, TxOutcome?[] outcomes, long block, CancellationToken cancellationToken)
    {
        if (sent.Count == 0)
        {
            return;
        }
        var receipts = await _chain.GetReceiptsAsync(block, sent.Select(a => a.Hash).ToList()).ConfigureAwait(false);
        var byHash = receipts.ToDictionary(r => r.GetProperty("transactionHash").GetString()!, StringComparer.OrdinalIgnoreCase);
        var found = 0;
        foreach (var attempt in sent)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (byHash.TryGetValue(attempt.Hash, out var receipt))
            {
                outcomes[attempt.Index] = await FromReceiptAsync(batch[attempt.Index], attempt, receipt).ConfigureAwait(false);
                found++;
            }
        }
        Interlocked.Add(ref _transactionsMined, found);
    }

    /// <summary>
    /// Polls for the receipts of every attempt whose request has no outcome yet, until all have one
    /// or <paramref name="limit"/> has passed; returns the requests still waiting (none of their
    /// transactions mined), in request order.
    /// </summary>
    private async Task<List<int>> AwaitReceiptsAsync(
        IReadOnlyList<TxRequest> batch, List<Attempt> attempts, TxOutcome?[] outcomes, TimeSpan limit, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var waiting = attempts.Where(a => outcomes[a.Index] is null).ToList();
            if (waiting.Count == 0)
            {
                return [];
            }
            var answers = await _chain.Rpc.BatchAsync(
                waiting.Select(a => new RpcRequest("eth_getTransactionReceipt", a.Hash)).ToList(), cancellationToken).ConfigureAwait(false);
            var found = 0;
            for (var k = 0; k < waiting.Count; k++)
            {
                var answer = answers[k];
                if (answer.Error is { } error)
                {
                    throw new RpcException("eth_getTransactionReceipt", error);
                }
                if (answer.Result.ValueKind != JsonValueKind.Null)
                {
                    // At most one transaction per nonce is ever mined: no outcome is overwritten.
                    outcomes[waiting[k].Index] = await FromReceiptAsync(batch[waiting[k].Index], waiting[k], answer.Result).ConfigureAwait(false);
                    found++;
                }
            }
            Interlocked.Add(ref _transactionsMined, found);
            var open = waiting.Where(a => outcomes[a.Index] is null).Select(a => a.Index).Distinct().Order().ToList();
            if (open.Count == 0 || clock.Elapsed > limit)
            {
                return open;
            }
            await Task.Delay(ReceiptPoll, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Live: a transaction not mined within the receipt timeout may still be in the node's pool
    /// (a fee the node now finds too low, a node that stalls), so reporting it as not sent would
    /// invite the caller to send it twice. It is replaced by itself with the same nonce and fees
    /// raised 12.5 % (every node's replacement rule accepts that: Geth, Reth and Besu want +10 %,
    /// Anvil any raise), up to <see cref="TransactionPipelineOptions.Replacements"/> times, then
    /// cancelled with a zero-value self-transfer at raised fees; whichever of them is mined decides
    /// the outcome. A transaction its owner signed cannot be replaced here: it is waited for as
    /// long. The account's nonce is re-read next batch.
    /// </summary>
    private async Task UnstickAsync(IReadOnlyList<TxRequest> batch, List<Attempt> attempts, TxOutcome?[] outcomes, CancellationToken cancellationToken)
    {
        var open = await AwaitReceiptsAsync(batch, attempts, outcomes, _options.ReceiptTimeout, cancellationToken).ConfigureAwait(false);
        if (open.Count == 0)
        {
            return;
        }
        var stuck = open.ToHashSet();
        var tried = attempts.Where(a => stuck.Contains(a.Index)).ToDictionary(a => a.Index, a => a.Transaction);
        var nonceTaken = new HashSet<int>();
        for (var bump = 1; open.Count > 0 && bump <= _options.Replacements + 1; bump++)
        {
            var cancel = bump > _options.Replacements;
            var fees = await TransactionFees.QuoteAsync(_chain, _options.MineExplicitly, cancellationToken).ConfigureAwait(false);
            // Only a key held here can sign a replacement; an owner's transaction waits as it is.
            var ours = open.Where(i => batch[i].Key is not null).ToList();
            var next = ours.Select(i => Raised(cancel ? Cancellation(batch[i], tried[i]) : tried[i], fees)).ToList();
            var results = await SignAndSendAsync(ours.Select(i => batch[i]).ToList(), next, cancellationToken).ConfigureAwait(false);
            for (var k = 0; k < ours.Count; k++)
            {
                // A refused replacement (this node's bump rule is steeper) leaves the versions
                // already sent in the race; the next one bids above it.
                tried[ours[k]] = next[k];
                if (results[k].Hash is { } hash)
                {
                    attempts.Add(new Attempt(ours[k], next[k], hash, cancel));
                }
                else if (results[k].Error!.Message.Contains("nonce too low", StringComparison.OrdinalIgnoreCase))
                {
                    nonceTaken.Add(ours[k]);
                }
            }
            open = await AwaitReceiptsAsync(batch, attempts, outcomes, _options.ReceiptTimeout, cancellationToken).ConfigureAwait(false);
            foreach (var i in open.Where(nonceTaken.Contains))
            {
                outcomes[i] = NotSent(batch[i], new InvalidOperationException(
                    $"{batch[i].Label}: not mined in time, and nonce {tried[i].Nonce} of {batch[i].From} went to a transaction sent elsewhere, so none of this request's can be mined; it never ran."));
            }
            open.RemoveAll(nonceTaken.Contains);
        }
        foreach (var i in open)
        {
            outcomes[i] = new TxOutcome(batch[i], TxStatus.Unknown, attempts.Last(a => a.Index == i).Hash, 0, 0, [], null, new InvalidOperationException(
                $"{batch[i].Label}: no transaction with nonce {tried[i].Nonce} of {batch[i].From} was mined within {_options.Replacements + 2} waits of {_options.ReceiptTimeout.TotalSeconds:0.#} s, replacements and a cancellation included; one may still be: do not send the request again before the account's nonce has passed {tried[i].Nonce}."));
        }
        foreach (var versions in attempts.Where(a => stuck.Contains(a.Index)).GroupBy(a => a.Index))
        {
            outcomes[versions.Key] = outcomes[versions.Key]! with { Hashes = versions.Select(a => a.Hash).ToList() };
        }
        await ForgetNoncesAsync(stuck.Select(i => batch[i].From)).ConfigureAwait(false);
    }

    /// <summary>A stuck transaction's nonce spent on nothing: a zero-value transfer to its own sender.</summary>
    private static RawTransaction Cancellation(TxRequest request, RawTransaction stuck) =>
        stuck with { GasLimit = TransferGas, To = request.From, Value = BigInteger.Zero, Data = [] };

    /// <summary>Tip and fee cap raised by at least 12.5 % (rounded up) over the last version sent, and at least what the node asks now.</summary>
    private static RawTransaction Raised(RawTransaction last, TransactionFees now)
    {
        static BigInteger Raise(BigInteger fee) => fee + BigInteger.Max(BigInteger.One, (fee + 7) / 8);
        var tip = BigInteger.Max(Raise(last.MaxPriorityFeePerGas), now.Tip);
        return last with { MaxPriorityFeePerGas = tip, MaxFeePerGas = BigInteger.Max(BigInteger.Max(Raise(last.MaxFeePerGas), now.MaxFee), tip) };
    }

    /// <summary>
    /// With explicit mining, a sent transaction missing from the mined blocks was dropped by the node
    /// or cannot be mined (an under-gassed one, a nonce above the account's): it is removed from the
    /// pool, so it can never land, and reported as not sent; its sender's nonce is re-read next batch.
    /// </summary>
    private async Task ForgetDroppedAsync(IReadOnlyList<TxRequest> batch, List<Attempt> sent, List<int> dropped, TxOutcome?[] outcomes)
    {
        var droppedSet = dropped.ToHashSet();
        foreach (var attempt in sent.Where(a => droppedSet.Contains(a.Index)))
        {
            await _chain.DropTransactionAsync(attempt.Hash).ConfigureAwait(false);
            outcomes[attempt.Index] = NotSent(batch[attempt.Index], new TransactionDroppedException(attempt.Hash, batch[attempt.Index].Label)) with
            {
                Hash = attempt.Hash,
                Hashes = [attempt.Hash],
            };
        }
        await ForgetNoncesAsync(dropped.Select(i => batch[i].From)).ConfigureAwait(false);
    }

    private async Task ForgetNoncesAsync(IEnumerable<string> senders)
    {
        await _sending.WaitAsync().ConfigureAwait(false);
        try
        {
            foreach (var sender in senders)
            {
                _nextNonce.Remove(sender);
            }
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task<TxOutcome> FromReceiptAsync(TxRequest request, Attempt attempt, JsonElement receipt)
    {
        var hash = attempt.Hash;
        var status = ChainConnection.ParseLong(receipt.GetProperty("status"));
        var gasUsed = ChainConnection.ParseLong(receipt.GetProperty("gasUsed"));
        var block = ChainConnection.ParseLong(receipt.GetProperty("blockNumber"));
        var contract = receipt.TryGetProperty("contractAddress", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        var logs = receipt.GetProperty("logs").EnumerateArray().Select(ToFilterLog).ToList();
        if (attempt.Cancels)
        {
            return new TxOutcome(request, TxStatus.Cancelled, hash, gasUsed, block, logs, contract, new InvalidOperationException(
                $"{request.Label}: not mined in time; its nonce {attempt.Transaction.Nonce} went to the cancellation {hash}, so the request never ran and may be sent again.")) { Hashes = [hash] };
        }
        if (status == 1)
        {
            return new TxOutcome(request, TxStatus.Succeeded, hash, gasUsed, block, logs, contract, null) { Hashes = [hash] };
        }
        var revert = new ContractRevertException($"{request.Label} (tx {hash})", await RevertDataAsync(hash).ConfigureAwait(false));
        return new TxOutcome(request, TxStatus.Reverted, hash, gasUsed, block, logs, contract, revert) { Hashes = [hash] };
    }

    /// <summary>The revert data of a mined, failed transaction, from the node's call tracer when it has one.</summary>
    private async Task<string?> RevertDataAsync(string hash)
    {
        try
        {
            var trace = await _chain.Rpc.CallAsync("debug_traceTransaction", hash,
                new Dictionary<string, object?> { ["tracer"] = "callTracer" }).ConfigureAwait(false);
            return trace.TryGetProperty("output", out var output) ? output.GetString() : null;
        }
        catch (RpcException)
        {
            return null; // the node has no tracer: the revert stays undecoded
        }
    }

    internal static FilterLog ToFilterLog(JsonElement log) => new()
    {
        Address = log.GetProperty("address").GetString(),
        Data = log.GetProperty("data").GetString(),
        Topics = log.GetProperty("topics").EnumerateArray().Select(t => (object)t.GetString()!).ToArray(),
        TransactionHash = log.GetProperty("transactionHash").GetString(),
        BlockNumber = new HexBigInteger(log.GetProperty("blockNumber").GetString()),
        LogIndex = new HexBigInteger(log.GetProperty("logIndex").GetString()),
    };

    private static Dictionary<string, object?> CallObject(TxRequest request)
    {
        var call = new Dictionary<string, object?>
        {
            ["from"] = request.From,
            ["data"] = request.Data.ToHex(prefix: true),
        };
        if (request.To is not null)
        {
            call["to"] = request.To;
        }
        if (!request.Value.IsZero)
        {
            call["value"] = ChainConnection.Hex(request.Value);
        }
        return call;
    }

    private static TxOutcome NotSent(TxRequest request, Exception failure) =>
        new(request, TxStatus.NotSent, null, 0, 0, [], null, failure);

    /// <summary>One transaction sent for request <paramref name="Index"/>: the original, a fee-bumped replacement or a cancellation.</summary>
    private sealed record Attempt(int Index, RawTransaction Transaction, string Hash, bool Cancels);

    /// <summary>What became of one eth_sendRawTransaction: the node has the transaction (its hash), or refused it.</summary>
    private readonly record struct SendResult(string? Hash, RpcError? Error);
}
