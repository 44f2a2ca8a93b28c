using Akka.Actor;
using static MicroMarket.Agents.Actors.ClockProtocol;
using static MicroMarket.Agents.Actors.UnitProtocol;

namespace MicroMarket.Agents.Actors;

/// <summary>
/// One phase of the simulation, run by a short-lived child of the clock. A round asks every unit
/// (fan-out), waits for every answer (fan-in), talks to the chain gateway and the grid operator,
/// tells the recorder what happened, and reports to the clock: completed or failed. Each step is
/// a <see cref="ReceiveActor.Become(Action)"/> state that accepts only the answers it waits for.
/// </summary>
public abstract class RoundActor : ReceiveActor
{
    private readonly IActorRef _clock;

    protected RoundActor(long phaseId, RoundContext round, IActorRef clock)
    {
        PhaseId = phaseId;
        Round = round;
        _clock = clock;
        Receive<ClockProtocol.Start>(_ => Begin());
    }

    protected long PhaseId { get; }

    protected RoundContext Round { get; }

    protected abstract void Begin();

    /// <summary>Sends <paramref name="message"/> to every unit and continues with all answers of type <typeparamref name="TReply"/>, in registry order.</summary>
    protected void AskUnits<TReply>(Func<UnitHandle, object> message, Action<IReadOnlyList<TReply>> whenAll) where TReply : IUnitReply
    {
        var replies = new Dictionary<string, TReply>();
        Become(() =>
        {
            Receive<TReply>(r => r.PhaseId == PhaseId, r =>
            {
                replies[r.UnitId] = r;
                if (replies.Count == Round.Units.Count)
                {
                    whenAll(Round.Units.Select(u => replies[u.Identity.Id]).ToList());
                }
            });
            Receive<UnitFailed>(f => f.PhaseId == PhaseId, f => Fail($"unit {f.UnitId}: {f.Reason}"));
        });
        foreach (var unit in Round.Units)
        {
            unit.Actor.Tell(message(unit));
        }
    }

    /// <summary>Executes a batch through the gateway, then continues with its outcomes.</summary>
    protected void Execute(string label, IReadOnlyList<MicroMarket.Market.Chain.TxRequest> requests, long blockTime, Action<IReadOnlyList<MicroMarket.Market.Chain.TxOutcome>> then)
    {
        Become(() =>
        {
            Receive<ChainProtocol.BatchExecuted>(b => b.PhaseId == PhaseId, b =>
            {
                var failed = b.Outcomes.FirstOrDefault(o => !o.Succeeded);
                if (failed is not null)
                {
                    Fail($"{label}: {failed.Request.Label}: {failed.Failure?.Message ?? failed.Status.ToString()}");
                    return;
                }
                then(b.Outcomes);
            });
            Receive<ChainProtocol.BatchFailed>(b => b.PhaseId == PhaseId, b => Fail($"{label}: {b.Reason}"));
        });
        Round.Gateway.Tell(new ChainProtocol.ExecuteBatch(PhaseId, label, requests, blockTime));
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

    protected void Complete(IReadOnlyList<ClearedSlot>? cleared = null)
    {
        _clock.Tell(new RoundCompleted(PhaseId, cleared ?? []));
        Context.Stop(Self);
    }

    protected void Fail(string reason)
    {
        _clock.Tell(new RoundFailed(PhaseId, reason));
        Context.Stop(Self);
    }

    private sealed record QueryDone<T>(T Value);

    private sealed record QueryFailed(string Reason);
}
