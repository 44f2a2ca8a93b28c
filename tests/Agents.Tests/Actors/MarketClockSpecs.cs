using MicroMarket.RunFormat;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using MicroMarket.Agents.Actors;
using MicroMarket.Market;
using MicroMarket.Simulation;
using MicroMarket.Simulation.Decisions;
using MicroMarket.Simulation.Recording;
using MicroMarket.Simulation.Running;
using Microsoft.Extensions.Time.Testing;
using static MicroMarket.Agents.Actors.ClockProtocol;

namespace MicroMarket.Agents.Tests.Actors;

/// <summary>
/// The market clock as an actor. Its rounds are stand-ins: each tells a probe the order the clock
/// gave it, and the spec answers the clock for it, as a round would (completed, with what it
/// cleared or could not settle; or failed). The host is a probe too.
/// </summary>
public sealed class MarketClockSpecs : TestKit
{
    private static readonly IReadOnlyList<decimal> Prior = Enumerable.Repeat(0.25m, 96).ToList();

    /// <summary>A forecaster whose prior is <see cref="Prior"/>, fresh per clock (it learns what the clock feeds it).</summary>
    private static PriceForecaster Forecaster() => new(96, 1, _ => 0.25m, 0m, 3m);

    private readonly TestProbe _host;
    private readonly TestProbe _rounds;
    private readonly List<(UnitHandle Handle, TestProbe Probe)> _units;

    public MarketClockSpecs() : base(ActorSpecs.ManualScheduler)
    {
        _host = CreateTestProbe();
        _rounds = CreateTestProbe();
        _units = ActorSpecs.Units(this, 3);
    }

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    [Fact]
    public void The_clock_walks_every_phase_in_order_and_starts_a_round_only_once_the_last_has_completed()
    {
        var calendar = ActorSpecs.Calendar(1);
        var timeline = calendar.Timeline();
        var clock = Clock(calendar, TimeProvider.System);

        clock.Tell(new Start());
        for (var i = 0; i < timeline.Count; i++)
        {
            var started = _host.ExpectMsg<PhaseStarted>();
            Assert.Equal((i, timeline.Count, timeline[i]), (started.Index, started.Count, started.Phase));
            var order = _rounds.ExpectMsg<RoundOrder>();
            Assert.Equal((i, timeline[i]), (order.PhaseId, order.Phase));
            Assert.Equal(_units.Select(u => u.Handle), order.Units);
            if (i == 1)
            {
                // While a round runs nothing else starts, and a late report of an earlier round moves nothing.
                clock.Tell(new RoundCompleted(0, [], []));
                _rounds.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
            }
            clock.Tell(new RoundCompleted(i, [], []));
        }

        Assert.Equal(new RunOutcome(true, timeline.Count, null), _host.ExpectMsg<RunFinished>().Outcome);
        _rounds.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void What_rounds_report_reaches_the_rounds_that_need_it_the_outlook_the_hours_prices_and_the_overdue_settlements()
    {
        var calendar = ActorSpecs.Calendar(2);
        var timeline = calendar.Timeline();
        var clock = Clock(calendar, TimeProvider.System);
        // Day 0 clears at 0.10 + slot / 1000 except in slot 7, which does not trade; unit b's reading of slot 3 never comes.
        decimal? PriceOf(int slot) => slot == 7 ? null : 0.10m + slot / 1000m;
        var missing = new PendingSettlement(3, 2, "b");

        var orders = new List<RoundOrder>();
        clock.Tell(new Start());
        foreach (var phase in timeline)
        {
            var order = _rounds.ExpectMsg<RoundOrder>();
            orders.Add(order);
            var cleared = phase.Kind == PhaseKind.DayAheadClearing && phase.Period == 0
                ? Enumerable.Range(0, 96).Select(s => new ClearedSlot(MarketStage.DayAhead, s, PriceOf(s), 1_000)).ToList()
                : [];
            var unsettled = phase.Kind == PhaseKind.Delivery && phase.Period == 3 ? [missing] : new List<PendingSettlement>();
            clock.Tell(new RoundCompleted(order.PhaseId, cleared, unsettled));
        }
        _host.FishForMessage(m => m is RunFinished);

        RoundOrder Of(PhaseKind kind, int period) => orders.Single(o => o.Phase.Kind == kind && o.Phase.Period == period);
        // Day 0 is bid on the prior; day 1 on the forecaster fed with day 0's prices (the prior where day 0 did not trade).
        Assert.Equal(Prior, Of(PhaseKind.DayAheadBidding, 0).Outlook!.Prices);
        var outlook = Of(PhaseKind.DayAheadBidding, 1).Outlook!;
        Assert.Equal(96, outlook.FirstSlot);
        Assert.Equal(Enumerable.Range(0, 96).Select(s => PriceOf(s) is { } p ? Prior[s] + PriceForecaster.Smoothing * (p - Prior[s]) : Prior[s]), outlook.Prices);
        // An hour's intra-day bidding knows that hour's day-ahead prices.
        Assert.Equal([0.104m, 0.105m, 0.106m, null], Of(PhaseKind.IntradayBidding, 1).DayAheadPrices);
        // The missing reading is settled once, in the first delivery after its reading window closed.
        var deadline = calendar.Parameters.ReadingDeadline(3);
        var settling = orders.Where(o => o.Overdue.Contains(missing)).ToList();
        var first = Assert.Single(settling);
        Assert.Equal(PhaseKind.Delivery, first.Phase.Kind);
        Assert.True(first.Phase.UnixTime >= deadline);
        Assert.DoesNotContain(orders, o => o.Phase.Kind == PhaseKind.Delivery && o.Phase.UnixTime >= deadline && o.PhaseId < first.PhaseId);
    }

    [Fact]
    public void A_unit_that_is_gone_is_left_out_of_the_next_rounds_until_it_is_back()
    {
        var calendar = ActorSpecs.Calendar(1);
        var clock = Clock(calendar, TimeProvider.System);
        var b = _units[1].Handle;
        var bAgain = b with { Actor = CreateTestProbe().Ref };

        clock.Tell(new Start());
        _rounds.ExpectMsg<RoundOrder>();
        clock.Tell(new UnitGone("b"));
        clock.Tell(new RoundCompleted(0, [], []));
        Assert.Equal(["a", "c"], _rounds.ExpectMsg<RoundOrder>().Units.Select(u => u.Identity.Id));
        clock.Tell(new UnitBack(bAgain));
        clock.Tell(new RoundCompleted(1, [], []));

        Assert.Equal([_units[0].Handle, bAgain, _units[2].Handle], _rounds.ExpectMsg<RoundOrder>().Units);
    }

    [Fact]
    public void A_stop_finishes_the_phase_under_way_and_ends_the_run_incomplete()
    {
        var clock = Clock(ActorSpecs.Calendar(1), TimeProvider.System);
        Watch(clock);

        clock.Tell(new Start());
        _rounds.ExpectMsg<RoundOrder>();
        clock.Tell(new RoundCompleted(0, [], []));
        _rounds.ExpectMsg<RoundOrder>();
        clock.Tell(new StopAfterCurrentPhase());
        _host.ExpectMsg<PhaseStarted>();
        _host.ExpectMsg<PhaseStarted>();
        _host.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        clock.Tell(new RoundCompleted(1, [], []));

        Assert.Equal(new RunOutcome(false, 2, null), _host.ExpectMsg<RunFinished>().Outcome);
        ExpectTerminated(clock);
        _rounds.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_failed_round_ends_the_run_with_the_phase_and_the_reason()
    {
        var calendar = ActorSpecs.Calendar(1);
        var clock = Clock(calendar, TimeProvider.System);
        Watch(clock);

        clock.Tell(new Start());
        _rounds.ExpectMsg<RoundOrder>();
        clock.Tell(new RoundFailed(0, "the chain refused the batch"));

        Assert.Equal(new RunOutcome(false, 0, $"{calendar.Timeline()[0]}: the chain refused the batch"), _host.FishForMessage<RunFinished>(_ => true).Outcome);
        ExpectTerminated(clock);
    }

    [Fact]
    public void Live_each_phase_waits_for_its_time_and_a_block_on_the_wall_clock()
    {
        var pace = new LivePace(2_000_000_000, 6);
        var calendar = ActorSpecs.Calendar(1, pace);
        var timeline = calendar.Timeline();
        var wall = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(timeline[0].UnixTime - 30));
        var clock = Clock(calendar, wall);

        clock.Tell(new Start());
        this.Settle(clock);
        // Due 30 s from now, and a block more so that the chain's time has reached it.
        Scheduler.Advance(TimeSpan.FromSeconds(30));
        _host.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Scheduler.Advance(TimeSpan.FromSeconds(pace.BlockSeconds));
        Assert.Equal(timeline[0], _host.ExpectMsg<PhaseStarted>().Phase);

        // The next phase's wait counts from the wall clock's time when the round completes: 3 s before it is due.
        wall.Advance(TimeSpan.FromSeconds(31 + (timeline[1].UnixTime - timeline[0].UnixTime) - 4));
        clock.Tell(new RoundCompleted(0, [], []));
        this.Settle(clock);
        Scheduler.Advance(TimeSpan.FromSeconds(3));
        _host.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Scheduler.Advance(TimeSpan.FromSeconds(pace.BlockSeconds));
        Assert.Equal(timeline[1], _host.ExpectMsg<PhaseStarted>().Phase);
    }

    [Fact]
    public void Live_a_bidding_phase_reached_too_late_to_be_mined_before_its_gate_is_skipped()
    {
        var pace = new LivePace(2_000_000_000, 6);
        var calendar = ActorSpecs.Calendar(1, pace);
        var timeline = calendar.Timeline();
        Assert.Equal((PhaseKind.DayAheadBidding, PhaseKind.DayAheadClearing), (timeline[0].Kind, timeline[1].Kind));
        // The node came up as the day-ahead gate closed: the bidding is long past, the clearing due now.
        var wall = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(timeline[1].UnixTime + pace.BlockSeconds));
        var clock = Clock(calendar, wall);

        clock.Tell(new Start());

        Assert.Equal((1, timeline[1]), (_host.ExpectMsg<PhaseStarted>().Index, _rounds.ExpectMsg<RoundOrder>().Phase));
    }

    [Fact]
    public void With_checkpoints_the_clock_hands_the_host_its_state_after_each_phase_and_goes_on_only_once_it_is_saved()
    {
        var calendar = ActorSpecs.Calendar(1);
        var timeline = calendar.Timeline();
        var clock = Clock(calendar, TimeProvider.System, checkpoints: true);
        var missing = new PendingSettlement(3, 2, "b");

        clock.Tell(new Start());
        _host.ExpectMsg<PhaseStarted>();
        _rounds.ExpectMsg<RoundOrder>();
        clock.Tell(new RoundCompleted(0, [new ClearedSlot(MarketStage.DayAhead, 4, 0.12m, 100)], [missing]));

        var saved = _host.ExpectMsg<SaveCheckpoint>().State;
        Assert.Equal((1, missing, 0.12m), (saved.NextPhase, Assert.Single(saved.Pending), saved.DayAheadPrices[4]));
        _rounds.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        clock.Tell(new CheckpointSaved(1));
        Assert.Equal((1, timeline[1]), (_host.ExpectMsg<PhaseStarted>().Index, _rounds.ExpectMsg<RoundOrder>().Phase));
    }

    [Fact]
    public void A_clock_resumed_from_a_checkpoint_starts_at_its_next_phase_with_its_memory()
    {
        var calendar = ActorSpecs.Calendar(2);
        var timeline = calendar.Timeline();
        // Day 1's intra-day bidding of hour 0: the day-ahead price of its slots and a settlement still waiting for a reading.
        var next = Enumerable.Range(0, timeline.Count).First(i => timeline[i].Kind == PhaseKind.IntradayBidding && timeline[i].Period == 24);
        var state = new ClockState(next, [new PendingSettlement(3, 2, "b")], new Dictionary<int, decimal> { [96] = 0.31m }, Forecaster().Save());
        var clock = Clock(calendar, TimeProvider.System, resumeFrom: state);

        clock.Tell(new Start());

        Assert.Equal(next, _host.ExpectMsg<PhaseStarted>().Index);
        var order = _rounds.ExpectMsg<RoundOrder>();
        Assert.Equal((next, 0.31m), (order.PhaseId, order.DayAheadPrices[0]));
    }

    /// <summary>A clock over the units, whose rounds tell <see cref="_rounds"/> their orders.</summary>
    private IActorRef Clock(SimulationCalendar calendar, TimeProvider wall, bool checkpoints = false, ClockState? resumeFrom = null)
    {
        var rounds = _rounds.Ref;
        return Sys.ActorOf(MarketClockActor.Props((order, _) => Props.Create(() => new StandInRound(order, rounds)),
            _units.Select(u => u.Handle).ToList(), calendar, calendar.Timeline(), Forecaster(), _host.Ref, wall, checkpoints, resumeFrom));
    }

    /// <summary>A round that only tells the spec what the clock ordered; the spec answers for it.</summary>
    private sealed class StandInRound : ReceiveActor
    {
        public StandInRound(RoundOrder order, IActorRef rounds) => Receive<Start>(_ => rounds.Tell(order));
    }
}
