using System.Diagnostics;
using System.Numerics;
using Akka.Actor;
using Akka.Configuration;
using MicroMarket.Agents.Actors;
using MicroMarket.Agents.Decisions;
using MicroMarket.Agents.Recording;
using MicroMarket.Agents.Simulation;
using MicroMarket.Grid.Networks;
using MicroMarket.Market;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;
using MicroMarket.Scenarios.Model;

namespace MicroMarket.Agents.Running;

/// <summary>How to run: where the run directory goes and which chain to use (null: start Anvil).</summary>
public sealed record RunOptions(string OutputDirectory, Uri? ChainUrl = null, Action<RunProgress>? Progress = null);

/// <summary>Progress for displays: the phase under way and how many transactions have been mined.</summary>
public sealed record RunProgress(int PhaseIndex, int PhaseCount, SimulationPhase Phase, long TransactionsMined, TimeSpan Elapsed);

public sealed record RunResult(bool Complete, string? Failure, string OutputDirectory, RunVerification Verification, RunKpis Kpis);

/// <summary>
/// Runs a scenario end to end in simulation mode: starts Anvil (or uses the given Anvil node),
/// deploys the contracts, registers and funds every unit, runs the market clock over the timeline
/// with one actor per unit, writes the run directory, verifies the invariants against the chain and
/// the C# reference, and stops Anvil. Simulated time needs a node whose time can be set (Anvil);
/// a Ctrl+C finishes the phase under way and leaves a consistent partial run marked incomplete.
/// </summary>
public static class SimulationRunner
{
    /// <summary>The balance-responsible party deposits enough to pay this many slots of every other unit's full rating as long imbalance at the price cap.</summary>
    private const int BrpCoverSlots = 96;

    public static async Task<RunResult> RunAsync(Scenario scenario, RunOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var network = NetworkLibrary.Load(scenario.Network.NameOrPath);
        var calendar = new SimulationCalendar(scenario.Time, scenario.Market);
        var agents = new UnitAgentFactory(scenario, network, calendar).CreateAll();
        Directory.CreateDirectory(options.OutputDirectory);

        await using var anvil = options.ChainUrl is null
            ? await AnvilNode.StartAsync(new AnvilOptions { GenesisTimestamp = calendar.ChainStartUnix - 60 }, cancellationToken).ConfigureAwait(false)
            : null;
        using var chain = await ChainConnection.ConnectAsync(anvil?.RpcUrl ?? options.ChainUrl!).ConfigureAwait(false);
        if (!chain.IsAnvil)
        {
            throw new NotSupportedException(
                $"{chain.ClientVersion} at {chain.Rpc.Url} cannot move its clock, and a simulation runs on simulated time. Give an Anvil node, or run live nodes (micromarket node) against it.");
        }
        var pipeline = new TransactionPipeline(chain);
        var operatorKey = anvil?.DevAccounts[0] ?? EthKey.FromHex(WellKnownAnvilKey);
        var setupTime = calendar.ChainStartUnix;
        var market = await MarketClient.DeployAsync(pipeline, operatorKey, calendar.Parameters, setupTime, cancellationToken).ConfigureAwait(false);
        var (identities, depositsNano) = await RegisterAsync(scenario, agents, market, operatorKey, setupTime, cancellationToken).ConfigureAwait(false);

        var units = agents.Zip(identities, (a, id) => new UnitInfo(id.Id, id.Index, KindName(a.Spec), a.Spec.Bus, a.Spec.Phase.ToString().ToUpperInvariant())).ToList();
        var tables = new RunTables(calendar, units);
        var rules = new MarketRules(scenario.Market.PriceFloor, scenario.Market.PriceCap, scenario.Market.ImbalancePenaltyPercent / 100m);
        var finished = new TaskCompletionSource<ClockProtocol.RunFinished>(TaskCreationOptions.RunContinuationsAsynchronously);

        using var system = ActorSystem.Create("micromarket", ConfigurationFactory.ParseString(AkkaConfig));
        var handles = agents.Zip(identities, (agent, identity) =>
            new UnitHandle(identity, system.ActorOf(UnitActor.Props(agent, identity, market), $"unit-{identity.Index}"))).ToList();
        var recorder = system.ActorOf(RecorderActor.Props(tables), "recorder");
        var physics = new FeederPhysics(network, scenario.Mode, agents.Select(a => a.Spec), calendar.SlotLength);
        var round = new RoundContext(
            handles,
            system.ActorOf(ChainGatewayActor.Props(pipeline), "chain"),
            system.ActorOf(GridOperatorActor.Props(physics), "grid-operator"),
            recorder,
            market,
            operatorKey,
            calendar,
            rules);
        var monitor = system.ActorOf(RunMonitorActor.Props(
            p => options.Progress?.Invoke(new RunProgress(p.Index, p.Count, p.Phase, pipeline.TransactionsMined, clock.Elapsed)), finished), "monitor");
        var marketClock = system.ActorOf(MarketClockActor.Props(round, calendar.Timeline(), PriorOutlook(scenario, calendar), monitor), "market-clock");

        using (cancellationToken.Register(() => marketClock.Tell(new ClockProtocol.StopAfterCurrentPhase())))
        {
            marketClock.Tell(new ClockProtocol.Start());
            var outcome = await finished.Task.ConfigureAwait(false);
            await recorder.Ask<RecorderActor.Flushed>(RecorderActor.Flush.Instance, TimeSpan.FromMinutes(1)).ConfigureAwait(false);
            await system.Terminate().ConfigureAwait(false);

            var verification = await RunVerification.CheckAsync(tables, market, depositsNano).ConfigureAwait(false);
            var kpis = RunKpis.From(tables, scenario, calendar.Days, BaselinePrices(scenario, agents));
            var output = new RunOutput(options.OutputDirectory);
            physics.WriteNetwork(options.OutputDirectory);
            output.WriteTiming(clock.Elapsed, pipeline);
            output.Write(tables, scenario, calendar, outcome, verification, kpis, market, chain, operatorKey);
            return new RunResult(outcome.Complete, outcome.Failure, options.OutputDirectory, verification, kpis);
        }
    }

    /// <summary>Anvil's first default dev key (public: test mnemonic), the operator on an Anvil the program did not start.</summary>
    private const string WellKnownAnvilKey = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

    private const string AkkaConfig = """
        akka {
          loglevel = WARNING
          stdout-loglevel = WARNING
          log-dead-letters = off
          log-dead-letters-during-shutdown = off
        }
        """;

    public static string KindName(UnitSpec spec) => spec switch
    {
        PvUnit => "pv",
        WindUnit => "wind",
        BatteryUnit => "battery",
        EvUnit => "ev",
        LoadUnit => "load",
        FlexibleLoadUnit => "flexible-load",
        SlackUnit => "slack",
        _ => "grid",
    };

    /// <summary>
    /// Registers every unit (the slack in an island, the upstream supplier when grid-connected, as
    /// balance-responsible party), funds its keys with gas, mints its initial balance and deposits it.
    /// Keys derive from the scenario name and seed, so the same scenario gives the same accounts and
    /// transaction hashes.
    /// </summary>
    private static async Task<(List<UnitIdentity> Identities, Dictionary<string, BigInteger> DepositsNano)> RegisterAsync(
        Scenario scenario, IReadOnlyList<IUnitAgent> agents, MarketClient market, EthKey operatorKey, long time, CancellationToken cancellationToken)
    {
        var identities = agents.Select((a, i) => new UnitIdentity(
            (uint)(i + 1),
            a.Spec.Id,
            EthKey.Derive($"micromarket/{scenario.Name}/{scenario.Seed}/trader/{a.Spec.Id}", 0),
            EthKey.Derive($"micromarket/{scenario.Name}/{scenario.Seed}/meter/{a.Spec.Id}", 0))).ToList();
        await market.Chain.SetBalancesAsync(identities.Select(u => u.Trader.Address), BigInteger.Pow(10, 24)).ConfigureAwait(false);

        var capNano = (BigInteger)market.Parameters.PriceCapMicroPerKwh;
        bool IsBrp(IUnitAgent a) => a.MarketKind is UnitKind.Slack or UnitKind.Grid;
        var brpCover = agents.Where(a => !IsBrp(a)).Aggregate(BigInteger.Zero, (sum, a) => sum + a.RatingWhPerSlot * capNano) * BrpCoverSlots;
        var registrations = agents.Zip(identities, (a, id) => new UnitRegistration(
            id.Id, a.MarketKind, id.Trader.Address, id.Meter.Address, a.Spec.Bus, IsBrp(a), checked((uint)a.RatingWhPerSlot),
            IsBrp(a) ? BigInteger.Zero : scenario.Market.MarginSlots * a.RatingWhPerSlot * capNano)).ToList();
        foreach (var chunk in registrations.Chunk(200))
        {
            await SucceedAsync(market, [market.RegisterUnits(operatorKey, chunk)], time, cancellationToken).ConfigureAwait(false);
        }
        var depositsNano = new Dictionary<string, BigInteger>();
        var micro = agents.Zip(identities, (a, id) =>
        {
            var tokens = a.Spec.InitialBalance ?? scenario.Market.InitialBalance;
            var amount = Money.MicroFromTokens(tokens) + (IsBrp(a) ? brpCover / MarketClient.NanoPerMicro + 1 : 0);
            depositsNano[id.Id] = amount * MarketClient.NanoPerMicro;
            return (Identity: id, Micro: amount);
        }).ToList();
        await SucceedAsync(market, micro.Select(m => market.MintTokens(operatorKey, m.Identity.Trader.Address, m.Micro)).ToList(), time, cancellationToken).ConfigureAwait(false);
        await SucceedAsync(market, micro.Select(m => market.ApproveEscrow(m.Identity.Trader, m.Micro)).ToList(), time, cancellationToken).ConfigureAwait(false);
        await SucceedAsync(market, micro.Select(m => market.Deposit(m.Identity.Trader, m.Identity.Index, m.Micro)).ToList(), time, cancellationToken).ConfigureAwait(false);
        return (identities, depositsNano);
    }

    /// <summary>The prior price per slot of the day: the scenario's hourly outlook, or the fallback imbalance price.</summary>
    private static List<decimal> PriorOutlook(Scenario scenario, SimulationCalendar calendar) =>
        Enumerable.Range(0, calendar.SlotsPerDay)
            .Select(k => scenario.Market.PriceOutlook?[k * scenario.Time.SlotMinutes / 60] ?? scenario.Market.ImbalanceFallbackPrice).ToList();

    /// <summary>
    /// The no-market baseline per kWh: grid-connected, the tariffs (buy at retail, sell at the
    /// feed-in price); islanded, the slack's marginal cost at half load to buy and nothing to sell.
    /// </summary>
    private static (decimal Buy, decimal Sell) BaselinePrices(Scenario scenario, IReadOnlyList<IUnitAgent> agents) => scenario.Mode switch
    {
        GridConnectedMode grid => (grid.RetailPrice, grid.FeedInPrice),
        _ => (agents.Select(a => a.Spec).OfType<SlackUnit>().Select(s => s.Technology switch
        {
            SlackTechnology.Diesel => MicroMarket.Grid.Units.Genset.Diesel(s.RatedPowerKw, s.MinStableFraction).MarginalCostPerKwh(s.RatedPowerKw / 2, s.FuelPrice),
            SlackTechnology.Chp => MicroMarket.Grid.Units.Genset.Chp(s.RatedPowerKw, minimumStableFraction: s.MinStableFraction).MarginalCostPerKwh(s.RatedPowerKw / 2, s.FuelPrice),
            _ => scenario.Market.ImbalanceFallbackPrice,
        }).Single(), 0m),
    };

    private static async Task SucceedAsync(MarketClient market, IReadOnlyList<TxRequest> requests, long time, CancellationToken cancellationToken)
    {
        foreach (var outcome in await market.Pipeline.ExecuteAsync(requests, time, cancellationToken).ConfigureAwait(false))
        {
            outcome.EnsureSuccess();
        }
    }
}
