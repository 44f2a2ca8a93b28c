using MicroMarket.RunFormat;
using System.Numerics;
using Akka.Actor;
using Akka.Event;
using MicroMarket.Simulation.Decisions;
using MicroMarket.Agents.Running;
using MicroMarket.Simulation;
using MicroMarket.Market;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;
using static MicroMarket.Agents.Actors.UnitProtocol;
using MicroMarket.Simulation.Running;

namespace MicroMarket.Agents.Actors;

/// <summary>
/// One unit: announces itself to the market host until welcomed, connects to the market once it
/// is ready, routes the clock's phase messages to its agent (the decisions, Akka-free), signs its
/// own transactions inside its answer (at its next nonce as the chain counts it, in its place in the
/// block by its index; the key never leaves the actor and nobody else asks it to sign), and reads
/// its schedule back from the chain. Its meter is not its own to sign: the grid operator's metering service signs a simulated
/// unit's readings, a Pi's meter signs with a key kept apart from the trading key. Chain reads run
/// as tasks piped back to the actor, so its mailbox never blocks.
/// A unit with a device (a Pi's relay and meter) switches to follow its schedule as each slot
/// starts on the market's clock, samples its meter, and reports what the meter measured.
/// </summary>
public sealed class UnitActor : ReceiveActor, IWithTimers, IWithUnboundedStash
{
    private const string AnnounceTimer = "announce";
    private const string SampleTimer = "sample";
    private const string SlotTimer = "slot";

    private readonly UnitPhysics _physics;
    private readonly UnitIdentity _identity;
    private readonly EthKey _trader;
    private readonly IUnitDevice? _device;
    private readonly Dictionary<int, MeasuredEnergy> _measured = [];
    private readonly MarketAccess _access;
    private readonly IActorRef _host;
    private readonly Schedule _schedule = new();

    /// <summary>The day-ahead orders of the last two days (intra-day bidding for today runs after tomorrow's day-ahead): intra-day orders of the same slots count against the rating with them.</summary>
    private readonly Queue<SlotOrders> _dayAheadOrders = new();
    private readonly Guid _incarnation = Guid.NewGuid();
    private readonly TimeProvider _time;
    private MarketClient? _market;
    private bool _hostMines;

    /// <param name="time">The wall clock a device's slots start on.</param>
    public UnitActor(HostedUnit unit, MarketAccess access, IActorRef host, TimeProvider time)
    {
        _physics = unit.Physics;
        _identity = unit.Identity;
        _trader = unit.Trader;
        _device = unit.Device;
        _access = access;
        _host = host;
        _time = time;
        Waiting();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public IStash Stash { get; set; } = null!;

    public static Props Props(HostedUnit unit, MarketAccess access, IActorRef host, TimeProvider time) =>
        Akka.Actor.Props.Create(() => new UnitActor(unit, access, host, time));

    protected override void PreStart() =>
        Timers.StartPeriodicTimer(AnnounceTimer, Announce.Instance, TimeSpan.Zero, TimeSpan.FromSeconds(2));

    private MarketClient Market => _market ?? throw new InvalidOperationException("the market is not ready");

    /// <summary>The agent as it is now: a resync may have built it again.</summary>
    private IUnitAgent Agent => _physics.Agent;

    /// <summary>Until the market is ready: announce, learn where it is, keep everything else for later.</summary>
    private void Waiting()
    {
        Receive<Announce>(_ => _host.Tell(new HostProtocol.UnitOnline(_identity, Self, _incarnation)));
        Receive<HostProtocol.Welcome>(_ => Timers.Cancel(AnnounceTimer));
        Receive<HostProtocol.MarketReady>(m =>
        {
            _hostMines = m.Location.HostMines;
            _access.ClientAsync(m.Location).PipeTo(Self, Self, success: client => new Connected(client), failure: ex => new ConnectionFailed(ex.Message));
        });
        Receive<Connected>(m =>
        {
            _market = m.Client;
            if (_device is not null)
            {
                Timers.StartPeriodicTimer(SampleTimer, SampleNow.Instance, _device.SampleInterval);
                FollowFromNow();
            }
            Become(Trading);
            Stash.UnstashAll();
        });
        Receive<ConnectionFailed>(m => throw new InvalidOperationException($"unit {_identity.Id} cannot reach the chain: {m.Reason}"));
        Ending();
        ReceiveAny(_ => Stash.Stash());
    }

    private void Trading()
    {
        Receive<Announce>(_ => _host.Tell(new HostProtocol.UnitOnline(_identity, Self, _incarnation)));
        Receive<HostProtocol.Welcome>(_ => Timers.Cancel(AnnounceTimer));
        Receive<HostProtocol.MarketReady>(_ => { });
        Receive<Funding>(m => SignAsync([Market.ApproveEscrow(m.Micro), Market.Deposit(_identity.Index, m.Micro)])
            .PipeTo(Sender, Self, success: signed => new FundingSigned(_identity.Id, signed[0], signed[1])));
        Receive<HostProtocol.Resync>(OnResync);
        Receive<Resynchronised>(OnResynchronised);
        Receive<BidDayAhead>(OnBidDayAhead);
        Receive<BidIntraday>(OnBidIntraday);
        Receive<ReadPositions>(OnReadPositions);
        Receive<PositionsLoaded>(OnPositionsLoaded);
        Receive<ProposeDelivery>(m => Sender.Tell(Proposed(m)));
        Receive<SampleNow>(_ => _device!.Sample());
        Receive<SlotStarts>(OnSlotStarts);
        Receive<ApplyDelivery>(OnApplyDelivery);
        Receive<ChainReadFailed>(m => m.ReplyTo.Tell(new UnitFailed(m.PhaseId, _identity.Id, m.Reason)));
        // A restarted actor starts over: announces itself, and the host has it read its positions back.
        Receive<ConnectionFailed>(m => throw new InvalidOperationException($"unit {_identity.Id}: {m.Reason}"));
        Ending();
    }

    /// <summary>The host refused the unit, or the run is over: the node that hosts the unit hears of it.</summary>
    private void Ending()
    {
        Receive<HostProtocol.Refused>(m =>
        {
            Timers.Cancel(AnnounceTimer);
            Context.Parent.Forward(m);
        });
        Receive<HostProtocol.RunEnded>(m =>
        {
            Timers.CancelAll();
            Context.Parent.Forward(m);
            Sender.Tell(new HostProtocol.RunEndHeard(_identity.Id));
        });
    }

    private void OnBidDayAhead(BidDayAhead m)
    {
        var proposed = Agent.BidDayAhead(m.Request);
        var decision = proposed with { Orders = AdmissibleOrders.Of(proposed.Orders, Agent.RatingWhPerSlot) };
        _dayAheadOrders.Enqueue(decision.Orders);
        while (_dayAheadOrders.Count > 2)
        {
            _dayAheadOrders.Dequeue();
        }
        Answer(m.PhaseId, decision, decision.Orders.IsEmpty ? null : Market.DayAheadOrders(_identity.Index, (uint)m.Request.Day, decision.Orders.Buys, decision.Orders.Sells));
    }

    private void OnBidIntraday(BidIntraday m)
    {
        var positions = Enumerable.Range(m.FirstSlot, m.SlotCount).Select(_schedule.DayAhead).ToList();
        var request = new IntradayRequest(m.Hour, m.IssueSlot, m.FirstSlot, m.SlotCount, positions, m.DayAheadPrices, m.Outlook, m.Rules);
        var proposed = Agent.BidIntraday(request);
        var decision = proposed with { Orders = AdmissibleOrders.Of(proposed.Orders, Agent.RatingWhPerSlot, _dayAheadOrders) };
        Answer(m.PhaseId, decision, decision.Orders.IsEmpty ? null : Market.IntradayOrders(_identity.Index, (uint)m.Hour, decision.Orders.Buys, decision.Orders.Sells));
    }

    /// <summary>The bid, with its orders' transaction signed by the unit (none when it bids nothing).</summary>
    private void Answer(long phaseId, BidDecision decision, TxIntent? orders)
    {
        var id = _identity.Id;
        if (orders is null)
        {
            Sender.Tell(new Bid(phaseId, id, decision, null));
            return;
        }
        SignAsync([orders]).PipeTo(Sender, Self,
            success: signed => new Bid(phaseId, id, decision, signed[0]),
            failure: ex => new UnitFailed(phaseId, id, $"signing its orders: {ex.Message}"));
    }

    /// <summary>
    /// Signs the unit's own transactions at its next nonces as the chain counts them (pool included:
    /// rounds never overlap, so nothing of the unit's is in flight but what the chain knows), with
    /// the fees quoted now, in the unit's place in the block.
    /// </summary>
    private async Task<IReadOnlyList<SignedIntent>> SignAsync(IReadOnlyList<TxIntent> intents)
    {
        var (market, key, index) = (Market, _trader, _identity.Index);
        var (nonce, fees) = await TransactionFees.QuoteForAsync(market.Chain, key.Address, _hostMines, CancellationToken.None).ConfigureAwait(false);
        return intents.Select((intent, k) => intent.SignedBy(key, nonce + k, fees, MarketClient.PlaceInBlock(index), market.Chain.ChainId)).ToList();
    }

    private void OnReadPositions(ReadPositions m) => Load(m, Sender);

    /// <summary>
    /// After a restart, the unit takes up its physics where the recorder says it was (its battery's charge, a car's
    /// session, a flexible load's progress: each slot it has not applied, applied as delivered; when it had gone further
    /// than the record, as behind a market resumed from an older checkpoint, from the start), learns what it already
    /// holds in the slots to come, then tells the host it can trade.
    /// </summary>
    private void OnResync(HostProtocol.Resync m)
    {
        var ahead = _physics.Next;
        if (_physics.CatchUp(m.DeliveredKw))
        {
            Context.GetLogger().Info("unit {0}: the market went back to slot {1}, behind the {2} slots this unit had applied; its physics is rebuilt from the market's record",
                _identity.Id, m.DeliveredKw.Count, ahead);
        }
        var host = Sender;
        var first = SlotIndex.Of(m.FirstSlot);
        var count = (uint)m.SlotCount;
        Task.WhenAll(Market.PositionsAsync(MarketStage.DayAhead, first, count, _identity.Index), Market.PositionsAsync(MarketStage.Intraday, first, count, _identity.Index))
            .PipeTo(Self, Self,
                success: read => new Resynchronised(m.FirstSlot, host, Positions(read[0]), Positions(read[1])),
                failure: ex => new ConnectionFailed($"reading positions back: {ex.Message}"));
    }

    private void OnResynchronised(Resynchronised m)
    {
        foreach (var (stage, positions) in new[] { (MarketStage.DayAhead, m.DayAhead), (MarketStage.Intraday, m.Intraday) })
        {
            _schedule.Learn(stage, m.FirstSlot, positions);
            Agent.OnPositions(stage, m.FirstSlot, positions);
        }
        m.Host.Tell(new HostProtocol.Resynced(_identity.Id));
    }

    private static List<SlotPosition> Positions((IReadOnlyList<ulong> BoughtWh, IReadOnlyList<ulong> SoldWh) read) =>
        read.BoughtWh.Zip(read.SoldWh, (b, s) => new SlotPosition((long)b, (long)s)).ToList();

    private void Load(ReadPositions m, IActorRef replyTo) =>
        Market.PositionsAsync(m.Stage, SlotIndex.Of(m.FirstSlot), (uint)m.SlotCount, _identity.Index).PipeTo(Self, Self,
            success: read => new PositionsLoaded(m, replyTo, Positions(read)),
            failure: ex => new ChainReadFailed(m.PhaseId, replyTo, $"reading positions: {ex.Message}"));

    private void OnPositionsLoaded(PositionsLoaded m)
    {
        _schedule.Learn(m.Request.Stage, m.Request.FirstSlot, m.Positions);
        Agent.OnPositions(m.Request.Stage, m.Request.FirstSlot, m.Positions);
        m.ReplyTo.Tell(new PositionsRead(m.Request.PhaseId, _identity.Id, m.Request.Stage, m.Request.FirstSlot, m.Positions));
    }

    private DeliveryRequest ScheduleOf(int slot) => new(slot, _schedule.DayAhead(slot), _schedule.Intraday(slot));

    private DeliveryProposed Proposed(ProposeDelivery m)
    {
        var schedule = ScheduleOf(m.Slot);
        var proposal = Agent.ProposeDelivery(schedule);
        if (_device is not null)
        {
            // What flowed is what the meter measured: the physics takes it as the unit's power.
            var measured = _device.Measure(SlotTimeOf(m.Slot));
            _measured[m.Slot] = measured;
            proposal = DeliveryProposal.At(measured.AveragePowerKw(Market.Parameters.MarketSlotLength), proposal.PowerFactor);
        }
        return new DeliveryProposed(m.PhaseId, _identity.Id, schedule, proposal);
    }

    /// <summary>Joining mid-slot, the device follows the current slot at once; then each slot as it starts.</summary>
    private void FollowFromNow()
    {
        var p = Market.Parameters;
        var slot = (int)Math.Floor((_time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0 - p.GenesisUnixSeconds) / p.SlotSeconds);
        if (slot >= 0)
        {
            _device!.Follow(SlotTimeOf(slot), Agent.ProposeDelivery(ScheduleOf(slot)).PowerKw);
        }
        ScheduleSlotStart(Math.Max(slot + 1, 0));
    }

    /// <summary>
    /// Switches exactly on the slot boundary (the device reads its meter on either side of the
    /// switch, so no energy of one slot's relay state leaks into the next), then waits for the next.
    /// </summary>
    private void OnSlotStarts(SlotStarts m)
    {
        _device!.Follow(SlotTimeOf(m.Slot), Agent.ProposeDelivery(ScheduleOf(m.Slot)).PowerKw);
        ScheduleSlotStart(m.Slot + 1);
    }

    private void ScheduleSlotStart(int slot)
    {
        var due = DateTimeOffset.FromUnixTimeSeconds(Market.Parameters.SlotStart(slot)) - _time.GetUtcNow();
        Timers.StartSingleTimer(SlotTimer, new SlotStarts(slot), due > TimeSpan.Zero ? due : TimeSpan.Zero);
    }

    private SlotTime SlotTimeOf(int slot)
    {
        var p = Market.Parameters;
        return new SlotTime(slot, DateTimeOffset.FromUnixTimeSeconds(p.SlotStart(slot)), TimeSpan.FromSeconds(p.SlotSeconds), p.MarketSlotLength);
    }

    /// <summary>
    /// Applies what flowed. A unit with a meter of its own (a Pi) returns the reading its meter
    /// signed; a simulated unit's reading is the grid operator's to sign (the metering service).
    /// </summary>
    private void OnApplyDelivery(ApplyDelivery m)
    {
        var state = _physics.Apply(m.Slot, m.ActualPowerKw);
        var reading = _measured.Remove(m.Slot, out var measured) ? _device!.SignReading(Market.ReadingSigner, _identity.Index, m.Slot, measured) : null;
        Sender.Tell(new DeliveryApplied(m.PhaseId, _identity.Id, state, reading));
    }

    /// <summary>The host asks a unit for the transactions that fund its escrow.</summary>
    public sealed record Funding(BigInteger Micro);

    /// <summary>The unit's escrow funding, signed by the unit: the approval, then the deposit at the next nonce.</summary>
    public sealed record FundingSigned(string UnitId, SignedIntent Approve, SignedIntent Deposit);

    private sealed record SampleNow
    {
        public static SampleNow Instance { get; } = new();
    }

    private sealed record SlotStarts(int Slot);

    private sealed record Announce
    {
        public static Announce Instance { get; } = new();
    }

    private sealed record Connected(MarketClient Client);

    private sealed record ConnectionFailed(string Reason);

    private sealed record Resynchronised(int FirstSlot, IActorRef Host, IReadOnlyList<SlotPosition> DayAhead, IReadOnlyList<SlotPosition> Intraday);

    private sealed record PositionsLoaded(ReadPositions Request, IActorRef ReplyTo, IReadOnlyList<SlotPosition> Positions);

    private sealed record ChainReadFailed(long PhaseId, IActorRef ReplyTo, string Reason);
}
