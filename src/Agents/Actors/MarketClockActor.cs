using Akka.Actor;
using Akka.Event;
using MicroMarket.Simulation.Decisions;
using MicroMarket.Simulation;
using MicroMarket.Market;
using static MicroMarket.Agents.Actors.ClockProtocol;
using MicroMarket.Simulation.Running;

namespace MicroMarket.Agents.Actors;

/// <summary>
/// The market clock walks the timeline, one phase at a time: it starts the phase's round (a child
/// actor), waits until the round reports that every unit has answered and the chain has mined,
/// and only then moves on, so chain time follows simulated time and never goes back. It also keeps
/// the public memory of the market: the day-ahead prices each day traded at, from which the next
/// day's price outlook is made. It knows which units are present: a unit whose actor has gone (its
/// node was removed from the cluster) is left out of the rounds until it comes back, and its
/// readings that never came are settled once their window has closed. Live, each phase waits
/// for its time on the wall clock (and a block more, so the chain's time has reached it); a
/// bidding phase reached too late to be mined before its gate is skipped, not failed.
/// </summary>
public sealed class MarketClockActor : ReceiveActor, IWithTimers
{
    private readonly RoundContext _round;
    private readonly IReadOnlyList<SimulationPhase> _timeline;
    private readonly IReadOnlyList<decimal> _prior;
    private readonly IActorRef _monitor;
    private readonly Dictionary<int, decimal> _dayAheadPrices = [];
    private readonly SortedDictionary<uint, UnitHandle> _present = [];
    private readonly List<PendingSettlement> _pending = [];
    private int _next;
    private bool _stopRequested;

    public MarketClockActor(RoundContext round, IReadOnlyList<SimulationPhase> timeline, IReadOnlyList<decimal> prior, IActorRef monitor)
    {
        _round = round;
        _timeline = timeline;
        _prior = prior;
        _monitor = monitor;
        foreach (var unit in round.Units)
        {
            _present[unit.Identity.Index] = unit;
        }
        Receive<Start>(_ => RunNext());
        Receive<PhaseDue>(m => m.Index == _next, _ => StartPhase());
        Receive<UnitBack>(m => _present[m.Unit.Identity.Index] = m.Unit);
        Receive<UnitGone>(m =>
        {
            foreach (var gone in _present.Where(p => p.Value.Identity.Id == m.UnitId).Select(p => p.Key).ToList())
            {
                _present.Remove(gone);
            }
        });
        Receive<StopAfterCurrentPhase>(_ => _stopRequested = true);
        Receive<RoundCompleted>(m => m.PhaseId == _next, OnRoundCompleted);
        Receive<RoundFailed>(m => m.PhaseId == _next, m =>
        {
            _monitor.Tell(new RunFinished(new RunOutcome(false, _next, $"{_timeline[_next]}: {m.Reason}")));
            Context.Stop(Self);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(RoundContext round, IReadOnlyList<SimulationPhase> timeline, IReadOnlyList<decimal> prior, IActorRef monitor) =>
        Akka.Actor.Props.Create(() => new MarketClockActor(round, timeline, prior, monitor));

    private void OnRoundCompleted(RoundCompleted m)
    {
        foreach (var c in m.Cleared.Where(c => c.Stage == MarketStage.DayAhead && c.Price is not null))
        {
            _dayAheadPrices[c.Slot] = c.Price!.Value;
        }
        _pending.AddRange(m.Unsettled);
        _next++;
        RunNext();
    }

    private void RunNext()
    {
        if (_next == _timeline.Count || _stopRequested)
        {
            _monitor.Tell(new RunFinished(new RunOutcome(_next == _timeline.Count, _next, null)));
            Context.Stop(Self);
            return;
        }
        var phase = _timeline[_next];
        if (_round.Calendar.Live is { } live)
        {
            var wait = phase.UnixTime + live.BlockSeconds - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
            if (wait > 0)
            {
                Timers.StartSingleTimer("phase", new PhaseDue(_next), TimeSpan.FromSeconds(wait));
                return;
            }
            if (phase.Kind is PhaseKind.DayAheadBidding or PhaseKind.IntradayBidding && -wait > live.MinimumLeadSeconds - 3 * live.BlockSeconds)
            {
                Context.GetLogger().Warning("{0}: reached {1:0.0} s late, too late to be mined before its gate: skipped", phase, -wait);
                _next++;
                RunNext();
                return;
            }
        }
        StartPhase();
    }

    private void StartPhase()
    {
        var phase = _timeline[_next];
        _monitor.Tell(new PhaseStarted(_next, _timeline.Count, phase));
        var round = Context.ActorOf(RoundProps(_next, phase), $"phase-{_next}");
        round.Tell(new Start());
    }

    private sealed record PhaseDue(int Index);

    private Props RoundProps(long id, SimulationPhase phase)
    {
        var c = _round.Calendar;
        var clock = Self;
        var round = _round with { Units = _present.Values.ToList() };
        var overdue = phase.Kind is PhaseKind.Delivery or PhaseKind.FinalSettlement ? Overdue(phase.UnixTime) : [];
        return phase.Kind switch
        {
            PhaseKind.DayAheadBidding => Akka.Actor.Props.Create(() => new DayAheadBiddingRound(id, round, clock, phase.Period, Outlook(phase.Period), phase.UnixTime)),
            PhaseKind.DayAheadClearing => Akka.Actor.Props.Create(() => new ClearingRound(id, round, clock, MarketStage.DayAhead, phase.Period, phase.Period * c.SlotsPerDay, c.SlotsPerDay, phase.UnixTime)),
            PhaseKind.IntradayBidding => Akka.Actor.Props.Create(() => new IntradayBiddingRound(id, round, clock, phase.Period, DayAheadPricesOf(phase.Period), Outlook(phase.Period / 24), phase.UnixTime)),
            PhaseKind.IntradayClearing => Akka.Actor.Props.Create(() => new ClearingRound(id, round, clock, MarketStage.Intraday, phase.Period, phase.Period * c.SlotsPerHour, c.SlotsPerHour, phase.UnixTime)),
            PhaseKind.Delivery => Akka.Actor.Props.Create(() => new DeliveryRound(id, round, clock, phase.Period, phase.UnixTime, overdue)),
            _ => Akka.Actor.Props.Create(() => new FinalSettlementRound(id, round, clock, phase.UnixTime, overdue)),
        };
    }

    /// <summary>The pending settlements whose reading window has closed by <paramref name="time"/>; they leave the pending list.</summary>
    private List<PendingSettlement> Overdue(long time)
    {
        var overdue = _pending.Where(p => _round.Calendar.Parameters.ReadingDeadline(p.Slot) <= time).ToList();
        _pending.RemoveAll(overdue.Contains);
        return overdue;
    }

    /// <summary>
    /// The outlook for <paramref name="day"/>: per time of day, the latest earlier day-ahead price at
    /// that time, or the prior (per slot of the day) before anything traded there.
    /// </summary>
    private PriceOutlook Outlook(int day)
    {
        var perDay = _round.Calendar.SlotsPerDay;
        var prices = Enumerable.Range(0, perDay).Select(k =>
        {
            for (var d = day - 1; d >= 0; d--)
            {
                if (_dayAheadPrices.TryGetValue(d * perDay + k, out var price))
                {
                    return price;
                }
            }
            return _prior[k];
        }).ToList();
        return new PriceOutlook(day * perDay, prices);
    }

    private List<decimal?> DayAheadPricesOf(int hour) =>
        Enumerable.Range(hour * _round.Calendar.SlotsPerHour, _round.Calendar.SlotsPerHour)
            .Select(s => _dayAheadPrices.TryGetValue(s, out var p) ? p : (decimal?)null).ToList();
}
