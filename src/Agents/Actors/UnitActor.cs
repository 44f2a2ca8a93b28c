using System.Numerics;
using Akka.Actor;
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
/// own transactions (only those it asked for), and reads its schedule and account back from the
/// chain. Its meter is not its own to sign: the grid operator's metering service signs a simulated
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
    private const int RememberedIntents = 16;

    /// <summary>The most the unit pays per gas: far above any development or private chain's fees, far below a drain.</summary>
    private static readonly BigInteger MaxFeePerGasWei = BigInteger.Pow(10, 13);

    private readonly IUnitAgent _agent;
    private readonly UnitIdentity _identity;
    private readonly EthKey _trader;
    private readonly IUnitDevice? _device;
    private readonly Dictionary<int, MeasuredEnergy> _measured = [];
    private readonly MarketAccess _access;
    private readonly IActorRef _host;
    private readonly Schedule _schedule = new();
    private readonly Queue<TxIntent> _intents = new();

    /// <summary>The nonce each intent was signed at: signed again only at that nonce (a replacement), so it can execute once.</summary>
    private readonly Dictionary<TxIntent, BigInteger> _signedAt = new(ReferenceEqualityComparer.Instance);

    /// <summary>The day-ahead orders of the last two days (intra-day bidding for today runs after tomorrow's day-ahead): intra-day orders of the same slots count against the rating with them.</summary>
    private readonly Queue<SlotOrders> _dayAheadOrders = new();
    private readonly Guid _incarnation = Guid.NewGuid();
    private MarketClient? _market;

    public UnitActor(HostedUnit unit, MarketAccess access, IActorRef host)
    {
        _agent = unit.Agent;
        _identity = unit.Identity;
        _trader = unit.Trader;
        _device = unit.Device;
        _access = access;
        _host = host;
        Waiting();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public IStash Stash { get; set; } = null!;

    public static Props Props(HostedUnit unit, MarketAccess access, IActorRef host) =>
        Akka.Actor.Props.Create(() => new UnitActor(unit, access, host));

    protected override void PreStart() =>
        Timers.StartPeriodicTimer(AnnounceTimer, Announce.Instance, TimeSpan.Zero, TimeSpan.FromSeconds(2));

    private MarketClient Market => _market ?? throw new InvalidOperationException("the market is not ready");

    /// <summary>Until the market is ready: announce, learn where it is, keep everything else for later.</summary>
    private void Waiting()
    {
        Receive<Announce>(_ => _host.Tell(new HostProtocol.UnitOnline(_identity, Self, _incarnation)));
        Receive<HostProtocol.Welcome>(_ => Timers.Cancel(AnnounceTimer));
        Receive<HostProtocol.MarketReady>(m => _access.ClientAsync(m.Location).PipeTo(Self, Self,
            success: client => new Connected(client), failure: ex => new ConnectionFailed(ex.Message)));
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
        Receive<HostProtocol.SignTransaction>(OnSign);
        Receive<NonceRead>(OnNonceRead);
        Receive<Funding>(m => Sender.Tell(new FundingIntents(_identity.Id, Remember(Market.ApproveEscrow(m.Micro)), Remember(Market.Deposit(_identity.Index, m.Micro)))));
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
        Receive<ReadBalance>(OnReadBalance);
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
        });
    }

    /// <summary>
    /// Signs only what the unit itself asked for, and only once: a remembered intent (same contract,
    /// same calldata), no value, this chain, gas within the intent's limit (or Ethereum's per
    /// transaction cap when it left the limit to estimation), a bounded fee, and the account's next
    /// nonce as the chain counts it. An intent signed at a nonce is signed again only at that nonce
    /// (a replacement after a failed send): a host can never have one intent executed twice, nor a
    /// transaction signed ahead for later.
    /// </summary>
    private void OnSign(HostProtocol.SignTransaction m)
    {
        var tx = m.Transaction;
        var intent = _intents.FirstOrDefault(i => string.Equals(i.To, tx.To, StringComparison.OrdinalIgnoreCase) && i.Data.AsSpan().SequenceEqual(tx.Data));
        var problem = intent is null ? "it did not ask for this transaction"
            : !tx.Value.IsZero ? "it sends no ether"
            : tx.ChainId != Market.Chain.ChainId ? $"chain {tx.ChainId} is not the market's"
            : tx.GasLimit > (intent.GasLimit ?? TransactionPipeline.TransactionGasCap) ? $"gas limit {tx.GasLimit} is above {intent.GasLimit ?? TransactionPipeline.TransactionGasCap}"
            : tx.MaxFeePerGas > MaxFeePerGasWei ? $"fee cap {tx.MaxFeePerGas} wei per gas is above {MaxFeePerGasWei}"
            : _signedAt.TryGetValue(intent, out var nonce) && nonce != tx.Nonce ? $"it signed this transaction at nonce {nonce} already"
            : null;
        if (problem is not null)
        {
            Sender.Tell(new HostProtocol.SigningRefused($"unit {_identity.Id} refused to sign: {problem}"));
            return;
        }
        if (_signedAt.ContainsKey(intent!))
        {
            Sender.Tell(new HostProtocol.TransactionSigned(tx.Sign(_trader)));
            return;
        }
        var replyTo = Sender;
        Market.Chain.GetPendingNonceAsync(_identity.TraderAddress).PipeTo(Self, Self,
            success: next => new NonceRead(m.Transaction, intent!, next, replyTo),
            failure: ex => new NonceRead(m.Transaction, intent!, null, replyTo));
    }

    private void OnNonceRead(NonceRead m)
    {
        if (m.Next != m.Transaction.Nonce)
        {
            m.ReplyTo.Tell(new HostProtocol.SigningRefused(m.Next is null
                ? $"unit {_identity.Id} cannot read its nonce from the chain"
                : $"unit {_identity.Id} refused to sign: nonce {m.Transaction.Nonce} is not its next ({m.Next})"));
            return;
        }
        _signedAt[m.Intent] = m.Transaction.Nonce;
        m.ReplyTo.Tell(new HostProtocol.TransactionSigned(m.Transaction.Sign(_trader)));
    }

    private TxIntent Remember(TxIntent intent)
    {
        _intents.Enqueue(intent);
        while (_intents.Count > RememberedIntents)
        {
            _signedAt.Remove(_intents.Dequeue());
        }
        return intent;
    }

    private void OnBidDayAhead(BidDayAhead m)
    {
        var proposed = _agent.BidDayAhead(m.Request);
        var decision = proposed with { Orders = AdmissibleOrders.Of(proposed.Orders, _agent.RatingWhPerSlot) };
        _dayAheadOrders.Enqueue(decision.Orders);
        while (_dayAheadOrders.Count > 2)
        {
            _dayAheadOrders.Dequeue();
        }
        var tx = decision.Orders.IsEmpty ? null : Remember(Market.DayAheadOrders(_identity.Index, (uint)m.Request.Day, decision.Orders.Buys, decision.Orders.Sells));
        Sender.Tell(new Bid(m.PhaseId, _identity.Id, decision, tx));
    }

    private void OnBidIntraday(BidIntraday m)
    {
        var positions = Enumerable.Range(m.FirstSlot, m.SlotCount).Select(_schedule.DayAhead).ToList();
        var request = new IntradayRequest(m.Hour, m.IssueSlot, m.FirstSlot, m.SlotCount, positions, m.DayAheadPrices, m.Outlook, m.Rules);
        var proposed = _agent.BidIntraday(request);
        var decision = proposed with { Orders = AdmissibleOrders.Of(proposed.Orders, _agent.RatingWhPerSlot, _dayAheadOrders) };
        var tx = decision.Orders.IsEmpty ? null : Remember(Market.IntradayOrders(_identity.Index, (uint)m.Hour, decision.Orders.Buys, decision.Orders.Sells));
        Sender.Tell(new Bid(m.PhaseId, _identity.Id, decision, tx));
    }

    private void OnReadPositions(ReadPositions m) => Load(m, Sender);

    /// <summary>After a restart, the unit learns what it already holds in the slots to come, then tells the host it can trade.</summary>
    private void OnResync(HostProtocol.Resync m)
    {
        var host = Sender;
        var first = (uint)m.FirstSlot;
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
            _agent.OnPositions(stage, m.FirstSlot, positions);
        }
        m.Host.Tell(new HostProtocol.Resynced(_identity.Id));
    }

    private static List<SlotPosition> Positions((IReadOnlyList<ulong> BoughtWh, IReadOnlyList<ulong> SoldWh) read) =>
        read.BoughtWh.Zip(read.SoldWh, (b, s) => new SlotPosition((long)b, (long)s)).ToList();

    private void Load(ReadPositions m, IActorRef replyTo) =>
        Market.PositionsAsync(m.Stage, (uint)m.FirstSlot, (uint)m.SlotCount, _identity.Index).PipeTo(Self, Self,
            success: read => new PositionsLoaded(m, replyTo, Positions(read)),
            failure: ex => new ChainReadFailed(m.PhaseId, replyTo, $"reading positions: {ex.Message}"));

    private void OnPositionsLoaded(PositionsLoaded m)
    {
        _schedule.Learn(m.Request.Stage, m.Request.FirstSlot, m.Positions);
        _agent.OnPositions(m.Request.Stage, m.Request.FirstSlot, m.Positions);
        m.ReplyTo.Tell(new PositionsRead(m.Request.PhaseId, _identity.Id, m.Request.Stage, m.Request.FirstSlot, m.Positions));
    }

    private DeliveryRequest ScheduleOf(int slot) => new(slot, _schedule.DayAhead(slot), _schedule.Intraday(slot));

    private DeliveryProposed Proposed(ProposeDelivery m)
    {
        var schedule = ScheduleOf(m.Slot);
        var proposal = _agent.ProposeDelivery(schedule);
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
        var slot = (int)Math.Floor((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 - p.GenesisUnixSeconds) / p.SlotSeconds);
        if (slot >= 0)
        {
            _device!.Follow(SlotTimeOf(slot), _agent.ProposeDelivery(ScheduleOf(slot)).PowerKw);
        }
        ScheduleSlotStart(Math.Max(slot + 1, 0));
    }

    /// <summary>
    /// Switches exactly on the slot boundary (the device reads its meter on either side of the
    /// switch, so no energy of one slot's relay state leaks into the next), then waits for the next.
    /// </summary>
    private void OnSlotStarts(SlotStarts m)
    {
        _device!.Follow(SlotTimeOf(m.Slot), _agent.ProposeDelivery(ScheduleOf(m.Slot)).PowerKw);
        ScheduleSlotStart(m.Slot + 1);
    }

    private void ScheduleSlotStart(int slot)
    {
        var due = DateTimeOffset.FromUnixTimeSeconds(Market.Parameters.SlotStart(slot)) - DateTimeOffset.UtcNow;
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
        var state = _agent.ApplyDelivery(m.Slot, m.ActualPowerKw);
        var reading = _measured.Remove(m.Slot, out var measured) ? _device!.SignReading(Market.ReadingSigner, _identity.Index, m.Slot, measured) : null;
        Sender.Tell(new DeliveryApplied(m.PhaseId, _identity.Id, state, reading));
    }

    private void OnReadBalance(ReadBalance m)
    {
        var replyTo = Sender;
        var phaseId = m.PhaseId;
        var id = _identity.Id;
        Market.AccountAsync(_identity.Index).PipeTo(replyTo, Self,
            success: a => new BalanceRead(phaseId, id, Money.TokensFromNano(a.BalanceNano), Money.TokensFromNano(a.LockedNano), Money.TokensFromNano(a.DebtNano)),
            failure: ex => new UnitFailed(phaseId, id, $"reading the account: {ex.Message}"));
    }

    /// <summary>The host asks a unit for the transactions that fund its escrow.</summary>
    public sealed record Funding(BigInteger Micro);

    public sealed record FundingIntents(string UnitId, TxIntent Approve, TxIntent Deposit);

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

    private sealed record NonceRead(RawTransaction Transaction, TxIntent Intent, BigInteger? Next, IActorRef ReplyTo);

    private sealed record ConnectionFailed(string Reason);

    private sealed record Resynchronised(int FirstSlot, IActorRef Host, IReadOnlyList<SlotPosition> DayAhead, IReadOnlyList<SlotPosition> Intraday);

    private sealed record PositionsLoaded(ReadPositions Request, IActorRef ReplyTo, IReadOnlyList<SlotPosition> Positions);

    private sealed record ChainReadFailed(long PhaseId, IActorRef ReplyTo, string Reason);
}
