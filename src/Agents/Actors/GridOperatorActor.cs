using Akka.Actor;
using MicroMarket.Grid.Solve;
using MicroMarket.Simulation.Physics;
using MicroMarket.Simulation.Running;
using static MicroMarket.Agents.Actors.GridProtocol;

namespace MicroMarket.Agents.Actors;

/// <summary>
/// The grid operator: solves each slot's physics (power flow and, in island mode, the slack's
/// balance) from every unit's proposal, in registry order so that floating-point sums are the same
/// in every run, and produces what each unit's meter measures. The feeder's physics is its own;
/// what the run directory shows of it (the feeder with its voltage extremes) it hands out as a copy.
/// </summary>
public sealed class GridOperatorActor : ReceiveActor
{
    /// <param name="resumed">A resumed run's feeder as its checkpoint kept it (null: nothing solved yet).</param>
    public GridOperatorActor(ScenarioPlan plan, FeederPhysicsState? resumed)
    {
        var physics = MarketRun.NewPhysics(plan);
        if (resumed is not null)
        {
            physics.Restore(resumed);
        }
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
        Receive<RecordFeeder>(_ => Sender.Tell(new FeederRecorded(physics.Record())));
        Receive<SaveFeeder>(_ => Sender.Tell(new FeederSaved(physics.Save())));
    }

    public static Props Props(ScenarioPlan plan, FeederPhysicsState? resumed = null) => Akka.Actor.Props.Create(() => new GridOperatorActor(plan, resumed));
}
