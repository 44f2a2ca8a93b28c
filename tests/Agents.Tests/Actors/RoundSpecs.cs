using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using MicroMarket.Agents.Actors;
using MicroMarket.Market.Chain;
using MicroMarket.Simulation;
using MicroMarket.Simulation.Decisions;
using MicroMarket.Simulation.Recording;
using static MicroMarket.Agents.Actors.ClockProtocol;
using static MicroMarket.Agents.Actors.UnitProtocol;

namespace MicroMarket.Agents.Tests.Actors;

/// <summary>
/// A round's fan-out and fan-in, on the day-ahead bidding round: every unit present is asked, the
/// answers are gathered in registry order, the batch of the units' own signed orders goes to the
/// chain gateway, the recorder hears what was bid and mined, the clock hears the round completed.
/// Units, gateway, recorder and clock are probes; the reply timeout passes only when the spec
/// advances the scheduler.
/// </summary>
public sealed class RoundSpecs : TestKit
{
    private const long PhaseId = 5;
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(100);

    private readonly SimulationCalendar _calendar = ActorSpecs.Calendar(1);
    private readonly TestProbe _clock;
    private readonly TestProbe _gateway;
    private readonly TestProbe _recorder;
    private readonly List<(UnitHandle Handle, TestProbe Probe)> _units;

    public RoundSpecs() : base(ActorSpecs.ManualScheduler)
    {
        _clock = CreateTestProbe();
        _gateway = CreateTestProbe();
        _recorder = CreateTestProbe();
        _units = ActorSpecs.Units(this, 3);
    }

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    [Fact]
    public void A_round_goes_on_without_an_absent_unit_and_past_a_late_one()
    {
        var (a, b, c) = (_units[0], _units[1], _units[2]);
        // b's node left the cluster (its actor is gone); c answers, but after the reply timeout.
        Gone(b.Probe);
        var round = Round();

        round.Tell(new Start());
        var asked = a.Probe.ExpectMsg<BidDayAhead>();
        Assert.Equal((PhaseId, 0, 96), (asked.PhaseId, asked.Request.Day, asked.Request.SlotCount));
        c.Probe.ExpectMsg<BidDayAhead>();
        a.Probe.Reply(Bid("a", submits: true));
        // Waiting for c, as long as the reply timeout allows; not for b.
        _gateway.ExpectNoMsg(Quiet);
        Scheduler.Advance(ReplyTimeout);
        var batch = _gateway.ExpectMsg<ChainProtocol.ExecuteBatch>();
        c.Probe.Reply(Bid("c", submits: true));

        Assert.Equal(PhaseId, batch.PhaseId);
        Assert.Equal(["orders of a"], batch.Requests.Select(r => r.Label));
        _gateway.Reply(new ChainProtocol.BatchExecuted(PhaseId, batch.Label, batch.Requests.Select(Mined).ToList()));
        Assert.Equal(["a"], _recorder.ExpectMsg<RunEvents.Bids>().Decisions.Select(d => d.UnitId));
        Assert.Equal(["a"], _recorder.ExpectMsg<RunEvents.Transactions>().Records.Select(r => r.UnitId));
        Assert.Equal(PhaseId, _clock.ExpectMsg<RoundCompleted>().PhaseId);
        // c's late bid changed nothing: no second batch.
        _gateway.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void A_round_does_not_wait_out_the_timeout_for_a_unit_that_is_gone()
    {
        var (a, b, c) = (_units[0], _units[1], _units[2]);
        var round = Round();

        round.Tell(new Start());
        a.Probe.ExpectMsg<BidDayAhead>();
        b.Probe.ExpectMsg<BidDayAhead>();
        c.Probe.ExpectMsg<BidDayAhead>();
        c.Probe.Reply(Bid("c", submits: true));
        a.Probe.Reply(Bid("a", submits: false));
        _gateway.ExpectNoMsg(Quiet);
        // b's node goes down while the round waits for it: the round goes on at once.
        Gone(b.Probe);

        var batch = _gateway.ExpectMsg<ChainProtocol.ExecuteBatch>();
        Assert.Equal(["orders of c"], batch.Requests.Select(r => r.Label));
        _gateway.Reply(new ChainProtocol.BatchExecuted(PhaseId, batch.Label, batch.Requests.Select(Mined).ToList()));
        // Bids in registry order, whatever order they came in; a bid nothing, so it sent nothing.
        Assert.Equal(["a", "c"], _recorder.ExpectMsg<RunEvents.Bids>().Decisions.Select(d => d.UnitId));
        Assert.Equal(["c"], _recorder.ExpectMsg<RunEvents.Transactions>().Records.Select(r => r.UnitId));
        _clock.ExpectMsg<RoundCompleted>();
    }

    [Fact]
    public void A_unit_that_fails_fails_the_round()
    {
        var round = Round();
        Watch(round);

        round.Tell(new Start());
        _units[0].Probe.ExpectMsg<BidDayAhead>();
        _units[0].Probe.Reply(new UnitFailed(PhaseId, "a", "signing its orders: no route to the chain"));

        Assert.Equal(new RoundFailed(PhaseId, "unit a: signing its orders: no route to the chain"), _clock.ExpectMsg<RoundFailed>());
        ExpectTerminated(round);
        _gateway.ExpectNoMsg(Quiet);
    }

    /// <summary>
    /// The day-ahead bidding round of day 0 over the three units. It never reaches the chain's
    /// client, the operator's key or the metering service (the gateway sends the units' own
    /// signed orders), so they are left out.
    /// </summary>
    private IActorRef Round()
    {
        var units = _units.Select(u => u.Handle).ToList();
        var context = new RoundContext(units, units.Select(u => u.Identity).ToList(), units.ToDictionary(u => u.Identity.Id, _ => 10_000L),
            _gateway.Ref, CreateTestProbe().Ref, _recorder.Ref, Market: null!, Operator: null!, Metering: null!,
            _calendar, new MarketRules(_calendar.Parameters), ReplyTimeout);
        var outlook = new PriceOutlook(0, Enumerable.Repeat(0.25m, 96).ToList());
        var clock = _clock.Ref;
        return Sys.ActorOf(Props.Create(() => new DayAheadBiddingRound(PhaseId, context, clock, 0, outlook, _calendar.Timeline()[0].UnixTime)));
    }

    private void Gone(TestProbe unit)
    {
        Watch(unit.Ref);
        Sys.Stop(unit.Ref);
        ExpectTerminated(unit.Ref);
    }

    /// <summary>A unit's bid for day 0: orders in every slot with its transaction signed, or no orders at all.</summary>
    private static Bid Bid(string unitId, bool submits)
    {
        var orders = SlotOrders.None(0, 96);
        var signed = submits
            ? new TxIntent("0x00000000000000000000000000000000000000aa", [1, 2, 3], 300_000, $"orders of {unitId}")
                .SignedBy(EthKey.Derive("trader " + unitId, 0), 0, new TransactionFees(0, 1, 30_000_000), 1, 31337)
            : null;
        return new Bid(PhaseId, unitId, new BidDecision(orders, new double[96]), signed);
    }

    private static TxOutcome Mined(TxRequest request) => new(request, TxStatus.Succeeded, "0x01", 21_000, 1, [], null, null);
}
