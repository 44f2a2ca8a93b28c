using Akka.Actor;
using Akka.TestKit;
using MicroMarket.Agents.Actors;
using MicroMarket.Simulation;
using MicroMarket.Scenarios.Model;
using MicroMarket.Simulation.Running;

namespace MicroMarket.Agents.Tests.Actors;

/// <summary>What the actor specs share: a scheduler the spec moves itself, calendars, units played by probes.</summary>
internal static class ActorSpecs
{
    /// <summary>
    /// Timers (a round's reply timeout, a live phase's wait) fire only when the spec advances the
    /// scheduler: no spec waits for real time to pass, and none depends on how fast the machine is.
    /// </summary>
    public const string ManualScheduler = """akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit" """;

    private static readonly MarketSettings Market = new(new TimeOnly(12, 0), 60, 15, 0, 3, 20, 0.3m, 1m, 0.05m, 500, 1, IntradayMinCorrectionWh: 0);

    /// <summary>A calendar of <paramref name="days"/> days of 15-minute slots from 15 June 2026, UTC; live at <paramref name="live"/>'s pace when given.</summary>
    public static SimulationCalendar Calendar(int days, LivePace? live = null) =>
        new(new ScenarioTime(new DateOnly(2026, 6, 15), days, 15, "UTC"), Market, live);

    /// <summary>Registered units a, b, c, ... (indices from 1), each played by a probe.</summary>
    public static List<(UnitHandle Handle, TestProbe Probe)> Units(TestKitBase kit, int count) =>
        Enumerable.Range(1, count).Select(i =>
        {
            var probe = kit.CreateTestProbe();
            var id = ((char)('a' + i - 1)).ToString();
            return (new UnitHandle(new UnitIdentity((uint)i, id, $"trader-{id}", $"meter-{id}"), probe.Ref), probe);
        }).ToList();

    /// <summary>Waits until <paramref name="actor"/> has handled every message sent to it before (an Identify is answered in mailbox order).</summary>
    public static void Settle(this TestKitBase kit, IActorRef actor)
    {
        actor.Tell(new Identify(null), kit.TestActor);
        kit.ExpectMsg<ActorIdentity>();
    }
}
