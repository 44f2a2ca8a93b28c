using System.Numerics;
using MicroMarket.Simulation.Decisions;
using MicroMarket.Simulation;
using MicroMarket.Market;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Model;

namespace MicroMarket.Simulation.Running;

/// <summary>A unit as the market host plans it: what it registers on chain with (its margin too), what it deposits.</summary>
public sealed record UnitPlan(UnitIdentity Identity, UnitKind Kind, UnitSpec Spec, long RatingWhPerSlot, BigInteger MarginNano, BigInteger DepositMicro);

/// <summary>
/// Which chain the market uses: an Anvil the host starts (on loopback), or the node at
/// <see cref="Url"/>, whose own access control applies. <see cref="RpcHost"/> and
/// <see cref="RpcPort"/> (null: a free one) say where units in other processes reach a started
/// Anvil: an <see cref="RpcFilterProxy"/> listens there, so that only the market host can mine or
/// move the chain; without <see cref="RpcHost"/> (one process) nobody else gets the chain's URL. A
/// node that is not a development node (Anvil, Hardhat) needs the operator's own key (with funds for everyone's gas).
/// </summary>
public sealed record ChainSettings(Uri? Url = null, string? RpcHost = null, EthKey? Operator = null, int? RpcPort = null)
{
    /// <summary>Chain ids of development chains (Anvil, Hardhat; Geth --dev uses 1337): keys derived from a scenario are accepted only there.</summary>
    public static bool IsDevelopmentChain(long chainId) => chainId is 31337 or 1337;
}

/// <summary>
/// The market host's chain: the node (an Anvil it started, or the node at a URL), the pipeline, the
/// operator's key and the deployed market. <see cref="OpenAsync"/> deploys and registers every unit and
/// mints their initial balances; the units then fund their own escrow (they sign their own approve and
/// deposit). Disposing stops the RPC filter and the Anvil it started.
/// </summary>
public sealed class MarketSession : IAsyncDisposable
{
    /// <summary>Anvil's first default dev key (public: test mnemonic), the operator on an Anvil the program did not start.</summary>
    private const string WellKnownAnvilKey = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

    private readonly AnvilNode? _anvil;
    private readonly RpcFilterProxy? _filter;

    private MarketSession(AnvilNode? anvil, RpcFilterProxy? filter, ChainConnection chain, TransactionPipeline pipeline, EthKey operatorKey, MarketClient market)
    {
        _anvil = anvil;
        _filter = filter;
        Chain = chain;
        Pipeline = pipeline;
        Operator = operatorKey;
        Market = market;
    }

    public ChainConnection Chain { get; }

    public TransactionPipeline Pipeline { get; }

    public EthKey Operator { get; }

    public MarketClient Market { get; }

    /// <summary>Where the units find the market: the host alone talks to a started Anvil directly, everyone else through its filter.</summary>
    public MarketLocation Location => new(_filter?.Url ?? Chain.Rpc.Url, Market.MarketAddress, Market.TokenAddress, Market.Parameters, Pipeline.MinesExplicitly);

    /// <summary>
    /// Starts (or connects to) the chain, deploys the contracts at the chain's start time, registers
    /// every unit (the slack in an island, the upstream supplier when grid-connected, as the
    /// balance-responsible party), gives every trading account gas and mints its initial balance.
    /// A simulation sets the chain's clock (Anvil, explicit mining); live, the chain keeps wall
    /// time and mines on its own (an Anvil with a block time, or any node).
    /// </summary>
    public static async Task<MarketSession> OpenAsync(SimulationCalendar calendar, IReadOnlyList<UnitPlan> units, ChainSettings settings, CancellationToken cancellationToken)
    {
        var time = calendar.ChainStartUnix;
        var session = await StartAsync(calendar, settings,
            chain => calendar.Live is null ? TakeClockAsync(chain, calendar) : Task.CompletedTask,
            (pipeline, operatorKey) => MarketClient.DeployAsync(pipeline, operatorKey, calendar.Parameters, time, cancellationToken), cancellationToken).ConfigureAwait(false);
        try
        {
            await session.RegisterAsync(units, time, cancellationToken).ConfigureAwait(false);
            return session;
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Takes the run's chain up again at a checkpoint (docs/cluster.md, "Resuming a market node"): an Anvil started
    /// here gets the checkpoint's chain state back; an external chain must still hold the market at its address and
    /// not be behind the checkpoint's block. Nothing is deployed, registered or funded again.
    /// </summary>
    public static Task<MarketSession> ResumeAsync(SimulationCalendar calendar, CheckpointChain saved, string? chainState, ChainSettings settings, CancellationToken cancellationToken) =>
        StartAsync(calendar, settings, async chain =>
            {
                if (chainState is not null)
                {
                    await chain.LoadStateAsync(chainState).ConfigureAwait(false);
                }
                else if (saved.Snapshot is { } snapshot)
                {
                    // What the market did after the checkpoint is undone, as on its own Anvil, so that no phase runs twice on the chain.
                    await RevertAsync(chain, snapshot).ConfigureAwait(false);
                }
                var block = await chain.GetBlockNumberAsync().ConfigureAwait(false);
                var problem = chain.ChainId != saved.ChainId ? $"its chain id is {chain.ChainId}, the run's {saved.ChainId}"
                    : block < saved.Block ? $"it is at block {block}, behind the checkpoint's {saved.Block} (a chain reset, or another one)"
                    : !await chain.HasCodeAsync(saved.MarketAddress).ConfigureAwait(false) ? $"it has no contract at the run's market address {saved.MarketAddress}"
                    : null;
                if (problem is not null)
                {
                    chain.Dispose();
                    throw new NotSupportedException($"{chain.ClientVersion} at {chain.Rpc.Url} is not the run's chain: {problem}");
                }
                if (calendar.Live is null)
                {
                    // The market's clock is the chain's: past the start now, and moved by the host alone again.
                    await chain.StopAutomaticMiningAsync().ConfigureAwait(false);
                }
            },
            (pipeline, _) => Task.FromResult(new MarketClient(pipeline, saved.MarketAddress, saved.TokenAddress, calendar.Parameters)), cancellationToken);

    /// <summary>Reverts an external development node to the checkpoint's snapshot; one it no longer holds (it was restarted) is refused.</summary>
    private static async Task RevertAsync(ChainConnection chain, string snapshot)
    {
        try
        {
            await chain.RevertToSnapshotAsync(snapshot).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or RpcException)
        {
            chain.Dispose();
            throw new NotSupportedException($"{chain.ClientVersion} at {chain.Rpc.Url} no longer holds the checkpoint's snapshot {snapshot} (was it restarted?): {ex.Message}");
        }
    }

    /// <summary>
    /// Starts (or connects to) the chain, lets <paramref name="takeChain"/> check and prepare it, settles the operator
    /// and the pipeline, and has <paramref name="market"/> deploy or find the market; whatever it started is stopped
    /// again if any of it fails.
    /// </summary>
    private static async Task<MarketSession> StartAsync(SimulationCalendar calendar, ChainSettings settings, Func<ChainConnection, Task> takeChain,
        Func<TransactionPipeline, EthKey, Task<MarketClient>> market, CancellationToken cancellationToken)
    {
        var live = calendar.Live;
        var anvil = settings.Url is not null ? null : await AnvilNode.StartAsync(live is null
            ? new AnvilOptions { GenesisTimestamp = calendar.ChainStartUnix - 60 }
            : new AnvilOptions { ExplicitMining = false, BlockTime = TimeSpan.FromSeconds(live.BlockSeconds) }, cancellationToken).ConfigureAwait(false);
        RpcFilterProxy? filter = null;
        try
        {
            filter = anvil is not null && settings.RpcHost is { } host ? RpcFilterProxy.Start(anvil.RpcUrl, host, settings.RpcPort) : null;
            var chain = await ChainConnection.ConnectAsync(anvil?.RpcUrl ?? settings.Url!).ConfigureAwait(false);
            await takeChain(chain).ConfigureAwait(false);
            var operatorKey = settings.Operator ?? anvil?.DevAccounts[0] ?? (chain.IsDevelopmentNode ? EthKey.FromHex(WellKnownAnvilKey)
                : throw new NotSupportedException($"{chain.ClientVersion} at {chain.Rpc.Url} is not a development node: give the operator's key (market.operator_key), whose account pays everyone's gas."));
            if (!ChainSettings.IsDevelopmentChain(chain.ChainId) && settings.Operator is null)
            {
                chain.Dispose();
                throw new NotSupportedException($"chain id {chain.ChainId} is not a development chain: the public development key cannot be its operator; give market.operator_key.");
            }
            if (chain.IsDevelopmentNode && settings.Operator is not null)
            {
                // An operator of its own on a development node: the node gives it the gas a real chain's operator brings.
                await chain.SetBalancesAsync([operatorKey.Address], BigInteger.Pow(10, 24)).ConfigureAwait(false);
            }
            var pipeline = new TransactionPipeline(chain, new TransactionPipelineOptions { MineExplicitly = live is null });
            return new MarketSession(anvil, filter, chain, pipeline, operatorKey, await market(pipeline, operatorKey).ConfigureAwait(false));
        }
        catch
        {
            if (filter is not null)
            {
                await filter.DisposeAsync().ConfigureAwait(false);
            }
            if (anvil is not null)
            {
                await anvil.DisposeAsync().ConfigureAwait(false);
            }
            throw;
        }
    }

    /// <summary>
    /// A simulation sets the chain's clock and mines each block itself, so the node must be a development node
    /// whose clock has not yet passed the market's start (a clock only moves forward), and it must stop
    /// mining on its own (a node someone else started usually mines every transaction as it arrives).
    /// </summary>
    private static async Task TakeClockAsync(ChainConnection chain, SimulationCalendar calendar)
    {
        string? refusal = null;
        if (!chain.IsDevelopmentNode)
        {
            refusal = $"{chain.ClientVersion} at {chain.Rpc.Url} cannot move its clock, and a simulation runs on simulated time. Give an Anvil or Hardhat node, or run the market live (micromarket node) against it.";
        }
        else if (await chain.GetLatestTimestampAsync().ConfigureAwait(false) is var now && now > calendar.ChainStartUnix)
        {
            refusal = $"{chain.ClientVersion} at {chain.Rpc.Url}: its clock ({DateTimeOffset.FromUnixTimeSeconds(now):u}) is past the market's start "
                + $"({DateTimeOffset.FromUnixTimeSeconds(calendar.ChainStartUnix):u}) and cannot go back; start a fresh node with its genesis before it "
                + "(anvil --timestamp; Hardhat: initialDate, chains/hardhat's MICROMARKET_GENESIS_UNIX).";
        }
        if (refusal is not null)
        {
            chain.Dispose();
            throw new NotSupportedException(refusal);
        }
        await chain.StopAutomaticMiningAsync().ConfigureAwait(false);
    }

    /// <summary>Executes the units' own funding transactions: every approval, then every deposit.</summary>
    public async Task FundAsync(IReadOnlyList<(TxRequest Approve, TxRequest Deposit)> funding, CancellationToken cancellationToken)
    {
        var time = await Chain.GetLatestTimestampAsync().ConfigureAwait(false);
        await SucceedAsync(funding.Select(f => f.Approve).ToList(), time, cancellationToken).ConfigureAwait(false);
        await SucceedAsync(funding.Select(f => f.Deposit).ToList(), time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether the chain is an Anvil this session started (whose whole state a checkpoint keeps), not a node someone else runs.</summary>
    public bool OwnsChain => _anvil is not null;

    public async ValueTask DisposeAsync()
    {
        if (_filter is not null)
        {
            await _filter.DisposeAsync().ConfigureAwait(false);
        }
        Chain.Dispose();
        if (_anvil is not null)
        {
            await _anvil.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task RegisterAsync(IReadOnlyList<UnitPlan> units, long time, CancellationToken cancellationToken)
    {
        await GiveGasAsync(units.Select(u => u.Identity.TraderAddress).ToList(), time, cancellationToken).ConfigureAwait(false);
        var registrations = units.Select(u => new UnitRegistration(
            u.Identity.Id, u.Kind, u.Identity.TraderAddress, u.Identity.MeterAddress, u.Spec.Bus, UnitKinds.IsBalanceResponsible(u.Kind), checked((uint)u.RatingWhPerSlot),
            u.MarginNano)).ToList();
        foreach (var chunk in registrations.Chunk(MarketClient.UnitsPerRegistration))
        {
            await SucceedAsync([Market.RegisterUnits(Operator, chunk)], time, cancellationToken).ConfigureAwait(false);
        }
        await SucceedAsync(units.Select(u => Market.MintTokens(Operator, u.Identity.TraderAddress, u.DepositMicro)).ToList(), time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A development node sets balances directly; any other node gets a transfer from the operator to each account.</summary>
    private async Task GiveGasAsync(IReadOnlyList<string> accounts, long time, CancellationToken cancellationToken)
    {
        if (Chain.IsDevelopmentNode)
        {
            await Chain.SetBalancesAsync(accounts, BigInteger.Pow(10, 24)).ConfigureAwait(false);
            return;
        }
        await SucceedAsync(accounts.Select(a => new TxRequest(Operator, a, [], 21_000, $"gas for {a}") { Value = GasAllowanceWei }).ToList(), time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What the operator gives each account on a node that is not a development node: ample at the zero-to-low gas prices of a private chain.</summary>
    private static readonly BigInteger GasAllowanceWei = BigInteger.Pow(10, 17);

    private async Task SucceedAsync(IReadOnlyList<TxRequest> requests, long time, CancellationToken cancellationToken)
    {
        foreach (var outcome in await Pipeline.ExecuteAsync(requests, time, cancellationToken).ConfigureAwait(false))
        {
            outcome.EnsureSuccess();
        }
    }
}
