using Akka.Actor;
using Akka.Event;
using MicroMarket.Simulation.Decisions;
using MicroMarket.Agents.Running;
using MicroMarket.Market.Chain;
using MicroMarket.Simulation.Running;

namespace MicroMarket.Agents.Actors;

/// <summary>
/// The units of one node (all of them in one process; a share on a sim node; one on a Pi), as
/// children that the default supervision restarts. It learns from them when the run is over, or
/// that the host refused one, and tells whoever started the node.
/// </summary>
public sealed class UnitNodeActor : ReceiveActor
{
    public UnitNodeActor(IReadOnlyList<HostedUnit> units, MarketAccess access, IActorRef host, TaskCompletionSource<bool> ended, TimeProvider time)
    {
        foreach (var unit in units)
        {
            Context.ActorOf(UnitActor.Props(unit, access, host, time), $"unit-{unit.Identity.Index}");
        }
        Receive<HostProtocol.RunEnded>(m => ended.TrySetResult(m.Complete));
        Receive<HostProtocol.Refused>(m =>
        {
            Context.GetLogger().Error("the market refused unit {0}: {1}", m.UnitId, m.Reason);
            ended.TrySetException(new InvalidOperationException($"the market refused unit {m.UnitId}: {m.Reason}"));
        });
    }

    public static Props Props(IReadOnlyList<HostedUnit> units, MarketAccess access, IActorRef host, TaskCompletionSource<bool> ended, TimeProvider time) =>
        Akka.Actor.Props.Create(() => new UnitNodeActor(units, access, host, ended, time));
}
