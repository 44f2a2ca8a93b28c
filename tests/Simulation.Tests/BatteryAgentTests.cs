using MicroMarket.RunFormat;
using MicroMarket.Simulation.Decisions;
using MicroMarket.Simulation.Decisions.Units;
using MicroMarket.Grid.Units;
using MicroMarket.Market;
using MicroMarket.Scenarios.Model;
using static MicroMarket.Simulation.Tests.Decisions;
using MicroMarket.Simulation;

namespace MicroMarket.Simulation.Tests;

public sealed class BatteryAgentTests
{
    private static BatteryAgent Agent(double socInitial = 0.5) => new(
        new BatteryUnit("bat", "B1", PhaseConnection.Abc, null, new ArbitrageStrategy(0.02m), Perfect, 20, 5, 5, 0.95, 0.95, socInitial, 0.1, 0.9),
        new Battery(20, 5, 5, 0.95, 0.95, 0.1, 0.9), new ArbitrageStrategy(0.02m), 2000, Slot);

    [Fact]
    public void It_charges_when_cheap_and_discharges_when_dear()
    {
        var bid = Agent().BidDayAhead(DayAhead(NightCheapEveningDear())).Orders;
        var chargeSlots = Enumerable.Range(0, 96).Where(s => !bid.Buys[s].IsEmpty).ToList();
        var dischargeSlots = Enumerable.Range(0, 96).Where(s => !bid.Sells[s].IsEmpty).ToList();
        Assert.NotEmpty(chargeSlots);
        Assert.NotEmpty(dischargeSlots);
        var outlook = NightCheapEveningDear();
        // It discharges only in the dear evening and charges only where it is cheaper: the night,
        // and (to end the day as full as it began) the late evening at 0.30 < 0.50 x 0.95^2.
        Assert.All(dischargeSlots, s => Assert.InRange(s, 68, 83));
        Assert.All(chargeSlots, s => Assert.True(outlook.At(s) < 0.5m, $"charging at slot {s} at {outlook.At(s)}"));
        Assert.Contains(chargeSlots, s => s < 24);
        // Bids carry the expected price plus the minimum spread, offers minus it.
        Assert.All(chargeSlots, s => Assert.Equal(Price.FromTokens(outlook.At(s) + 0.02m).MicroPerKwh, bid.Buys[s].Steps[0].PriceMicroPerKwh));
        Assert.All(dischargeSlots, s => Assert.Equal(480_000u, bid.Sells[s].Steps[0].PriceMicroPerKwh));
    }

    [Fact]
    public void The_plan_respects_power_and_state_of_charge_and_ends_no_emptier()
    {
        var bid = Agent().BidDayAhead(DayAhead(NightCheapEveningDear())).Orders;
        var battery = new Battery(20, 5, 5, 0.95, 0.95, 0.1, 0.9);
        var energy = 10.0;
        for (var s = 0; s < 96; s++)
        {
            var netExportKwh = (bid.Sells[s].TotalWh - (double)bid.Buys[s].TotalWh) / 1000.0;
            Assert.InRange(Math.Abs(netExportKwh), 0, 5 * 0.25 + 1e-3);
            var step = battery.Apply(energy, netExportKwh / 0.25, Slot);
            Assert.True(step.ClippedKw < 0.01, $"slot {s}: the plan asks {netExportKwh} kWh beyond what the battery can do");
            energy = step.EnergyKwh;
        }
        Assert.True(energy >= 10.0 - 0.3, $"the day ends at {energy} kWh, below its start");
    }

    [Fact]
    public void A_flat_outlook_gives_no_arbitrage()
    {
        Assert.True(Agent().BidDayAhead(DayAhead(Flat(0.3m))).Orders.IsEmpty);
    }

    [Fact]
    public void Intraday_offers_never_exceed_the_state_of_charge_headroom()
    {
        var agent = Agent(socInitial: 0.85);
        var positions = Enumerable.Repeat(SlotPosition.None, 4).ToList();
        var request = new IntradayRequest(10, 35, 40, 4, positions, [0.3m, 0.3m, 0.3m, 0.3m], Flat(0.3m), Rules);
        var orders = agent.BidIntraday(request).Orders;
        var canStore = (0.9 - 0.85) * 20 / 0.95;
        var canDeliver = (0.85 - 0.1) * 20 * 0.95;
        Assert.True(orders.Buys.Sum(c => (double)c.TotalWh) / 1000 <= canStore + 0.005);
        Assert.True(orders.Sells.Sum(c => (double)c.TotalWh) / 1000 <= Math.Min(canDeliver, 4 * 5 * 0.25) + 0.005);
        Assert.All(orders.Buys.Where(c => !c.IsEmpty), c => Assert.Equal(240_000u, c.Steps[0].PriceMicroPerKwh));
        Assert.All(orders.Sells.Where(c => !c.IsEmpty), c => Assert.Equal(360_000u, c.Steps[0].PriceMicroPerKwh));
    }

    [Fact]
    public void Delivery_follows_the_schedule_within_the_state_of_charge()
    {
        var agent = Agent(socInitial: 0.11);
        agent.OnPositions(MarketStage.DayAhead, 0, [new SlotPosition(0, 1250)]);
        var proposal = agent.ProposeDelivery(new DeliveryRequest(0, new SlotPosition(0, 1250), SlotPosition.None));
        // Only (0.11 - 0.10) x 20 kWh x 0.95 can be delivered: the request is clipped, never the bound crossed.
        Assert.InRange(proposal.PowerKw, 0.75, 0.77);
        var state = agent.ApplyDelivery(0, proposal.PowerKw);
        Assert.InRange(state.StateOfCharge!.Value, 0.1 - 1e-9, 0.1 + 1e-6);
        Assert.True(state.ClippedKwh > 0.9);
    }
}
