using Akka.Actor;
using MicroMarket.Simulation;
using MicroMarket.Grid.Solve;
using static MicroMarket.Agents.Actors.GridProtocol;
using MicroMarket.Simulation.Physics;

namespace MicroMarket.Agents.Actors;

/// <summary>
/// The grid operator: solves each slot's physics (power flow and, in island mode, the slack's
/// balance) from every unit's proposal, in registry order so that floating-point sums are the same
/// in every run, and produces what each unit's meter measures.
/// </summary>
public sealed class GridOperatorActor : ReceiveActor
{
    public GridOperatorActor(FeederPhysics physics)
    {
        Receive<SolveSlot>(m =>
        {
            try
            {
                var ordered = m.Units.OrderBy(u => u.Identity.Index).ToList();
                var (flows, slot) = physics.Solve(ordered);
                Sender.Tell(new SlotSolved(m.PhaseId, m.Slot, flows, slot));
            }
            catch (Exception ex) when (ex is PowerFlowNotConvergedException or InvalidOperationException)
            {
                Sender.Tell(new SolveFailed(m.PhaseId, m.Slot, ex.Message));
            }
        });
    }

    public static Props Props(FeederPhysics physics) => Akka.Actor.Props.Create(() => new GridOperatorActor(physics));
}
