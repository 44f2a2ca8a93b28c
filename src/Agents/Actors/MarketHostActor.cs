using Akka.Actor;
using Akka.Event;
using MicroMarket.Market.Chain;
using MicroMarket.Simulation.Recording;
using MicroMarket.Agents.Running;
using MicroMarket.Simulation;
using static MicroMarket.Agents.Actors.HostProtocol;
using MicroMarket.Simulation.Running;
using MicroMarket.Scenarios.Model;
using MicroMarket.RunFormat;

namespace MicroMarket.Agents.Actors;

/// <summary>
/// The market host (a cluster singleton on the market node, or a plain actor in one process). It
/// waits until every unit of the scenario has announced itself, opens the market (chain, contracts,
/// registry with the units' own addresses), lets every unit fund its escrow with its own key, then
/// runs the clock. It watches every unit: one whose actor dies (its node was removed) is absent
/// from the rounds; one that comes back (its node restarted) with the same keys is welcomed, reads
/// its positions back and rejoins. When the clock ends, it writes and verifies the run directory
/// from the tables the recorder hands over and the feeder the grid operator hands over, closes the
/// chain, and reports the end once every unit still there has heard of it.
/// </summary>
public sealed class MarketHostActor : ReceiveActor, IWithTimers
{
    private const string StartTimer = "start";
    private const string EndTimer = "end";
    private const string ResyncTimer = "resync";

    /// <summary>
    /// A checkpoint is saved after a phase once this many times the last one's cost has passed since it ended: at
    /// most about a tenth of the run's wall time goes to checkpoints however long the chain grows (Anvil's dump of it
    /// grows with every block), and no more than that much of the run is redone after a kill. Live, phases are
    /// seconds to minutes apart: every one is saved.
    /// </summary>
    private const int CheckpointSpacing = 10;

    private readonly HostSettings _settings;
    private readonly ScenarioPlan _plan;
    private readonly Dictionary<string, UnitHandle> _online = [];
    private readonly Dictionary<string, Guid> _incarnations = [];
    private readonly HashSet<string> _resyncing = [];
    private readonly long _started;

    /// <summary>Transactions the chain had mined when the clock started (deployment, registration, funding): progress counts the market's alone, as summary.json does.</summary>
    private long _setupTransactions;

    /// <summary>When the clock started and how long the chain had mined by then: the market phases' own time and their mining are measured from here.</summary>
    private (long Started, TimeSpan Mined) _clockStart;
    private MarketSession? _session;

    /// <summary>The chain's closing, once begun (the host closes it when the run ends, or when it stops).</summary>
    private Task _closed = Task.CompletedTask;
    private ClockProtocol.StopAfterCurrentPhase? _stopRequested;
    private MarketRun? _run;
    private IActorRef _clock = ActorRefs.Nobody;
    private ClockProtocol.PhaseStarted? _phase;

    /// <summary>Delivery phases started: the slots a run stopped early covered, for <see cref="LogPhaseTimes"/>.</summary>
    private int _deliveries;

    /// <summary>A resumed run's clock waits until every unit has read its positions back (or the reply timeout has passed).</summary>
    private bool _startOnceResynced;

    /// <summary>Each time the run was taken up again from a checkpoint, for summary.json.</summary>
    private IReadOnlyList<RunResumption>? _resumed;

    /// <summary>The checkpoints saved: how many, their total and longest wall time, the last one's size; for <see cref="LogPhaseTimes"/>.</summary>
    private (int Count, TimeSpan Total, TimeSpan Longest, TimeSpan Taking, long LastBytes) _saved;

    /// <summary>When the last checkpoint ended (a timestamp of <see cref="HostSettings.Time"/>; 0: none yet) and what it cost.</summary>
    private (long Ended, TimeSpan Took) _lastCheckpoint;

    public MarketHostActor(HostSettings settings)
    {
        _settings = settings;
        _plan = settings.Plan;
        _started = settings.Time.GetTimestamp();
        Gathering();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(HostSettings settings) => Akka.Actor.Props.Create(() => new MarketHostActor(settings));

    protected override void PreStart() => Timers.StartSingleTimer(StartTimer, StartTimedOut.Instance, _settings.StartTimeout);

    /// <summary>
    /// Stopped before the run ended (its node shuts down, or the singleton moves): the chain (and
    /// the Anvil the host started) is closed without blocking the actor's thread, and only then is
    /// the run reported lost, so whoever waits for the run does not stop the process under it.
    /// </summary>
    protected override void PostStop()
    {
        CloseChain();
        var finished = _settings.Finished;
        _closed.ContinueWith(_ => finished.TrySetException(new InvalidOperationException("the market host stopped before the run ended")), TaskScheduler.Default);
    }

    private TimeSpan Elapsed => _settings.Time.GetElapsedTime(_started);

    /// <summary>Until every unit has announced itself: remember where each one is.</summary>
    private void Gathering()
    {
        Receive<UnitOnline>(m =>
        {
            if (Admit(m) is { } handle)
            {
                _online[handle.Identity.Id] = handle;
                _incarnations[handle.Identity.Id] = m.Incarnation;
                Sender.Tell(new Welcome(handle.Identity.Id));
                if (_online.Count == _plan.Units.Count)
                {
                    Timers.Cancel(StartTimer);
                    if (_settings.Resume is { } resume)
                    {
                        Reopen(resume);
                    }
                    else
                    {
                        Open();
                    }
                }
            }
        });
        Receive<ClockProtocol.StopAfterCurrentPhase>(m => Finish(new RunAborted(StoppedBeforeOpening(m.Cause))));
        Receive<StartTimedOut>(_ => Finish(new RunAborted(
            $"units never came online within {_settings.StartTimeout.TotalSeconds:0} s: {string.Join(", ", _plan.Units.Where(u => !_online.ContainsKey(u.Id)).Select(u => u.Id))}")));
    }

    /// <summary>Checks an announcement against the plan (and, once registered, against the chain's addresses).</summary>
    private UnitHandle? Admit(UnitOnline m)
    {
        var planned = _plan.Units.FirstOrDefault(u => u.Id == m.Identity.Id);
        var registered = _run?.Identities.FirstOrDefault(u => u.Id == m.Identity.Id);
        var problem = planned is null ? "is not in the scenario"
            : planned.Index != m.Identity.Index ? $"announced index {m.Identity.Index}, the scenario gives {planned.Index} (a different scenario?)"
            : registered is not null && registered != m.Identity ? "came back with keys other than the ones it registered"
            : null;
        if (problem is not null)
        {
            LogToOperator($"refused unit {m.Identity.Id}: {problem}");
            Sender.Tell(new Refused(m.Identity.Id, problem));
            return null;
        }
        return new UnitHandle(m.Identity, m.Unit);
    }

    private void Open()
    {
        var units = _plan.Units.Select(u => _plan.Plan(u, _online[u.Id].Identity)).ToList();
        Become(Opening);
        MarketSession.OpenAsync(_plan.Calendar, units, _settings.Chain, CancellationToken.None)
            .PipeTo(Self, success: s => new Opened(s), failure: ex => new RunAborted($"opening the market: {ex.Message}"));
    }

    /// <summary>Opening and funding the market; a stop asked for meanwhile waits for the chain, so that it is closed.</summary>
    private void Opening()
    {
        Receive<UnitOnline>(m => Sender.Tell(new Welcome(m.Identity.Id)));
        Receive<Opened>(m =>
        {
            if (!Proceeds(m.Session))
            {
                return;
            }
            // The operator learns the chain's port (a free one unless market.rpc_port fixes it).
            LogToOperator($"the units reach the chain at {_session!.Location.RpcUrl}");
            var handles = Ordered(_online.Values);
            foreach (var unit in handles)
            {
                unit.Actor.Tell(new MarketReady(_session.Location));
            }
            Fund(handles).PipeTo(Self, success: () => Funded.Instance, failure: ex => new RunAborted($"funding the escrow: {ex.Message}"));
        });
        Receive<Funded>(_ =>
        {
            if (_stopRequested is { } stop)
            {
                Finish(new RunAborted(StoppedBeforeOpening(stop.Cause)));
                return;
            }
            StartClock(null);
        });
        Receive<RunAborted>(Finish);
        Receive<ClockProtocol.StopAfterCurrentPhase>(m => _stopRequested ??= m);
    }

    /// <summary>
    /// A resumed run (<c>node --resume</c>): the chain is taken up again as the checkpoint left it, and nothing is
    /// deployed, registered or funded; every unit is treated as one that came back.
    /// </summary>
    private void Reopen(MarketResume resume)
    {
        Become(() =>
        {
            Receive<UnitOnline>(m => Sender.Tell(new Welcome(m.Identity.Id)));
            Receive<Opened>(m =>
            {
                if (Proceeds(m.Session))
                {
                    LogToOperator($"resuming the run at phase {resume.Checkpoint.Clock.NextPhase + 1} from its checkpoint; the units reach the chain at {_session!.Location.RpcUrl}");
                    StartClock(resume);
                }
            });
            Receive<RunAborted>(Finish);
            Receive<ClockProtocol.StopAfterCurrentPhase>(m => _stopRequested ??= m);
        });
        MarketSession.ResumeAsync(_plan.Calendar, resume.Checkpoint.Chain, resume.ChainState, _settings.Chain, CancellationToken.None)
            .PipeTo(Self, success: s => new Opened(s), failure: ex => new RunAborted($"resuming the market: {ex.Message}"));
    }

    /// <summary>The market is open: the run goes on unless a stop was asked for meanwhile or the chain is no place for the units' keys.</summary>
    private bool Proceeds(MarketSession session)
    {
        _session = session;
        var refused = _stopRequested is { } stop ? StoppedBeforeOpening(stop.Cause) : DevelopmentKeysOnValueChain();
        if (refused is not null)
        {
            Finish(new RunAborted(refused));
        }
        return refused is null;
    }

    /// <summary>Keys derived from the scenario are public knowledge: never on a chain that is not a development chain.</summary>
    private string? DevelopmentKeysOnValueChain()
    {
        var chainId = _session!.Chain.ChainId;
        if (ChainSettings.IsDevelopmentChain(chainId))
        {
            return null;
        }
        var derived = _plan.Units.Where(u => _online[u.Id].Identity.TraderAddress == _plan.SimulatedTraderKey(u.Id).Address).Select(u => u.Id).ToList();
        return derived.Count == 0 ? null
            : $"chain id {chainId} is not a development chain, and these units trade with development keys derived from the scenario: {string.Join(", ", derived)}";
    }

    private async Task Fund(IReadOnlyList<UnitHandle> units)
    {
        var funding = await Task.WhenAll(units.Select(u =>
            u.Actor.Ask<UnitActor.FundingSigned>(new UnitActor.Funding(_plan.DepositMicro(_plan.Unit(u.Identity.Id))), _settings.UnitReplyTimeout))).ConfigureAwait(false);
        await _session!.FundAsync(funding.Select(f => (f.Approve.ToRequest(), f.Deposit.ToRequest())).ToList(), CancellationToken.None).ConfigureAwait(false);
    }

    private void StartClock(MarketResume? resume)
    {
        var session = _session!;
        _setupTransactions = session.Pipeline.TransactionsMined;
        _clockStart = (_settings.Time.GetTimestamp(), session.Pipeline.Timings.Mining);
        var handles = Ordered(_online.Values);
        _run = new MarketRun(_plan, session, handles.Select(h => h.Identity).ToList());
        var round = new RoundContext(
            handles,
            _run.Identities,
            _plan.Units.ToDictionary(u => u.Id, u => u.Agent.RatingWhPerSlot),
            Context.ActorOf(ChainGatewayActor.Props(session.Pipeline, _settings.FrontRunner), "chain"),
            Context.ActorOf(GridOperatorActor.Props(_plan, resume?.Checkpoint.Feeder), "grid-operator"),
            Context.ActorOf(RecorderActor.Props(_plan.Calendar, MarketRun.TableUnits(_plan), _plan.Scenario.Units.OfType<SlackUnit>().Select(s => s.FuelPrice).FirstOrDefault(), resume?.Tables), "recorder"),
            session.Market,
            session.Operator,
            new MeteringService(_plan.SimulatedMeterKey) { Lost = _settings.LostReadings },
            _plan.Calendar,
            _run.Rules,
            _settings.UnitReplyTimeout);
        foreach (var unit in handles)
        {
            Context.Watch(unit.Actor);
        }
        var timeline = _plan.Calendar.Timeline();
        _clock = Context.ActorOf(MarketClockActor.Props(round, timeline, _run.Forecaster, Self, _settings.Time, _settings.Checkpoints, resume?.Checkpoint.Clock), "market-clock");
        Become(() => Running(round));
        if (resume is null)
        {
            _clock.Tell(new ClockProtocol.Start());
            return;
        }
        var next = resume.Checkpoint.Clock.NextPhase;
        _resumed = [.. resume.Checkpoint.Resumed, new RunResumption(next, _settings.Time.GetUtcNow())];
        // The units read their positions back from the slot of the phase the run goes on with.
        _phase = new ClockProtocol.PhaseStarted(next, timeline.Count, timeline[next]);
        foreach (var unit in handles)
        {
            Resync(unit, round);
        }
        _startOnceResynced = true;
        Timers.StartSingleTimer(ResyncTimer, ResyncTimedOut.Instance, _settings.UnitReplyTimeout);
    }

    /// <summary>
    /// A resumed run's clock starts once every unit has read its positions back, or once the reply timeout has passed:
    /// a unit that has not by then counts as absent until it has.
    /// </summary>
    private void StartOnceResynced(bool timedOut)
    {
        if (!_startOnceResynced || (_resyncing.Count > 0 && !timedOut))
        {
            return;
        }
        _startOnceResynced = false;
        Timers.Cancel(ResyncTimer);
        foreach (var id in _resyncing.Order())
        {
            LogToOperator($"unit {id} has not read its positions back within {_settings.UnitReplyTimeout.TotalSeconds:0} s: it counts as not delivering until it has");
            _clock.Tell(new ClockProtocol.UnitGone(id));
        }
        _clock.Tell(new ClockProtocol.Start());
    }

    private void Running(RoundContext round)
    {
        Receive<UnitOnline>(m => OnUnitBack(m, round));
        Receive<UnitHistory>(m =>
        {
            // Only the incarnation the history was asked for: one that came back again since asks anew.
            if (_online.TryGetValue(m.Handle.Identity.Id, out var unit) && unit.Actor.Equals(m.Handle.Actor))
            {
                unit.Actor.Tell(new Resync(m.FirstSlot, Math.Max(0, _plan.Calendar.TotalSlots - m.FirstSlot), m.DeliveredKw));
            }
        });
        Receive<Resynced>(m =>
        {
            if (_online.TryGetValue(m.UnitId, out var unit) && unit.Actor.Equals(Sender) && _resyncing.Remove(m.UnitId))
            {
                _clock.Tell(new ClockProtocol.UnitBack(unit));
                LogToOperator($"unit {m.UnitId} has read its positions back and trades again");
            }
            StartOnceResynced(timedOut: false);
        });
        Receive<ResyncTimedOut>(_ => StartOnceResynced(timedOut: true));
        Receive<ClockProtocol.SaveCheckpoint>(m =>
        {
            if (_lastCheckpoint.Ended != 0 && _settings.Time.GetElapsedTime(_lastCheckpoint.Ended) < _lastCheckpoint.Took * CheckpointSpacing)
            {
                _clock.Tell(new ClockProtocol.CheckpointSaved(m.State.NextPhase));
                return;
            }
            SaveCheckpointAsync(round, m.State).PipeTo(Self, failure: ex => new CheckpointFailed(m.State.NextPhase, ex.Message));
        });
        Receive<CheckpointWritten>(m =>
        {
            _saved = (_saved.Count + 1, _saved.Total + m.Took, m.Took > _saved.Longest ? m.Took : _saved.Longest, _saved.Taking + m.Taking, m.Bytes);
            _lastCheckpoint = (_settings.Time.GetTimestamp(), m.Took);
            _clock.Tell(new ClockProtocol.CheckpointSaved(m.NextPhase));
        });
        Receive<CheckpointFailed>(m =>
        {
            LogToOperator($"the checkpoint before phase {m.NextPhase + 1} was not saved ({m.Reason}): a resumed run would go on from the one before");
            _clock.Tell(new ClockProtocol.CheckpointSaved(m.NextPhase));
        });
        Receive<Terminated>(t =>
        {
            var gone = _online.Values.FirstOrDefault(u => u.Actor.Equals(t.ActorRef));
            if (gone is not null)
            {
                LogToOperator($"unit {gone.Identity.Id} is gone (its node left the cluster): it counts as not delivering until it returns");
                _clock.Tell(new ClockProtocol.UnitGone(gone.Identity.Id));
            }
        });
        Receive<ClockProtocol.PhaseStarted>(m =>
        {
            _phase = m;
            _deliveries += m.Phase.Kind == PhaseKind.Delivery ? 1 : 0;
            _settings.Progress?.Invoke(new RunProgress(m.Index, m.Count, m.Phase, _session!.Pipeline.TransactionsMined - _setupTransactions, Elapsed));
        });
        Receive<ClockProtocol.StopAfterCurrentPhase>(m => _clock.Forward(m));
        Receive<ClockProtocol.RunFinished>(m =>
        {
            LogPhaseTimes();
            Become(Writing);
            WriteAsync(round, m.Outcome with { Resumed = _resumed }).PipeTo(Self, failure: ex => new RunAborted($"writing the run: {ex.Message}"));
        });
    }

    /// <summary>
    /// The simulator's own time per slot (issue 15: everything but mining): the market phases' wall
    /// time less what the chain spent mining them, over the slots the run covered. Informational, on
    /// the actor log (<c>run -v</c>), since wall times are not reproducible.
    /// </summary>
    private void LogPhaseTimes()
    {
        var wall = _settings.Time.GetElapsedTime(_clockStart.Started);
        var mining = _session!.Pipeline.Timings.Mining - _clockStart.Mined;
        var slots = Math.Max(1, _deliveries);
        Context.GetLogger().Info(FormattableString.Invariant(
            $"market phases: {wall.TotalSeconds:0.000} s, of which mining {mining.TotalSeconds:0.000} s: {(wall - mining).TotalMilliseconds / slots:0.0} ms per slot besides mining ({slots} slots)"));
        if (_saved.Count > 0)
        {
            LogToOperator(FormattableString.Invariant(
                $"checkpoints: {_saved.Count} saved, {_saved.Total.TotalMilliseconds / _saved.Count:0} ms each on average ({_saved.Taking.TotalMilliseconds / _saved.Count:0} ms taking the state), {_saved.Longest.TotalMilliseconds:0} ms at most; the last {_saved.LastBytes / 1024.0:0} KB"));
        }
    }

    /// <summary>
    /// Between two phases (every round has reported to the recorder and the chain has mined): the clock's state, the
    /// tables, the feeder and, on the market's own Anvil, the chain's whole state (on an external development node, a
    /// snapshot the node keeps), taken at the same moment and written as one checkpoint. The tables and the feeder are copies their owners hand out.
    /// </summary>
    private async Task<CheckpointWritten> SaveCheckpointAsync(RoundContext round, ClockState clock)
    {
        var (time, started, session, directory, scenario, live, resumed) =
            (_settings.Time, _settings.Time.GetTimestamp(), _session!, _settings.OutputDirectory, _plan.Scenario, _plan.Calendar.Live, _resumed ?? []);
        var answer = _settings.UnitReplyTimeout;
        var tables = await round.Recorder.Ask<RecorderActor.Saved>(RecorderActor.Save.Instance, answer).ConfigureAwait(false);
        var feeder = await round.GridOperator.Ask<GridProtocol.FeederSaved>(GridProtocol.SaveFeeder.Instance, answer).ConfigureAwait(false);
        var chainState = session.OwnsChain ? await session.Chain.DumpStateAsync().ConfigureAwait(false) : null;
        // An external development node keeps the chain, and a snapshot of this moment for a resumed run to revert to.
        var snapshot = !session.OwnsChain && session.Chain.IsDevelopmentNode ? await session.Chain.SnapshotAsync().ConfigureAwait(false) : null;
        var block = await session.Chain.GetBlockNumberAsync().ConfigureAwait(false);
        var taking = time.GetElapsedTime(started);
        var checkpoint = new MarketCheckpoint(MarketCheckpoint.CurrentVersion, scenario.Name, scenario.Seed, live, clock, feeder.State,
            new CheckpointChain(session.Chain.ChainId, session.Market.MarketAddress, session.Market.TokenAddress, block, chainState is not null, snapshot), resumed);
        var bytes = await Task.Run(() => checkpoint.Write(directory, tables.Tables, chainState)).ConfigureAwait(false);
        return new CheckpointWritten(clock.NextPhase, bytes, time.GetElapsedTime(started), taking);
    }

    /// <summary>
    /// Once every event has reached the recorder's tables (they are handed over with its answer)
    /// and with the feeder as the grid operator has left it, the run directory is written and verified.
    /// </summary>
    private async Task<RunResult> WriteAsync(RoundContext round, RunOutcome outcome)
    {
        var answer = TimeSpan.FromMinutes(1);
        var flushed = await round.Recorder.Ask<RecorderActor.Flushed>(RecorderActor.Flush.Instance, answer).ConfigureAwait(false);
        var feeder = await round.GridOperator.Ask<GridProtocol.FeederRecorded>(GridProtocol.RecordFeeder.Instance, answer).ConfigureAwait(false);
        var time = _settings.Time;
        var started = _started;
        var (run, directory, checkpoints) = (_run!, _settings.OutputDirectory, _settings.Checkpoints);
        var result = await run.WriteAsync(flushed.Tables, feeder.Feeder, outcome, directory, () => time.GetElapsedTime(started)).ConfigureAwait(false);
        if (checkpoints && result.Complete)
        {
            // Nothing is left to resume.
            MarketCheckpoint.Delete(directory);
        }
        return result;
    }

    /// <summary>
    /// A unit announces itself while the market runs: its node restarted, or its actor did (and lost
    /// its state). Either way it leaves the rounds, brings its physics up to now from what the recorder
    /// holds of its deliveries, reads its positions back, and rejoins.
    /// </summary>
    private void OnUnitBack(UnitOnline m, RoundContext round)
    {
        if (Admit(m) is not { } handle)
        {
            return;
        }
        var id = handle.Identity.Id;
        Sender.Tell(new Welcome(id));
        if (_incarnations.GetValueOrDefault(id) == m.Incarnation)
        {
            return;
        }
        _incarnations[id] = m.Incarnation;
        if (_online.GetValueOrDefault(id) is { } known)
        {
            Context.Unwatch(known.Actor);
            _clock.Tell(new ClockProtocol.UnitGone(id));
        }
        _online[id] = handle;
        Resync(handle, round);
    }

    /// <summary>
    /// A unit that is back (or every unit of a resumed run) learns where the market is, takes up its physics from what
    /// the recorder holds of its deliveries, and reads its positions back.
    /// </summary>
    private void Resync(UnitHandle handle, RoundContext round)
    {
        var id = handle.Identity.Id;
        _resyncing.Add(id);
        Context.Watch(handle.Actor);
        var firstSlot = Math.Max(0, _plan.Calendar.SlotAt(_phase?.Phase.UnixTime ?? _plan.Calendar.ChainStartUnix));
        handle.Actor.Tell(new MarketReady(_session!.Location));
        // Every report sent to the recorder before this ask is applied before it is answered: the history holds every slot
        // delivered so far, and no slot whose delivery is still to come (under way, or to be done again by a resumed run).
        round.Recorder.Ask<RecorderActor.Delivered>(new RecorderActor.AskDelivered(id), _settings.UnitReplyTimeout)
            .PipeTo(Self, success: d => new UnitHistory(handle, firstSlot, d.Kw));
        LogToOperator($"unit {handle.Identity.Id} is back: it takes up its physics and reads its positions from slot {firstSlot}, and rejoins");
    }

    /// <summary>A returning unit's deliveries before <see cref="FirstSlot"/>, from the recorder.</summary>
    private sealed record UnitHistory(UnitHandle Handle, int FirstSlot, IReadOnlyList<double> DeliveredKw);

    private void Writing()
    {
        Receive<UnitOnline>(m => Sender.Tell(new Welcome(m.Identity.Id)));
        Receive<Terminated>(_ => { });
        Receive<RunResult>(Finish);
        Receive<RunAborted>(Finish);
    }

    private void Finish(RunResult result) => End(result.Complete, () => _settings.Finished.TrySetResult(result));

    private void Finish(RunAborted failure) => End(false, () => _settings.Finished.TrySetException(new RunAbortedException(failure.Reason)));

    /// <summary>
    /// Tells every unit that the run is over and closes the chain; the end is reported once every
    /// unit still there has heard of it (or is gone, or has not answered within the reply timeout)
    /// and the chain is closed. The market node leaves the cluster as soon as the end is reported,
    /// so no unit misses it and nothing of the run is left running.
    /// </summary>
    private void End(bool complete, Action report)
    {
        var unheard = _online.Keys.ToHashSet();
        foreach (var unit in _online.Values)
        {
            Context.Watch(unit.Actor);
            unit.Actor.Tell(new RunEnded(complete));
        }
        CloseChain();
        _closed.PipeTo(Self, success: () => ChainClosed.Instance, failure: ex => new ChainClosed(ex.Message));
        var chainClosed = false;
        Timers.StartSingleTimer(EndTimer, EndUnheard.Instance, _settings.UnitReplyTimeout);
        void Heard(string? unitId)
        {
            if (unitId is not null)
            {
                unheard.Remove(unitId);
            }
            if (unheard.Count == 0 && chainClosed)
            {
                Timers.Cancel(EndTimer);
                report();
                Become(Ended);
            }
        }
        Become(() =>
        {
            Receive<RunEndHeard>(m => Heard(m.UnitId));
            Receive<Terminated>(t => Heard(_online.Values.FirstOrDefault(u => u.Actor.Equals(t.ActorRef))?.Identity.Id));
            Receive<EndUnheard>(_ =>
            {
                LogToOperator($"units {string.Join(", ", unheard.Order())} did not confirm the end of the run within {_settings.UnitReplyTimeout.TotalSeconds:0} s");
                unheard.Clear();
                Heard(null);
            });
            Receive<ChainClosed>(m =>
            {
                if (m.Problem is not null)
                {
                    LogToOperator($"closing the chain: {m.Problem}");
                }
                chainClosed = true;
                Heard(null);
            });
            Receive<UnitOnline>(m => Sender.Tell(new RunEnded(false)));
        });
    }

    /// <summary>Begins closing the chain (and stopping the Anvil the host started), once.</summary>
    private void CloseChain()
    {
        if (_session is { } session)
        {
            _session = null;
            _closed = session.DisposeAsync().AsTask();
        }
    }

    private void Ended()
    {
        Receive<UnitOnline>(m => Sender.Tell(new RunEnded(false)));
        // Units' nodes leave once they hear the run is over; a unit that came late confirms it too.
        Receive<Terminated>(_ => { });
        Receive<RunEndHeard>(_ => { });
    }

    /// <summary>Tells the operator (the node's console) and the actor log.</summary>
    private void LogToOperator(string message)
    {
        Context.GetLogger().Info(message);
        _settings.Log?.Invoke(message);
    }

    private static string StoppedBeforeOpening(string? cause) => cause is null ? "stopped before the market opened" : $"stopped by {cause} before the market opened";

    private static List<UnitHandle> Ordered(IEnumerable<UnitHandle> units) => units.OrderBy(u => u.Identity.Index).ToList();

    private sealed record Opened(MarketSession Session);

    private sealed record Funded
    {
        public static Funded Instance { get; } = new();
    }

    private sealed record StartTimedOut
    {
        public static StartTimedOut Instance { get; } = new();
    }

    private sealed record RunAborted(string Reason);

    private sealed record ChainClosed(string? Problem)
    {
        public static ChainClosed Instance { get; } = new((string?)null);
    }

    private sealed record EndUnheard
    {
        public static EndUnheard Instance { get; } = new();
    }

    private sealed record ResyncTimedOut
    {
        public static ResyncTimedOut Instance { get; } = new();
    }

    private sealed record CheckpointWritten(int NextPhase, long Bytes, TimeSpan Took, TimeSpan Taking);

    private sealed record CheckpointFailed(int NextPhase, string Reason);
}

/// <summary>The run could not start (units missing, chain unreachable, funding failed) or its directory could not be written.</summary>
public sealed class RunAbortedException(string message) : Exception(message);
