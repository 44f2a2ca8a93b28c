using MicroMarket.Scenarios;
using MicroMarket.Scenarios.Model;
using MicroMarket.Simulation.Decisions;
using MicroMarket.Simulation.Running;

namespace MicroMarket.Simulation.Tests;

public sealed class ScenarioSeriesTests
{
    private static readonly Scenario Week = ScenarioLoader.Load(Path.Combine(AppContext.BaseDirectory, "Scenarios", "island-week.yaml"));

    /// <summary>The optimal reference reads ScenarioSeries; the run's agents must deliver exactly those actuals.</summary>
    [Fact]
    public void Optimiser_sees_the_agents_actuals()
    {
        var plan = new ScenarioPlan(Week);
        var series = ScenarioSeries.Of(Week);
        var slots = Enumerable.Range(0, plan.Calendar.Days * plan.Calendar.SlotsPerDay).ToList();
        foreach (var unit in plan.Units)
        {
            var (expected, sign) = unit.Agent.Spec switch
            {
                PvUnit pv => (series.Pv(pv), 1.0),
                WindUnit wind => (series.Wind(wind), 1.0),
                LoadUnit load => (series.Load(load), -1.0),
                _ => (null, 0.0),
            };
            if (expected is null)
            {
                continue;
            }
            Assert.All(slots, slot => Assert.Equal(sign * expected[slot - series.FirstSlot], Propose(unit, slot)));
        }
        var factory = new UnitAgentFactory(Week, plan.Network, plan.Calendar);
        foreach (var ev in Week.Units.OfType<EvUnit>())
        {
            foreach (var (_, actual) in series.Sessions(ev))
            {
                // A fresh agent asked to charge: it draws power from its actual arrival on, not a slot before.
                var agent = factory.Create(ev);
                Assert.Equal(0.0, Propose(agent, actual.ArrivalSlot - 1));
                Assert.True(Propose(agent, actual.ArrivalSlot) < 0, $"{ev.Id} charges on arrival at slot {actual.ArrivalSlot}");
            }
        }
    }

    private static double Propose(PlannedUnit unit, int slot) => Propose(unit.Agent, slot);

    /// <summary>What the unit would deliver in the slot when scheduled to import 1 kWh.</summary>
    private static double Propose(IUnitAgent agent, int slot) =>
        agent.ProposeDelivery(new DeliveryRequest(slot, new SlotPosition(1000, 0), SlotPosition.None)).PowerKw;
}
