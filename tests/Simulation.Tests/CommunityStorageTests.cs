using MicroMarket.Grid.Units;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Model;
using MicroMarket.Simulation.Decisions;
using MicroMarket.Simulation.Decisions.Units;
using static MicroMarket.Simulation.Tests.Decisions;

namespace MicroMarket.Simulation.Tests;

/// <summary>
/// The community battery's plan (issue 13, 2c) on a feeder known exactly: a 3 kW roof from 09:00 to 15:00 and a
/// household drawing 1 kW, 3 kW from 17:00 to 21:00: a 2 kW surplus at midday, a 2 kW deficit in the evening, 1 kW
/// otherwise. Its orders never draw more than the surplus nor deliver more than the deficit, and stay within its SoC.
/// </summary>
public sealed class CommunityStorageTests
{
    private static readonly Battery Battery = new(20, 5, 5, 0.95, 0.95, 0.1, 0.9);

    private static readonly BalanceResponsibleParty Brp = BalanceResponsibleParty.Flat(0.30m, 0.06m);

    private static int TimeOfDay(int slot) => ((slot % 96) + 96) % 96;

    private static double PvKw(int slot) => TimeOfDay(slot) is >= 36 and < 60 ? 3.0 : 0.0;

    private static double LoadKw(int slot) => TimeOfDay(slot) is >= 68 and < 84 ? 3.0 : 1.0;

    private static double NetExportKwh(int slot) => (PvKw(slot) - LoadKw(slot)) * 0.25;

    private static FeederOutlook Feeder()
    {
        var pv = new PriceTakerAgent(new PvUnit("pv", "B1", PhaseConnection.Abc, null, new PriceTakerStrategy(0m), Perfect, 3, 3, new MeasuredPvResource(0)),
            UnitKind.Pv, new ExogenousSeries(ExogenousSeries.Sample(-96, 400, PvKw), -96, Perfect, Slot, 1, 3), producer: true, 0m, 2000, 1.0, 0.25);
        var load = new PriceTakerAgent(new LoadUnit("home", "B1", PhaseConnection.Abc, null, new PriceTakerStrategy(0.6m), Perfect, new LoadProfileRef(1, null), 1, 0.95),
            UnitKind.Load, new ExogenousSeries(ExogenousSeries.Sample(-96, 400, LoadKw), -96, Perfect, Slot, 2, 3), producer: false, 0.6m, 4000, 0.95, 0.25);
        return new FeederOutlook([pv, load]);
    }

    private static BatteryAgent Agent(double socInitial = 0.5, double chargeShare = 1, double dischargeShare = 1) => new(
        new BatteryUnit("bat", "B1", PhaseConnection.Abc, null, new CommunityStrategy(0.01m), Perfect, 20, 5, 5, 0.95, 0.95, socInitial, 0.1, 0.9),
        Battery, new CommunityPolicy(Battery, Slot, new CommunityStrategy(0.01m), Brp, Feeder(), chargeShare, dischargeShare), 2000, Slot);

    [Theory]
    [InlineData(0.5, 1.0, 1.0)]
    [InlineData(0.1, 1.0, 1.0)]
    [InlineData(0.9, 1.0, 1.0)]
    [InlineData(0.5, 0.5, 0.25)]
    public void It_draws_only_from_its_share_of_the_surplus_delivers_only_into_its_share_of_the_deficit_and_keeps_its_soc(
        double socInitial, double chargeShare, double dischargeShare)
    {
        var bid = Agent(socInitial, chargeShare, dischargeShare).BidDayAhead(DayAhead(Flat(0.3m))).Orders;
        var energy = socInitial * 20;
        for (var s = 0; s < 96; s++)
        {
            var boughtKwh = bid.Buys[s].TotalWh / 1000.0;
            var soldKwh = bid.Sells[s].TotalWh / 1000.0;
            Assert.True(boughtKwh == 0 || soldKwh == 0, $"slot {s}: both sides");
            Assert.InRange(boughtKwh, 0, Math.Max(0, NetExportKwh(s)) * chargeShare + 1e-3);
            Assert.InRange(soldKwh, 0, Math.Max(0, -NetExportKwh(s)) * dischargeShare + 1e-3);
            var step = Battery.Apply(energy, (soldKwh - boughtKwh) / 0.25, Slot);
            Assert.True(step.ClippedKw < 0.01, $"slot {s}: the plan asks {soldKwh - boughtKwh} kWh beyond what the battery can do");
            energy = step.EnergyKwh;
            Assert.InRange(energy, 2 - 1e-6, 18 + 1e-6);
        }
        // It uses what it is allowed: it charges at midday and serves the evening.
        Assert.Contains(Enumerable.Range(36, 24), s => !bid.Buys[s].IsEmpty);
        Assert.Contains(Enumerable.Range(68, 16), s => !bid.Sells[s].IsEmpty);
    }

    [Fact]
    public void It_bids_just_above_the_surplus_value_and_asks_just_below_the_shortfall_cost_whatever_the_outlook()
    {
        var bid = Agent().BidDayAhead(DayAhead(NightCheapEveningDear())).Orders;

        Assert.All(bid.Buys.Where(c => !c.IsEmpty), c => Assert.Equal(70_000u, Assert.Single(c.Steps).PriceMicroPerKwh));
        Assert.All(bid.Sells.Where(c => !c.IsEmpty), c => Assert.Equal(290_000u, Assert.Single(c.Steps).PriceMicroPerKwh));
    }

    [Fact]
    public void It_serves_the_earliest_deficit_and_fills_from_the_surplus()
    {
        var bid = Agent(socInitial: 0.5).BidDayAhead(DayAhead(Flat(0.3m))).Orders;

        // 8 kWh above its minimum, a 1 kW deficit from midnight and a surplus at 09:00 to refill: it serves the night at once.
        Assert.Equal(250u, bid.Sells[0].TotalWh, 5u);
        // The midday surplus, 0.5 kWh a slot for 24 slots, all goes in (it empties by 09:00: 8 kWh at 0.25 a slot).
        Assert.Equal(24 * 500.0, Enumerable.Range(36, 24).Sum(s => (double)bid.Buys[s].TotalWh), 24 * 5.0);
    }

    [Fact]
    public void Intraday_it_trades_nothing_when_the_feeder_is_as_expected()
    {
        var agent = Agent();
        var bid = agent.BidDayAhead(DayAhead(Flat(0.3m))).Orders;
        agent.OnPositions(MarketStage.DayAhead, 0,
            Enumerable.Range(0, 96).Select(s => new SlotPosition((long)bid.Buys[s].TotalWh, (long)bid.Sells[s].TotalWh)).ToList());

        var hour = 10;
        var positions = Enumerable.Range(hour * 4, 4).Select(s => new SlotPosition((long)bid.Buys[s].TotalWh, (long)bid.Sells[s].TotalWh)).ToList();
        var intraday = agent.BidIntraday(new IntradayRequest(hour, hour * 4 - 4, hour * 4, 4, positions, [0.06m, 0.06m, 0.06m, 0.06m], Flat(0.3m), Rules)).Orders;

        Assert.True(intraday.Buys.Concat(intraday.Sells).All(c => c.TotalWh <= 5), "a perfect forecast leaves nothing to trade");
    }
}
