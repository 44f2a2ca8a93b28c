using MicroMarket.Grid.Units;
using MicroMarket.Market;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Model;
using MicroMarket.Simulation.Decisions;
using MicroMarket.Simulation.Decisions.Units;
using static MicroMarket.Simulation.Tests.Decisions;

namespace MicroMarket.Simulation.Tests;

/// <summary>A household behind one meter: its members net inside the meter, its battery runs for self-consumption, it trades the net.</summary>
public sealed class ProsumerAgentTests
{
    /// <summary>1 kW of load all day; 4 kW of PV from 10:00 to 14:00 (slots 40..55); perfect forecasts.</summary>
    private static double LoadKw(int slot) => 1.0;

    private static double PvKw(int slot) => ((slot % 96) + 96) % 96 is >= 40 and < 56 ? 4.0 : 0.0;

    private static ProsumerAgent Home(double batteryKwh, double socInitial = 0.1)
    {
        var strategy = new PriceTakerStrategy(0.6m);
        var load = new LoadUnit("home", "B1", PhaseConnection.A, null, strategy, Perfect, new LoadProfileRef(1, null), 1, 1) { PeakKw = 1 };
        var pv = new PvUnit("home.pv", "B1", PhaseConnection.A, null, strategy, Perfect, 4, 4, new MeasuredPvResource(0));
        var battery = new BatteryUnit("home.battery", "B1", PhaseConnection.A, null, new SelfConsumptionStrategy(), Perfect, batteryKwh, 3, 3, 0.95, 0.95, socInitial, 0.1, 0.9);
        var spec = new ProsumerUnit("home", "B1", PhaseConnection.A, null, strategy, Perfect, load, pv, batteryKwh > 0 ? battery : null, null, Scenarios.Model.ValueList.From<FlexibleLoadUnit>([]));
        PriceTakerAgent Series(UnitSpec unit, Func<int, double> kw, bool producer) =>
            new(unit, producer ? UnitKind.Pv : UnitKind.Load, new ExogenousSeries(ExogenousSeries.Sample(-96, 400, kw), -96, Perfect, Slot, 1, 5), producer, 0.6m, 3000, 1.0, 0.25);
        return new ProsumerAgent(spec, Series(load, LoadKw, false), Series(pv, PvKw, true),
            batteryKwh > 0 ? (new Battery(batteryKwh, 3, 3, 0.95, 0.95, 0.1, 0.9), socInitial) : null, [], 3000, Slot);
    }

    [Fact]
    public void Without_a_battery_it_trades_the_net_of_load_and_pv_never_both_sides_in_a_slot()
    {
        var bid = Home(0).BidDayAhead(DayAhead(Flat(0.3m)));

        for (var s = 0; s < 96; s++)
        {
            var (buy, sell) = (bid.Orders.Buys[s], bid.Orders.Sells[s]);
            Assert.False(!buy.IsEmpty && !sell.IsEmpty, $"slot {s} both buys and sells");
            // 3 kW net export (0.75 kWh) in the sun at the floor; 1 kW (0.25 kWh) bought at the reservation price otherwise.
            Assert.Equal(s is >= 40 and < 56 ? 750u : 0u, (uint)sell.TotalWh);
            Assert.Equal(s is >= 40 and < 56 ? 0u : 250u, (uint)buy.TotalWh);
            Assert.All(buy.Steps, st => Assert.Equal(600_000u, st.PriceMicroPerKwh));
            Assert.All(sell.Steps, st => Assert.Equal(0u, st.PriceMicroPerKwh));
        }
    }

    [Fact]
    public void Its_home_battery_stores_the_midday_surplus_and_covers_the_evening_so_the_meter_imports_less()
    {
        var bare = Home(0).BidDayAhead(DayAhead(Flat(0.3m)));
        var withBattery = Home(10).BidDayAhead(DayAhead(Flat(0.3m)));

        double Kwh(BidDecision bid, Func<SlotOrders, int, ulong> side) => Enumerable.Range(0, 96).Sum(s => (double)side(bid.Orders, s)) / 1000.0;
        var (bareImport, bareExport) = (Kwh(bare, (o, s) => o.Buys[s].TotalWh), Kwh(bare, (o, s) => o.Sells[s].TotalWh));
        var (import, export) = (Kwh(withBattery, (o, s) => o.Buys[s].TotalWh), Kwh(withBattery, (o, s) => o.Sells[s].TotalWh));
        // The battery fills from 10 % to 90 % of 10 kWh out of the surplus: 8 kWh stored take 8 / 0.95 kWh of export ...
        Assert.Equal(bareExport - 8 / 0.95, export, 2);
        // ... and give back 8 x 0.95 kWh of import after the sun (the day plan starts from the battery as it is now).
        Assert.Equal(bareImport - 8 * 0.95, import, 1);
    }

    [Fact]
    public void At_delivery_the_meter_carries_load_pv_and_battery_netted_and_the_tables_get_what_flowed_behind_it()
    {
        var home = Home(10, socInitial: 0.5);

        // 13:00: 4 kW PV, 1 kW load, the battery charges 3 kW: nothing crosses the meter.
        var noon = home.ProposeDelivery(new DeliveryRequest(52, default, default));
        Assert.Equal(0, noon.PowerKw, 9);
        var state = home.ApplyDelivery(52, noon.PowerKw);
        Assert.Equal(4 * 0.25, state.GeneratedKwh!.Value, 9);
        Assert.Equal(0.25, state.ConsumedKwh!.Value, 9);
        Assert.Equal(0.5 + 3 * 0.25 * 0.95 / 10, state.StateOfCharge!.Value, 9);

        // 20:00: the battery covers the 1 kW load.
        var evening = home.ProposeDelivery(new DeliveryRequest(80, default, default));
        Assert.Equal(0, evening.PowerKw, 9);
    }

    [Fact]
    public void An_island_cut_of_its_export_is_curtailed_pv_and_of_its_import_load_not_served()
    {
        var home = Home(0);
        var noon = home.ProposeDelivery(new DeliveryRequest(44, default, default));
        Assert.Equal(3, noon.PowerKw, 9);
        var curtailed = home.ApplyDelivery(44, 1);
        Assert.Equal((0.5, 0.0), (curtailed.CurtailedKwh, curtailed.NotServedKwh));
        Assert.Equal(1 - 0.5, curtailed.GeneratedKwh!.Value, 9);

        var night = home.ApplyDelivery(4, -0.2);
        Assert.Equal((0.0, 0.2), (night.CurtailedKwh, night.NotServedKwh), new ToleranceComparer());
        Assert.Equal(0.05, night.ConsumedKwh!.Value, 9);
    }

    [Fact]
    public void Intraday_it_trades_the_gap_between_its_new_net_and_its_day_ahead_position()
    {
        var home = Home(0);
        // Day-ahead it sold 0.5 kWh in slot 44 and bought nothing in slot 45; now it expects 0.75 and 0.75.
        var request = new IntradayRequest(11, 38, 44, 2, [new SlotPosition(0, 500), SlotPosition.None], [0.06m, 0.06m], Flat(0.3m), Rules);
        var orders = home.BidIntraday(request).Orders;
        Assert.Equal(250u, (uint)orders.Sells[0].TotalWh);
        Assert.Equal(750u, (uint)orders.Sells[1].TotalWh);
        Assert.True(orders.Buys[0].IsEmpty && orders.Buys[1].IsEmpty);
    }

    private sealed class ToleranceComparer : IEqualityComparer<(double, double)>
    {
        public bool Equals((double, double) x, (double, double) y) => Math.Abs(x.Item1 - y.Item1) < 1e-9 && Math.Abs(x.Item2 - y.Item2) < 1e-9;

        public int GetHashCode((double, double) obj) => 0;
    }
}
