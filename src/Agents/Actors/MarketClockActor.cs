using MicroMarket.RunFormat;
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
/// the public memory of the market: the day-ahead prices each day traded at, which it feeds to the
/// shared price forecaster whose outlook every bidding round hands the units. It knows which units are present: a unit whose actor has gone (its
/// node was removed from the cluster) is left out of the rounds until it comes back, and its
/// readings that never came are settled once their window has closed. Live, each phase waits
/// for its time on the wall clock (and a block more, so the chain's time has reached it); a
/// bidding phase reached too late to be mined before its gate is skipped, not failed.
/// </summary>
public sealed class MarketClockActor : ReceiveActor, IWithTimers
{
    private readonly Func<RoundOrder, IActorRef, Props> _rounds;
    private readonly SimulationCalendar _calendar;
    private readonly IReadOnlyList<SimulationPhase> _timeline;
    private readonly PriceForecaster _forecaster;
    private readonly IActorRef _host;
    private readonly TimeProvider _time;
    private readonly Dictionary<int, decimal> _dayAheadPrices = [];
    private readonly SortedDictionary<uint, UnitHandle> _present = [];
    private readonly List<PendingSettlement> _pending = [];
    private readonly bool _checkpoints;
    private int _next;
    private bool _stopRequested;

    /// <summary>Who asked the clock to stop (a signal's name), for the run's summary.</summary>
    private string? _stopCause;

    /// <param name="rounds">The round of each phase (the market's: <see cref="MarketRounds.For"/>).</param>
    /// <param name="host">Hears of each phase as it starts and of the run's end.</param>
    /// <param name="time">The wall clock live phases wait for.</param>
    /// <param name="checkpoints">After each phase (but the last), the clock hands the host its state (<see cref="SaveCheckpoint"/>) and waits until the host has saved a checkpoint, or decided not to.</param>
    /// <param name="resumeFrom">A resumed run's clock as its checkpoint left it (null: from the first phase).</param>
    public MarketClockActor(Func<RoundOrder, IActorRef, Props> rounds, IReadOnlyList<UnitHandle> units, SimulationCalendar calendar,
        IReadOnlyList<SimulationPhase> timeline, PriceForecaster forecaster, IActorRef host, TimeProvider time, bool checkpoints, ClockState? resumeFrom)
    {
        _rounds = rounds;
        _calendar = calendar;
        _timeline = timeline;
        _forecaster = forecaster;
        _host = host;
        _time = time;
        _checkpoints = checkpoints;
        if (resumeFrom is not null)
        {
            _next = resumeFrom.NextPhase;
            _pending.AddRange(resumeFrom.Pending);
            foreach (var (slot, price) in resumeFrom.DayAheadPrices)
            {
                _dayAheadPrices[slot] = price;
            }
            _forecaster.Restore(resumeFrom.Forecaster);
        }
        foreach (var unit in units)
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
        Receive<StopAfterCurrentPhase>(m =>
        {
            _stopRequested = true;
            _stopCause ??= m.Cause;
        });
        Receive<RoundCompleted>(m => m.PhaseId == _next, OnRoundCompleted);
        Receive<CheckpointSaved>(m => m.NextPhase == _next, _ => RunNext());
        Receive<RoundFailed>(m => m.PhaseId == _next, m =>
        {
            _host.Tell(new RunFinished(new RunOutcome(false, _next, $"{_timeline[_next]}: {m.Reason}")));
            Context.Stop(Self);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The market's clock: the market's rounds over the market's context.</summary>
    public static Props Props(RoundContext round, IReadOnlyList<SimulationPhase> timeline, PriceForecaster forecaster, IActorRef host, TimeProvider time,
        bool checkpoints, ClockState? resumeFrom)
    {
        Func<RoundOrder, IActorRef, Props> rounds = new MarketRounds(round).For;
        return Props(rounds, round.Units, round.Calendar, timeline, forecaster, host, time, checkpoints, resumeFrom);
    }

    public static Props Props(Func<RoundOrder, IActorRef, Props> rounds, IReadOnlyList<UnitHandle> units, SimulationCalendar calendar,
        IReadOnlyList<SimulationPhase> timeline, PriceForecaster forecaster, IActorRef host, TimeProvider time, bool checkpoints = false, ClockState? resumeFrom = null) =>
        Akka.Actor.Props.Create(() => new MarketClockActor(rounds, units, calendar, timeline, forecaster, host, time, checkpoints, resumeFrom));

    private void OnRoundCompleted(RoundCompleted m)
    {
        foreach (var c in m.Cleared.Where(c => c.Stage == MarketStage.DayAhead && c.Price is not null))
        {
            _dayAheadPrices[c.Slot] = c.Price!.Value;
            _forecaster.Learn(c.Slot, c.Price.Value);
        }
        _pending.AddRange(m.Unsettled);
        _next++;
        if (_checkpoints && _next < _timeline.Count && !_stopRequested)
        {
            _host.Tell(new SaveCheckpoint(new ClockState(_next, [.. _pending], new SortedDictionary<int, decimal>(_dayAheadPrices), _forecaster.Save())));
            return;
        }
        RunNext();
    }

    private void RunNext()
    {
        if (_next == _timeline.Count || _stopRequested)
        {
            _host.Tell(new RunFinished(new RunOutcome(_next == _timeline.Count, _next, null, _next == _timeline.Count ? null : _stopCause)));
            Context.Stop(Self);
            return;
        }
        var phase = _timeline[_next];
        if (_calendar.Live is { } live)
        {
            var wait = phase.UnixTime + live.BlockSeconds - _time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
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
        _host.Tell(new PhaseStarted(_next, _timeline.Count, phase));
        var round = Context.ActorOf(_rounds(Order(_next, phase), Self), $"phase-{_next}");
        round.Tell(new Start());
    }

    private sealed record PhaseDue(int Index);

    private RoundOrder Order(long id, SimulationPhase phase)
    {
        var order = new RoundOrder(id, phase, _present.Values.ToList());
        return phase.Kind switch
        {
            PhaseKind.DayAheadBidding => order with { Outlook = _forecaster.Outlook(phase.Period) },
            PhaseKind.IntradayBidding => order with { Outlook = _forecaster.Outlook(phase.Period / 24), DayAheadPrices = DayAheadPricesOf(phase.Period) },
            PhaseKind.Delivery or PhaseKind.FinalSettlement => order with { Overdue = Overdue(phase.UnixTime) },
            _ => order,
        };
    }

    /// <summary>The pending settlements whose reading window has closed by <paramref name="time"/>; they leave the pending list.</summary>
    private List<PendingSettlement> Overdue(long time)
    {
        var overdue = _pending.Where(p => _calendar.Parameters.ReadingDeadline(p.Slot) <= time).ToList();
        _pending.RemoveAll(overdue.Contains);
        return overdue;
    }

    private List<decimal?> DayAheadPricesOf(int hour) =>
        Enumerable.Range(hour * _calendar.SlotsPerHour, _calendar.SlotsPerHour)
            .Select(s => _dayAheadPrices.TryGetValue(s, out var p) ? p : (decimal?)null).ToList();
}
