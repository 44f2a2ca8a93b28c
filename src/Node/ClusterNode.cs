using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using MicroMarket.Agents.Actors;
using MicroMarket.Agents.Running;
using MicroMarket.Simulation;
using MicroMarket.Hardware.Configuration;
using MicroMarket.Node.Pi;
using MicroMarket.Scenarios;
using MicroMarket.Node.Deployment;
using MicroMarket.Scenarios.Model;
using MicroMarket.Simulation.Running;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MicroMarket.Node;

/// <summary>How a node's part of the run ended; the market node also has the run's result.</summary>
public sealed record NodeOutcome(bool Succeeded, string Summary, RunResult? Run = null);

/// <summary>
/// One node of the cluster. The market node runs the market host as a cluster singleton (role
/// <c>market</c>) with the chain and the run directory; sim nodes host their share of the simulated
/// units; a Pi node hosts one unit with its relay and meter. Units find the host through a
/// singleton proxy, so it does not matter which node starts first. A node ends when the host says
/// the run is over, or fails when the cluster removes it. Each node's actor system runs in a generic
/// host (Akka.Hosting), started for the node's part of the run and stopped after it.
/// </summary>
public static class ClusterNode
{
    /// <summary>The market host's singleton manager, at /user/market; units reach it through a proxy.</summary>
    private const string HostName = "market";

    private static readonly ClusterSingletonOptions OnMarketNode = new() { Role = "market" };

    /// <param name="time">The wall clock: a live market's start, a Pi's meter, what live phases and slots wait for.</param>
    public static async Task<NodeOutcome> RunAsync(NodeOptions options, NodeConfig config, Scenario scenario, Action<string> log, TimeProvider time, CancellationToken cancellationToken)
    {
        var seeds = options.SeedNodes ?? config.Cluster.SeedNodes;
        if (seeds.Count == 0)
        {
            throw new NodeConfigurationException("no seed nodes: give --seed-nodes host:port[,host:port] or cluster.seed_nodes in the configuration");
        }
        var port = options.Port;
        if (options.Role == NodeRole.Market && port == 0)
        {
            // The market node seeds the cluster: it listens where the seed list says it does.
            port = seeds.Select(s => NodeConfigLoader.TryHostPort(s, out var host, out var p) && host == options.Host ? p : 0).FirstOrDefault(p => p != 0);
        }
        var node = new NodeStart(config.Cluster, options.Role, options.Host, port, seeds, log, time, options.LogLevel);
        return options.Role switch
        {
            NodeRole.Market => await RunMarketAsync(node, options, config, scenario, cancellationToken).ConfigureAwait(false),
            NodeRole.Sim => await RunSimAsync(node, options, config, scenario, cancellationToken).ConfigureAwait(false),
            NodeRole.Pi => await RunPiAsync(node, options, config, scenario, cancellationToken).ConfigureAwait(false),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Role, "a sweep's nodes run through SweepCluster"),
        };
    }

    private static async Task<NodeOutcome> RunMarketAsync(NodeStart node, NodeOptions options, NodeConfig config, Scenario scenario, CancellationToken cancellationToken)
    {
        var (log, time) = (node.Log, node.Time);
        // A resumed live run keeps the pace it began with: its phases' times are on its chain already.
        var pace = options.Resume is { } checkpoint ? checkpoint.Live
            : config.Market.Live is { } live ? SimulationCalendar.PaceFrom(scenario.Time, scenario.Market, time.GetUtcNow().ToUnixTimeSeconds() + live.StartDelaySeconds, live.SlotSeconds, live.BlockSeconds)
            : null;
        var plan = new ScenarioPlan(scenario, pace);
        UnitPlacement.CheckPiUnits(plan, config);
        var resume = options.Resume is null ? null : ReadResume(options.Resume, config.Market.OutputDirectory, plan);
        var finished = new TaskCompletionSource<RunResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The rpc_host is always given: even on one machine the sim nodes are other processes, so
        // every node (this one's units too) reaches a started Anvil only through its RPC filter.
        var settings = new HostSettings(plan, config.Market.OutputDirectory, new ChainSettings(config.Market.Chain, config.Market.RpcHost,
            config.Market.OperatorKeyFile is { } operatorKey ? KeyFile.LoadOperator(operatorKey) : null, config.Market.RpcPort), finished)
        {
            UnitReplyTimeout = config.Cluster.UnitReplyTimeout,
            StartTimeout = config.Cluster.StartTimeout,
            Progress = p => Report(p, plan.Calendar, log),
            Log = m => log($"market: {m}"),
            Time = time,
            Checkpoints = true,
            Resume = resume,
        };
        var own = UnitPlacement.MarketShare(plan, config).Select(plan.Hosted).ToList();
        using var access = new MarketAccess();
        await using var running = await node.StartAsync(akka => akka
            .WithSingleton<MarketHostActor>(HostName, MarketHostActor.Props(settings), OnMarketNode, createProxyToo: true)
            .WithActors((system, registry) =>
                system.ActorOf(UnitNodeActor.Props(own, access, registry.Get<MarketHostActor>(), new TaskCompletionSource<bool>(), time), "units"))).ConfigureAwait(false);
        log($"market: hosting {string.Join(", ", own.Select(u => u.Identity.Id))}; waiting for {plan.Units.Count - own.Count} units ({config.PiUnits.Count} on Pi nodes, the rest on {config.Cluster.SimNodes} sim node(s))");
        var host = running.Registry.Get<MarketHostActor>();
        using var stop = cancellationToken.Register(() => host.Tell(new ClockProtocol.StopAfterCurrentPhase(options.StopCause())));
        if (await Task.WhenAny(finished.Task, running.Removed).ConfigureAwait(false) == running.Removed)
        {
            return new NodeOutcome(false, "the cluster removed the market node: the run is lost");
        }
        // The host completes the run only once every unit still there has heard that it is over; their nodes leave on
        // hearing it. The market node, the cluster's oldest and leader, leaves last: a node still leaving when the
        // leader goes would see it vanish and say so (a disassociation at every normal end).
        var result = await finished.Task.ConfigureAwait(false);
        await running.LeaveLastAsync(config.Cluster.UnitReplyTimeout).ConfigureAwait(false);
        return new NodeOutcome(result.Complete && result.Verification.Holds, result.Complete ? "run complete" : $"run incomplete: {result.Failure ?? "stopped"}", result);
    }

    /// <summary>The tables and the chain's state the checkpoint in <paramref name="directory"/> kept, for <paramref name="plan"/>.</summary>
    private static MarketResume ReadResume(MarketCheckpoint checkpoint, string directory, ScenarioPlan plan)
    {
        try
        {
            return new MarketResume(checkpoint, MarketCheckpoint.ReadTables(directory, plan.Calendar, MarketRun.TableUnits(plan)), checkpoint.ReadChainState(directory));
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            throw new NodeConfigurationException($"--resume {directory}: its checkpoint cannot be taken up: {ex.Message}");
        }
    }

    private static async Task<NodeOutcome> RunSimAsync(NodeStart node, NodeOptions options, NodeConfig config, Scenario scenario, CancellationToken cancellationToken)
    {
        var plan = new ScenarioPlan(scenario);
        UnitPlacement.CheckPiUnits(plan, config);
        var units = UnitPlacement.SimShare(plan, config, options.Shard).Select(plan.Hosted).ToList();
        node.Log($"sim node {options.Shard}/{config.Cluster.SimNodes}: {units.Count} units ({string.Join(", ", units.Take(5).Select(u => u.Identity.Id))}{(units.Count > 5 ? ", ..." : "")})");
        return await HostUnitsAsync(node, units, config.Cluster.StartTimeout, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<NodeOutcome> RunPiAsync(NodeStart node, NodeOptions options, NodeConfig config, Scenario scenario, CancellationToken cancellationToken)
    {
        if (config.Market.Live is null)
        {
            throw new NodeConfigurationException($"{config.SourcePath}: a Pi unit switches and measures in wall time: set market.live");
        }
        var settings = options.Unit is { } id
            ? config.PiUnit(id) ?? throw new NodeConfigurationException($"--unit {id}: not in pi_units of {config.SourcePath}")
            : config.PiUnits.Count == 1 ? config.PiUnits[0]
            : throw new NodeConfigurationException($"{config.SourcePath} lists {config.PiUnits.Count} Pi units: say which one with --unit");
        var plan = new ScenarioPlan(scenario);
        UnitPlacement.CheckPiUnits(plan, config);
        // The trading key and the meter key come from separate files: the meter's is the device's alone.
        var (trader, meterKey) = settings.KeysFile is { } file && settings.MeterKeyFile is { } meterFile ? (KeyFile.LoadTrader(file), KeyFile.LoadMeter(meterFile))
            : options.DevKeys ? (plan.SimulatedTraderKey(settings.Unit), plan.SimulatedMeterKey(settings.Unit))
            : throw new NodeConfigurationException($"unit {settings.Unit} has no key files: set pi_units[].keys and pi_units[].meter_key (micromarket keys new --out FILE, micromarket keys new --meter --out FILE), or --dev-keys on a development chain");
        // The node's actor system (whose unit samples the device) stops before the device is
        // disposed, which switches the relay off and releases the pins.
        using var device = new PiDevice(HardwareFactory.Create(settings.Hardware), settings, meterKey, node.Time, m => node.Log($"{settings.Unit}: {m}"));
        var unit = plan.Hosted(plan.Unit(settings.Unit), trader, device);
        node.Log($"pi node: unit {settings.Unit}, trader {trader.Address}, meter {meterKey.Address}, {HardwareOptions.ConfigName(settings.Hardware.Driver)} hardware");
        return await HostUnitsAsync(node, [unit], config.Cluster.StartTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Hosts <paramref name="units"/> until the run is over. When the market node leaves the cluster (killed), this node
    /// leaves too and joins again, and its units announce themselves afresh: a market node resumed from the run's
    /// checkpoint (<c>node --role market --resume</c>) within <paramref name="startTimeout"/> takes them back.
    /// </summary>
    private static async Task<NodeOutcome> HostUnitsAsync(NodeStart node, IReadOnlyList<HostedUnit> units, TimeSpan startTimeout, CancellationToken cancellationToken)
    {
        using var access = new MarketAccess();
        var cancelled = Task.Delay(Timeout.Infinite, cancellationToken);
        for (var rejoined = false; ; rejoined = true)
        {
            var ended = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            var (marketUp, marketLost) = (new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            await using var running = await node.StartAsync(akka => akka
                .WithSingletonProxy<MarketHostActor>(HostName, OnMarketNode)
                .WithActors((system, registry) =>
                {
                    system.ActorOf(UnitNodeActor.Props(units, access, registry.Get<MarketHostActor>(), ended, node.Time), "units");
                    system.ActorOf(Props.Create(() => new MarketWatch(marketUp, marketLost)), "market-watch");
                })).ConfigureAwait(false);
            var gaveUp = rejoined ? GiveUpUnlessUpAsync(marketUp.Task, startTimeout, cancellationToken) : cancelled;
            var first = await Task.WhenAny(ended.Task, running.Removed, marketLost.Task, gaveUp, cancelled).ConfigureAwait(false);
            if (first == marketLost.Task && !cancellationToken.IsCancellationRequested)
            {
                node.Log($"the market node left the cluster: this node joins again and waits up to {startTimeout.TotalSeconds:0} s for a market node resumed from the run's checkpoint (node --role market --resume RUN_DIR)");
                continue;
            }
            if (first == ended.Task)
            {
                return ended.Task.IsCompletedSuccessfully
                    ? new NodeOutcome(ended.Task.Result, ended.Task.Result ? "the run is over" : "the run ended incomplete")
                    : new NodeOutcome(false, ended.Task.Exception!.InnerException!.Message);
            }
            return first == running.Removed ? new NodeOutcome(false, "the cluster removed this node (unreachable too long): its units count as not delivering")
                : cancellationToken.IsCancellationRequested ? new NodeOutcome(false, "stopped: this node's units leave the market and count as not delivering")
                : new NodeOutcome(false, $"the market node left the cluster and did not come back within {startTimeout.TotalSeconds:0} s: the run is lost (its run directory shows how far it got)");
        }
    }

    /// <summary>Completes when no market node is up within <paramref name="within"/>; never when one is.</summary>
    private static async Task GiveUpUnlessUpAsync(Task up, TimeSpan within, CancellationToken cancellationToken)
    {
        if (await Task.WhenAny(up, Task.Delay(within, cancellationToken)).ConfigureAwait(false) == up)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>How this node joins the cluster, and whom it tells.</summary>
    private sealed record NodeStart(Deployment.ClusterSettings Cluster, NodeRole Role, string Host, int Port, IReadOnlyList<string> Seeds, Action<string> Log, TimeProvider Time, Akka.Event.LogLevel LogLevel)
    {
        /// <summary>Starts the node's actor system with the node's <paramref name="actors"/>; it joins the cluster.</summary>
        public async Task<RunningNode> StartAsync(Action<AkkaConfigurationBuilder> actors)
        {
            var started = Time.GetTimestamp();
            await WaitForASeedAsync().ConfigureAwait(false);
            var host = ActorHosting.Build(Cluster.Name, akka => actors(akka.WithNode(Cluster, Role, Host, Port, Seeds)), LogLevel);
            await host.StartAsync(CancellationToken.None).ConfigureAwait(false);
            var system = host.Services.GetRequiredService<ActorSystem>();
            var removed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Akka.Cluster.Cluster.Get(system).RegisterOnMemberRemoved(() => removed.TrySetResult());
            Log($"{Role.ToString().ToLowerInvariant()} node {Akka.Cluster.Cluster.Get(system).SelfAddress} joining {string.Join(", ", Seeds)}");
            return new RunningNode(host, system, removed.Task, () => Time.GetElapsedTime(started), Log);
        }

        /// <summary>
        /// A node that is not a seed itself joins only once a seed node listens (up to the start timeout): Akka would
        /// otherwise try the seed, warn that the address is unreachable and that it could not join, and try again,
        /// whenever a sim or Pi node starts before the market node (or while a lost market node is being resumed).
        /// </summary>
        private async Task WaitForASeedAsync()
        {
            if (Port != 0 && Seeds.Contains($"{Host}:{Port}"))
            {
                return;
            }
            var waited = System.Diagnostics.Stopwatch.StartNew();
            for (var told = false; waited.Elapsed < Cluster.StartTimeout; told = true)
            {
                foreach (var seed in Seeds)
                {
                    if (NodeConfigLoader.TryHostPort(seed, out var host, out var port) && await ListensAsync(host, port).ConfigureAwait(false))
                    {
                        return;
                    }
                }
                if (!told)
                {
                    Log($"{Role.ToString().ToLowerInvariant()} node: waiting for a seed node to listen at {string.Join(", ", Seeds)}");
                }
                await Task.Delay(500).ConfigureAwait(false);
            }
        }

        private static async Task<bool> ListensAsync(string host, int port)
        {
            using var client = new System.Net.Sockets.TcpClient();
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                await client.ConnectAsync(host, port, patience.Token).ConfigureAwait(false);
                return true;
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException or OperationCanceledException)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// A node whose actor system runs: <see cref="Removed"/> completes if the cluster removes it.
    /// Disposing it tells the node's traffic and stops the system (it leaves the cluster).
    /// </summary>
    private sealed class RunningNode(IHost host, ActorSystem system, Task removed, Func<TimeSpan> elapsed, Action<string> log) : IAsyncDisposable
    {
        public Task Removed => removed;

        public ActorRegistry Registry => host.Services.GetRequiredService<ActorRegistry>();

        /// <summary>Waits until every other node has left the cluster, or <paramref name="patience"/> has passed.</summary>
        public async Task LeaveLastAsync(TimeSpan patience)
        {
            var cluster = Akka.Cluster.Cluster.Get(system);
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (cluster.State.Members.Any(m => !m.UniqueAddress.Equals(cluster.SelfUniqueAddress)) && waited.Elapsed < patience)
            {
                await Task.Delay(100).ConfigureAwait(false);
            }
        }

        public async ValueTask DisposeAsync()
        {
            LogTraffic(RemoteTraffic.Get(system).Figures, elapsed(), log);
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            host.Dispose();
        }
    }

    /// <summary>The node's inter-node message count and rate, for the operator and for `micromarket bench cluster`.</summary>
    private static void LogTraffic(TrafficFigures t, TimeSpan elapsed, Action<string> log) => log(FormattableString.Invariant(
        $"traffic: {t.MessagesSent} messages sent ({t.BytesSent / 1e6:0.0} MB), {t.MessagesReceived} received ({t.BytesReceived / 1e6:0.0} MB) in {elapsed.TotalSeconds:0.0} s: {(t.MessagesSent + t.MessagesReceived) / elapsed.TotalSeconds:0} msg/s"));

    /// <summary>Completes <c>up</c> when a market node is up in the cluster, and <c>lost</c> when it leaves: without it there is no run to take part in.</summary>
    private sealed class MarketWatch : ReceiveActor
    {
        public MarketWatch(TaskCompletionSource up, TaskCompletionSource lost)
        {
            Receive<ClusterEvent.MemberUp>(m =>
            {
                if (m.Member.HasRole("market"))
                {
                    up.TrySetResult();
                }
            });
            Receive<ClusterEvent.MemberRemoved>(m =>
            {
                if (m.Member.HasRole("market"))
                {
                    lost.TrySetResult();
                }
            });
        }

        protected override void PreStart() => Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.MemberUp), typeof(ClusterEvent.MemberRemoved));

        protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);
    }

    /// <summary>
    /// What the operator of the market node sees: each day's clearing, every sixth hour, and the end. The count is the
    /// chain's, setup included, not summary.json's market transactions (docs/kpis.md, "Chain cost").
    /// </summary>
    private static void Report(RunProgress p, SimulationCalendar calendar, Action<string> log)
    {
        var phase = p.Phase;
        // Every clearing: an operator (and a test) sees each hour of the day go by; a year is about 9 000 lines.
        var show = phase.Kind is PhaseKind.DayAheadClearing or PhaseKind.IntradayClearing or PhaseKind.FinalSettlement;
        if (show)
        {
            log($"market: phase {p.PhaseIndex + 1}/{p.PhaseCount} {phase.Kind} {phase.Period} · {p.MarketTransactions} tx · {p.Pace(calendar.Days)}");
        }
    }
}
