using MicroMarket.RunFormat;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using MicroMarket.Agents.Actors;
using MicroMarket.Agents.Tests.Simulation;
using MicroMarket.Market;
using MicroMarket.Market.Orders;
using MicroMarket.Scenarios;
using MicroMarket.Simulation;
using MicroMarket.Simulation.Decisions;
using MicroMarket.Simulation.Running;
using static MicroMarket.Agents.Actors.HostProtocol;
using static MicroMarket.Agents.Actors.UnitProtocol;

namespace MicroMarket.Agents.Tests.Actors;

/// <summary>
/// A unit that restarts (its node, or its actor) has lost what it held; before it trades again it
/// reads its positions back from the chain, as the market host asks it to. The chain is a real
/// Anvil with the quickstart's market, on which one house bought day-ahead from the PV; the host
/// is a probe.
/// </summary>
public sealed class UnitResyncSpecs : TestKit
{
    private static readonly TimeSpan Answer = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_restarted_unit_reads_its_positions_back_from_the_chain_before_it_trades_again()
    {
        var plan = new ScenarioPlan(ScenarioLoader.Load(Repository.Scenario("quickstart.yaml")));
        var hosted = plan.Units.Select(plan.Hosted).ToList();
        await using var session = await MarketSession.OpenAsync(plan.Calendar,
            plan.Units.Zip(hosted, (u, h) => plan.Plan(u, h.Identity)).ToList(), new ChainSettings(), CancellationToken.None);
        var house = hosted.Single(u => u.Identity.Id == "house-1");
        await HouseBuysFromThePvAsync(session, plan, house, hosted.Single(u => u.Identity.Id == "pv-roof"));
        using var access = new MarketAccess();
        var host = CreateTestProbe();

        // Before: the unit reads its day's positions when the day-ahead clearing round asks.
        var before = Sys.ActorOf(UnitActor.Props(house, access, host.Ref, TimeProvider.System));
        var first = Join(host, before, session);
        before.Tell(new ReadPositions(1, MarketStage.DayAhead, 0, 96));
        Assert.Equal(100, ExpectMsg<PositionsRead>().Positions[40].BoughtWh);
        var held = await ScheduleAsync(before, 40);
        Assert.Equal(new SlotPosition(100, 0), held.DayAhead);

        // Its node restarts: a new actor, with nothing of what the first one knew.
        Watch(before);
        Sys.Stop(before);
        ExpectTerminated(before);
        var after = Sys.ActorOf(UnitActor.Props(house, access, host.Ref, TimeProvider.System));
        var again = Join(host, after, session);
        Assert.NotEqual(first.Incarnation, again.Incarnation);
        Assert.Equal(default(SlotPosition), (await ScheduleAsync(after, 40)).DayAhead);

        // The host has it read back the slots still to come; then it holds what it held, from there on.
        after.Tell(new Resync(30, 66, []), host.Ref);
        Assert.Equal(new Resynced("house-1"), host.ExpectMsg<Resynced>(Answer));
        Assert.Equal(held, await ScheduleAsync(after, 40));
        Assert.Equal(default(SlotPosition), (await ScheduleAsync(after, 20)).DayAhead);
    }

    /// <summary>
    /// A unit whose node restarted comes back with a fresh agent: the battery at its initial charge, the car as if it
    /// had not yet arrived, the washer not yet run. The host gives it what it delivered so far, as the recorder holds
    /// it; the unit applies it and goes on from the state it had; a market that went back in time has it start again
    /// from its record. Each history is two kW drawn in every slot before
    /// the unit comes back (it charges the battery and the car, runs the washer); afterwards it delivers nothing.
    /// </summary>
    [Theory]
    [InlineData("battery", 40, 40)]
    [InlineData("ev-1", 88, 88)]
    [InlineData("washer", 60, 67)]
    public async Task A_unit_whose_node_restarted_takes_up_its_physics_where_the_recorder_says_it_was(string unitId, int back, int checkedSlot)
    {
        var scenario = ScenarioLoader.Load(Repository.Scenario("quickstart.yaml"));
        var history = Enumerable.Repeat(-2.0, back).ToList();
        var expected = StateAfter(new ScenarioPlan(scenario).Unit(unitId).Agent, history, back, checkedSlot);
        Assert.NotEqual(StateAfter(new ScenarioPlan(scenario).Unit(unitId).Agent, [], back, checkedSlot), expected);

        var plan = new ScenarioPlan(scenario);
        var hosted = plan.Units.Select(plan.Hosted).ToList();
        await using var session = await MarketSession.OpenAsync(plan.Calendar,
            plan.Units.Zip(hosted, (u, h) => plan.Plan(u, h.Identity)).ToList(), new ChainSettings(), CancellationToken.None);
        using var access = new MarketAccess();
        var host = CreateTestProbe();
        var unit = hosted.Single(u => u.Identity.Id == unitId);
        var restarted = Sys.ActorOf(UnitActor.Props(unit, access, host.Ref, TimeProvider.System));
        Join(host, restarted, session);
        restarted.Tell(new Resync(back, 96 - back, history), host.Ref);
        host.ExpectMsg<Resynced>(Answer);
        Assert.Equal(expected, await DeliverNothingAsync(restarted, back, checkedSlot));

        // Its actor restarts in the same process: the agent kept its physics, and the same history changes nothing.
        Watch(restarted);
        Sys.Stop(restarted);
        ExpectTerminated(restarted);
        var again = Sys.ActorOf(UnitActor.Props(unit, access, host.Ref, TimeProvider.System));
        Join(host, again, session);
        again.Tell(new Resync(checkedSlot + 1, 95 - checkedSlot, [.. history, .. Enumerable.Repeat(0.0, checkedSlot + 1 - back)]), host.Ref);
        host.ExpectMsg<Resynced>(Answer);
        var next = checkedSlot + 1;
        Assert.Equal(StateAfter(new ScenarioPlan(scenario).Unit(unitId).Agent, history, back, next), await DeliverNothingAsync(again, next, next));

        // The market node is resumed from a checkpoint taken at slot 5, long before the slots this unit has applied since,
        // and will deliver them again: the unit builds its agent again from the market's record, so each slot moves its
        // physics once (applied on top, the battery would be full, the car charged, the washer run).
        const int checkpoint = 5;
        again.Tell(new Resync(checkpoint, 96 - checkpoint, history[..checkpoint]), host.Ref);
        host.ExpectMsg<Resynced>(Answer);
        var resumed = StateAfter(new ScenarioPlan(scenario).Unit(unitId).Agent, history[..checkpoint], checkpoint, checkedSlot);
        Assert.NotEqual(expected, resumed);
        Assert.Equal(resumed, await DeliverNothingAsync(again, checkpoint, checkedSlot));
    }

    /// <summary>The agent's state after <paramref name="history"/> and then nothing delivered from <paramref name="from"/> to <paramref name="to"/>.</summary>
    private static UnitSlotState StateAfter(IUnitAgent agent, IReadOnlyList<double> history, int from, int to)
    {
        for (var slot = 0; slot < history.Count; slot++)
        {
            agent.ApplyDelivery(slot, history[slot]);
        }
        var state = new UnitSlotState();
        for (var slot = from; slot <= to; slot++)
        {
            state = agent.ApplyDelivery(slot, 0);
        }
        return state;
    }

    /// <summary>The unit delivers nothing from <paramref name="from"/> to <paramref name="to"/>; its state after the last.</summary>
    private static async Task<UnitSlotState> DeliverNothingAsync(IActorRef unit, int from, int to)
    {
        var state = new UnitSlotState();
        for (var slot = from; slot <= to; slot++)
        {
            state = (await unit.Ask<DeliveryApplied>(new ApplyDelivery(3, slot, 0), Answer)).State;
        }
        return state;
    }

    /// <summary>The unit announces itself; the host welcomes it and tells it where the market is. Returns its announcement.</summary>
    private static UnitOnline Join(Akka.TestKit.TestProbe host, IActorRef unit, MarketSession session)
    {
        var online = host.ExpectMsg<UnitOnline>(Answer);
        Assert.Equal(unit, online.Unit);
        unit.Tell(new Welcome(online.Identity.Id), host.Ref);
        unit.Tell(new MarketReady(session.Location), host.Ref);
        // Announcements already on their way when the welcome came are of no interest.
        host.IgnoreMessages<UnitOnline>(m => m.Incarnation == online.Incarnation);
        return online;
    }

    /// <summary>What the unit holds for <paramref name="slot"/>, as it asks its agent to deliver it.</summary>
    private static async Task<DeliveryRequest> ScheduleAsync(IActorRef unit, int slot) =>
        (await unit.Ask<DeliveryProposed>(new ProposeDelivery(2, slot), Answer)).Schedule;

    /// <summary>
    /// Both fund their escrow; the house bids 150 Wh at 0.50 and the PV offers 100 Wh at 0.10 in
    /// every slot of day 0, before its gate; the day is cleared at the gate: the house bought 100 Wh a slot.
    /// </summary>
    private static async Task HouseBuysFromThePvAsync(MarketSession session, ScenarioPlan plan, HostedUnit house, HostedUnit pv)
    {
        var market = session.Market;
        var parties = new[] { house, pv };
        await session.FundAsync(parties.Select(u =>
        {
            var deposit = plan.DepositMicro(plan.Unit(u.Identity.Id));
            return (market.ApproveEscrow(u.Trader, deposit), market.Deposit(u.Trader, u.Identity.Index, deposit));
        }).ToList(), CancellationToken.None);
        var timeline = plan.Calendar.Timeline();
        var (bidding, clearing) = (timeline[0], timeline[1]);
        Assert.Equal((PhaseKind.DayAheadBidding, PhaseKind.DayAheadClearing), (bidding.Kind, clearing.Kind));
        IReadOnlyList<OrderCurve> Every(decimal price, uint wh) => Enumerable.Repeat(OrderCurve.Single(Price.FromTokens(price).MicroPerKwh, wh), 96).ToList();
        Succeeded(await session.Pipeline.ExecuteAsync(
        [
            market.SubmitDayAhead(house.Trader, house.Identity.Index, 0, Every(0.50m, 150), null),
            market.SubmitDayAhead(pv.Trader, pv.Identity.Index, 0, null, Every(0.10m, 100)),
        ], bidding.UnixTime));
        Succeeded(await session.Pipeline.ExecuteAsync(
        [
            market.Clear(session.Operator, MarketStage.DayAhead, 0, 48),
            market.Clear(session.Operator, MarketStage.DayAhead, 48, 48),
        ], clearing.UnixTime));
    }

    private static void Succeeded(IEnumerable<MicroMarket.Market.Chain.TxOutcome> outcomes)
    {
        foreach (var outcome in outcomes)
        {
            outcome.EnsureSuccess();
        }
    }
}
