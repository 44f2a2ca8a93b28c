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
        new Battery(20, 5, 5, 0.95, 0.95, 0.1, 0.9), new ArbitragePolicy(new Battery(20, 5, 5, 0.95, 0.95, 0.1, 0.9), Slot.TotalHours, new ArbitrageStrategy(0.02m)), 2000, Slot);

    [Fact]
    public void It_charges_when_cheap_and_discharges_when_dear()
    {
        var bid = Agent().BidDayAhead(DayAhead(NightCheapEveningDear())).Orders;
        var chargeSlots = Enumerable.Range(0, 96).Where(s => !bid.Buys[s].IsEmpty).ToList();
        var dischargeSlots = Enumerable.Range(0, 96).Where(s => !bid.Sells[s].IsEmpty).ToList();
        Assert.NotEmpty(chargeSlots);
        Assert.NotEmpty(dischargeSlots);
        var outlook = NightCheapEveningDear();
        // It discharges only in the dear evening and charges only in the cheap night. It does not buy back at 0.30 after
        // the evening: stored energy is worth the day's mean price as delivered, (0.283 - 0.01) x 0.95 = 0.26 per kWh,
        // and tomorrow's night is cheaper.
        Assert.All(dischargeSlots, s => Assert.InRange(s, 68, 83));
        Assert.All(chargeSlots, s => Assert.InRange(s, 0, 23));
        // Never both sides in one slot: its orders cannot cross.
        Assert.Empty(chargeSlots.Intersect(dischargeSlots));
        // Bids carry the expected price plus the minimum spread, offers minus it.
        Assert.All(chargeSlots, s => Assert.Equal(Price.FromTokens(outlook.At(s) + 0.02m).MicroPerKwh, bid.Buys[s].Steps[0].PriceMicroPerKwh));
        Assert.All(dischargeSlots, s => Assert.Equal(480_000u, bid.Sells[s].Steps[0].PriceMicroPerKwh));
    }

    [Fact]
    public void The_plan_respects_power_and_state_of_charge_and_earns()
    {
        var outlook = NightCheapEveningDear();
        var bid = Agent().BidDayAhead(DayAhead(outlook)).Orders;
        var battery = new Battery(20, 5, 5, 0.95, 0.95, 0.1, 0.9);
        var energy = 10.0;
        var revenue = 0m;
        for (var s = 0; s < 96; s++)
        {
            var netExportKwh = (bid.Sells[s].TotalWh - (double)bid.Buys[s].TotalWh) / 1000.0;
            Assert.InRange(Math.Abs(netExportKwh), 0, 5 * 0.25 + 1e-3);
            var step = battery.Apply(energy, netExportKwh / 0.25, Slot);
            Assert.True(step.ClippedKw < 0.01, $"slot {s}: the plan asks {netExportKwh} kWh beyond what the battery can do");
            energy = step.EnergyKwh;
            revenue += (decimal)netExportKwh * outlook.At(s);
        }
        // Full at dusk, empty by the evening's end: 16 kWh stored bought at 0.10 and sold at 0.50.
        Assert.InRange(energy, 2.0 - 1e-6, 2.5);
        Assert.True(revenue > 5m, $"the day's trades earn {revenue} tokens at the outlook's prices");
    }

    [Fact]
    public void A_flat_outlook_gives_no_arbitrage()
    {
        Assert.True(Agent().BidDayAhead(DayAhead(Flat(0.3m))).Orders.IsEmpty);
    }

    /// <summary>
    /// The issue-13 case: a flat night (0.10) and a dear evening. A battery that starts full does not sell into the
    /// flat night (nothing later refills it cheaper) and keeps its charge for the evening.
    /// </summary>
    [Fact]
    public void A_full_battery_keeps_its_charge_for_the_evening_instead_of_selling_into_a_flat_night()
    {
        var outlook = new PriceOutlook(0, Enumerable.Range(0, 96).Select(s => s >= 72 && s < 88 ? 0.30m : 0.10m).ToList());
        var bid = Agent(socInitial: 0.9).BidDayAhead(DayAhead(outlook)).Orders;
        Assert.All(Enumerable.Range(0, 72), s => Assert.True(bid.Sells[s].IsEmpty, $"sells at slot {s} at 0.10"));
        Assert.Contains(Enumerable.Range(72, 16), s => !bid.Sells[s].IsEmpty);
    }

    /// <summary>
    /// Intra-day it re-plans from the energy it now expects to hold on the hour's day-ahead prices: where those are what
    /// the outlook said, the plan is its schedule and it trades nothing; where the hour cleared dearer (0.50 on a flat
    /// 0.30 outlook), it sells into it at full power, and never both buys and sells a slot.
    /// </summary>
    [Fact]
    public void Intraday_trades_the_difference_between_a_fresh_plan_and_the_schedule()
    {
        var agent = Agent();
        Assert.True(agent.BidDayAhead(DayAhead(Flat(0.3m))).Orders.IsEmpty);
        var positions = Enumerable.Repeat(SlotPosition.None, 4).ToList();
        Assert.True(agent.BidIntraday(new IntradayRequest(17, 63, 68, 4, positions, [0.3m, 0.3m, 0.3m, 0.3m], Flat(0.3m), Rules)).Orders.IsEmpty);

        var orders = agent.BidIntraday(new IntradayRequest(17, 63, 68, 4, positions, [0.5m, 0.5m, 0.5m, 0.5m], Flat(0.3m), Rules)).Orders;
        Assert.All(orders.Buys, b => Assert.True(b.IsEmpty));
        Assert.All(orders.Sells, c => Assert.InRange(c.TotalWh, 1200u, 1250u)); // full power, to one 0.1 kWh level
        Assert.All(orders.Sells, c => Assert.Equal(480_000u, c.Steps[0].PriceMicroPerKwh));
    }

    /// <summary>
    /// Two equal evenings, the traded one and the next: the battery sells into the traded day's evening and refills at
    /// the next cheap night for the next, rather than deferring to an evening that a rolling horizon never reaches.
    /// </summary>
    [Fact]
    public void Equal_prices_sell_now_rather_than_on_a_later_equal_day()
    {
        var bid = Agent(socInitial: 0.9).BidDayAhead(DayAhead(NightCheapEveningDear())).Orders;
        Assert.True(bid.Sells.Sum(c => (double)c.TotalWh) / 1000 > 15, "the full battery deferred its sale past the traded day");
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
