using Akka.Actor;
using MicroMarket.Market.Chain;
using static MicroMarket.Agents.Actors.ClockProtocol;
using static MicroMarket.Agents.Actors.UnitProtocol;
using MicroMarket.Simulation.Recording;
using MicroMarket.Simulation.Running;

namespace MicroMarket.Agents.Actors;

/// <summary>
/// One phase of the simulation, run by a short-lived child of the clock. A round asks every unit
/// (fan-out), waits for every answer (fan-in), talks to the chain gateway and the grid operator,
/// tells the recorder what happened, and reports to the clock: completed or failed. Each step is
/// a <see cref="ReceiveActor.Become(Action)"/> state that accepts only the answers it waits for.
/// </summary>
public abstract class RoundActor : ReceiveActor, IWithTimers
{
    private const string StepTimer = "step";

    private readonly IActorRef _clock;

    protected RoundActor(long phaseId, RoundContext round, IActorRef clock)
    {
        PhaseId = phaseId;
        Round = round;
        _clock = clock;
        Receive<ClockProtocol.Start>(_ => Begin());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected long PhaseId { get; }

    protected RoundContext Round { get; }

    protected abstract void Begin();

    /// <summary>
    /// Sends <paramref name="message"/> to every unit present and continues with the answers of type
    /// <typeparamref name="TReply"/>, in registry order. A unit that dies meanwhile (its node removed
    /// from the cluster) or does not answer within the reply timeout is absent from this step: the
    /// round goes on without it, so one lost node never stops the market.
    /// </summary>
    protected void AskUnits<TReply>(Func<UnitHandle, object> message, Action<IReadOnlyList<TReply>> whenAll) where TReply : IUnitReply =>
        AskUnits(Round.Units, message, whenAll);

    /// <summary>As <see cref="AskUnits{TReply}(Func{UnitHandle, object}, Action{IReadOnlyList{TReply}})"/>, for some of the units present.</summary>
    protected void AskUnits<TReply>(IReadOnlyList<UnitHandle> units, Func<UnitHandle, object> message, Action<IReadOnlyList<TReply>> whenAll) where TReply : IUnitReply
    {
        var waiting = units.ToDictionary(u => u.Identity.Id, u => u.Actor);
        var replies = new Dictionary<string, TReply>();
        void Done()
        {
            Timers.Cancel(StepTimer);
            foreach (var unit in units)
            {
                Context.Unwatch(unit.Actor);
            }
            whenAll(units.Where(u => replies.ContainsKey(u.Identity.Id)).Select(u => replies[u.Identity.Id]).ToList());
        }
        Become(() =>
        {
            Receive<TReply>(r => r.PhaseId == PhaseId && waiting.ContainsKey(r.UnitId), r =>
            {
                replies[r.UnitId] = r;
                waiting.Remove(r.UnitId);
                if (waiting.Count == 0)
                {
                    Done();
                }
            });
            Receive<Terminated>(t =>
            {
                var gone = waiting.FirstOrDefault(w => w.Value.Equals(t.ActorRef)).Key;
                if (gone is not null && waiting.Remove(gone) && waiting.Count == 0)
                {
                    Done();
                }
            });
            Receive<StepTimedOut>(_ => Done());
            Receive<UnitFailed>(f => f.PhaseId == PhaseId, f => Fail($"unit {f.UnitId}: {f.Reason}"));
        });
        if (waiting.Count == 0)
        {
            Self.Tell(StepTimedOut.Instance);
            return;
        }
        // The step's time runs from before the first unit is asked: once any unit has the question, the timeout is set.
        Timers.StartSingleTimer(StepTimer, StepTimedOut.Instance, Round.UnitReplyTimeout);
        foreach (var unit in units)
        {
            Context.Watch(unit.Actor);
            unit.Actor.Tell(message(unit));
        }
    }

    /// <summary>How often a transaction that never reached a block (dropped, refused by the node) is sent again.</summary>
    private const int SendAttempts = 3;

    /// <summary>
    /// Executes a batch through the gateway, then continues with its outcomes. A transaction that
    /// never reached a block is sent again, alone with the others that did not (what anyone may do
    /// is idempotent in the contract, so a resend is safe even if a copy landed); one the contract
    /// reverted fails the round, unless <paramref name="revertsAllowed"/> (a unit's own submission
    /// the contract refused: its outcome is recorded and the market goes on).
    /// </summary>
    protected void Execute(string label, IReadOnlyList<TxRequest> requests, long blockTime, Action<IReadOnlyList<TxOutcome>> then, bool revertsAllowed = false)
    {
        var outcomes = new TxOutcome?[requests.Count];
        var attempt = 0;
        void Send(IReadOnlyList<int> indices)
        {
            Become(() =>
            {
                Receive<ChainProtocol.BatchExecuted>(b => b.PhaseId == PhaseId, b =>
                {
                    foreach (var (index, outcome) in indices.Zip(b.Outcomes))
                    {
                        outcomes[index] = outcome;
                    }
                    var unsent = indices.Where(i => outcomes[i]!.Status == TxStatus.NotSent).ToList();
                    if (unsent.Count > 0 && ++attempt < SendAttempts)
                    {
                        Send(unsent);
                        return;
                    }
                    var failed = outcomes.FirstOrDefault(o => !o!.Succeeded && (!revertsAllowed || o.Status != TxStatus.Reverted));
                    if (failed is not null)
                    {
                        Fail($"{label}: {failed.Request.Label}: {failed.Failure?.Message ?? failed.Status.ToString()}");
                        return;
                    }
                    then(outcomes!);
                });
                Receive<ChainProtocol.BatchFailed>(b => b.PhaseId == PhaseId, b => Fail($"{label}: {b.Reason}"));
            });
            Round.Gateway.Tell(new ChainProtocol.ExecuteBatch(PhaseId, label, indices.Select(i => requests[i]).ToList(), blockTime));
        }
        Send(Enumerable.Range(0, requests.Count).ToList());
    }

    /// <summary>Runs a chain query and continues with its result (or fails the round).</summary>
    protected void Query<T>(string label, Func<Task<T>> query, Action<T> then)
    {
        Become(() =>
        {
            Receive<QueryDone<T>>(d => then(d.Value));
            Receive<QueryFailed>(f => Fail($"{label}: {f.Reason}"));
        });
        query().PipeTo(Self, Self, success: v => new QueryDone<T>(v), failure: ex => new QueryFailed(ex.Message));
    }

    protected void Complete(IReadOnlyList<ClearedSlot>? cleared = null, IReadOnlyList<PendingSettlement>? unsettled = null)
    {
        _clock.Tell(new RoundCompleted(PhaseId, cleared ?? [], unsettled ?? []));
        Context.Stop(Self);
    }

    protected void Fail(string reason)
    {
        _clock.Tell(new RoundFailed(PhaseId, reason));
        Context.Stop(Self);
    }

    private sealed record StepTimedOut
    {
        public static StepTimedOut Instance { get; } = new();
    }

    private sealed record QueryDone<T>(T Value);

    private sealed record QueryFailed(string Reason);
}
