using MicroMarket.Market.Orders;
using MicroMarket.RunFormat;
using MicroMarket.Simulation.Decisions;
using MicroMarket.Simulation.Decisions.Units;
using MicroMarket.Grid.Units;
using MicroMarket.Market;
using MicroMarket.Scenarios.Model;
using static MicroMarket.Simulation.Tests.Decisions;

namespace MicroMarket.Simulation.Tests;

public sealed class PriceTakerAgentTests
{
    /// <summary>A producer with a constant 2 kW (0.5 kWh per slot) and perfect forecasts.</summary>
    private static PriceTakerAgent Producer() => new(
        new PvUnit("pv", "B1", PhaseConnection.A, null, new PriceTakerStrategy(0.01m), Perfect, 5, 5, new MeasuredPvResource(0)),
        UnitKind.Pv, new ExogenousSeries(Enumerable.Repeat(2.0, 400).ToArray(), -96, Perfect, Slot, 1, 5), producer: true, 0.01m, 2000, 1.0, 0.25);

    [Fact]
    public void It_sells_its_forecast_day_ahead_at_its_price()
    {
        var bid = Producer().BidDayAhead(DayAhead(Flat(0.3m)));
        Assert.All(bid.Orders.Sells, c => Assert.Equal(new MicroMarket.Market.Orders.OrderStep(10_000, 500), Assert.Single(c.Steps)));
        Assert.All(bid.Orders.Buys, c => Assert.True(c.IsEmpty));
        Assert.All(bid.ForecastNetExportKwh, f => Assert.Equal(0.5, f, 9));
    }

    [Fact]
    public void Intraday_it_buys_back_a_shortfall_up_to_the_short_imbalance_price_and_sells_a_surplus()
    {
        var positions = new[] { new SlotPosition(0, 700), new SlotPosition(0, 300), new SlotPosition(0, 500), SlotPosition.None };
        var request = new IntradayRequest(10, 35, 40, 4, positions, [0.25m, 0.25m, null, null], Flat(0.3m), Rules);
        var orders = Producer().BidIntraday(request).Orders;
        Assert.Equal(new MicroMarket.Market.Orders.OrderStep(300_000, 200), Assert.Single(orders.Buys[0].Steps)); // 0.25 x 1.2
        Assert.Equal(new MicroMarket.Market.Orders.OrderStep(10_000, 200), Assert.Single(orders.Sells[1].Steps));
        Assert.True(orders.Buys[2].IsEmpty && orders.Sells[2].IsEmpty);
        Assert.Equal(500u, orders.Sells[3].Steps[0].QuantityWh);
    }

    [Fact]
    public void Intraday_it_sends_nothing_when_no_slot_is_off_by_the_smallest_correction_worth_a_transaction()
    {
        // The producer expects 500 Wh a slot: off by 49, 30, 0 and 10 Wh, below a 50 Wh threshold.
        var positions = new[] { new SlotPosition(0, 549), new SlotPosition(0, 470), new SlotPosition(0, 500), new SlotPosition(0, 490) };
        var rules = Rules with { IntradayMinCorrectionWh = 50 };
        var request = new IntradayRequest(10, 35, 40, 4, positions, [0.25m, 0.25m, 0.25m, 0.25m], Flat(0.3m), rules);
        Assert.True(Producer().BidIntraday(request).Orders.IsEmpty);

        // One slot off by 50 Wh makes the hour worth a transaction, and then every gap goes in.
        var orders = Producer().BidIntraday(request with { DayAheadPositions = [.. positions[..3], new SlotPosition(0, 450)] }).Orders;
        Assert.Equal([49u, 0u, 0u, 0u], orders.Buys.Select(c => (uint)c.TotalWh));
        Assert.Equal([0u, 30u, 0u, 50u], orders.Sells.Select(c => (uint)c.TotalWh));
    }
}

public sealed class EvAgentTests
{
    private static readonly ElectricVehicle Car = new(60, 7.4, 0.92);

    /// <summary>Arrives at 18:00 (slot 72), leaves at 07:30 the next day (slot 126), needs 10 kWh; really arrives at 20:00.</summary>
    private static EvAgent Agent(int actualArrival = 80) => new(
        new EvUnit("ev", "B1", PhaseConnection.A, null, new EvChargingStrategy(0.45m, true, 0.05m), Perfect, 60, 7.4, 0, 0.92, []),
        Car, new EvChargingStrategy(0.45m, true, 0.05m),
        [(new EvSession(72, 126, 10, 18), new EvSession(actualArrival, 126, 10, 18))], 3000, Slot);

    private static double StoredKwh(SlotOrders bid) =>
        Enumerable.Range(0, bid.Count).Sum(s => bid.Buys[s].TotalWh * 0.92 - bid.Sells[s].TotalWh / 0.92) / 1000.0;

    [Fact]
    public void Day_ahead_it_buys_the_need_in_the_cheapest_slots_of_the_session_sharing_them_at_part_power()
    {
        var outlook = new PriceOutlook(0, Enumerable.Range(0, 96).Select(s => s >= 88 ? 0.10m : 0.40m).ToList());
        var bid = Agent().BidDayAhead(DayAhead(outlook)).Orders;
        var bought = Enumerable.Range(0, 96).Where(s => !bid.Buys[s].IsEmpty).ToList();
        // 10 kWh stored fit in six slots at 7.4 kW x 0.25 h x 0.92 = 1.702 kWh; the cheap 22:00-24:00 window's eight share
        // them at about 1.25 kWh (in eighths of a full slot).
        Assert.Equal(Enumerable.Range(88, 8), bought);
        Assert.All(bought, s => Assert.InRange(bid.Buys[s].TotalWh * 0.92 / 1000.0, 1.0, 1.5));
        Assert.Equal(10, StoredKwh(bid), 1);
        Assert.All(bought, s => Assert.Equal(450_000u, bid.Buys[s].Steps[0].PriceMicroPerKwh));
    }

    [Fact]
    public void When_the_expectation_has_been_off_by_more_than_the_gap_it_spreads_beyond_the_cheap_slots()
    {
        var outlook = new PriceOutlook(0, Enumerable.Range(0, 96).Select(s => s >= 88 ? 0.10m : 0.40m).ToList()) { Uncertainty = 0.60m };
        var bid = Agent().BidDayAhead(DayAhead(outlook)).Orders;
        var bought = Enumerable.Range(0, 96).Where(s => !bid.Buys[s].IsEmpty).ToList();
        Assert.Contains(bought, s => s < 88);
        Assert.True(bought.Where(s => s >= 88).All(s => bid.Buys[s].TotalWh > bid.Buys[bought[0]].TotalWh), "the cheap slots still take more");
    }

    [Fact]
    public void Where_the_night_is_expected_dearer_than_its_willingness_it_bids_what_unbought_energy_would_cost()
    {
        // An island night at the genset's 0.52: bidding 0.45 would buy nothing and charge it all at departure, short.
        var bid = Agent().BidDayAhead(DayAhead(Flat(0.52m))).Orders;
        var steps = bid.Buys.SelectMany(c => c.Steps).ToList();
        Assert.NotEmpty(steps);
        Assert.All(steps, st => Assert.Equal(Price.FromTokens(Rules.ShortPrice(0.52m)).MicroPerKwh, st.PriceMicroPerKwh));
        Assert.True(Rules.ShortPrice(0.52m) > 0.52m);
    }

    /// <summary>The IEEE feeder's herd: fourteen cars plugging in at 18:00 with the night expected flat.</summary>
    [Fact]
    public void On_a_flat_outlook_identical_cars_spread_their_charging_over_the_night_instead_of_charging_on_arrival()
    {
        var bids = Enumerable.Range(0, 14).Select(_ => Agent(actualArrival: 72).BidDayAhead(DayAhead(Flat(0.30m))).Orders).ToList();
        var perSlotKw = Enumerable.Range(72, 24).Select(s => bids.Sum(b => (double)b.Buys[s].TotalWh) / 1000.0 / 0.25).ToList();
        // Each car's 10 kWh over its 54 slots (24 of them today, in eighths of a full slot): under 1 kW each, 14 kW
        // together at most, never the chargers' 104 kW.
        Assert.All(perSlotKw, kw => Assert.InRange(kw, 10, 14));
        Assert.All(bids, b => Assert.InRange(StoredKwh(b), 10 * 20 / 54.0, 10 * 28 / 54.0));
    }

    [Fact]
    public void A_bidirectional_car_exports_in_dear_slots_what_it_charges_in_cheap_ones_and_still_meets_departure()
    {
        // At work from 09:00 to 17:00 (slots 36..67), needing 10 kWh: the morning is expected free, the afternoon at 0.50.
        var car = new ElectricVehicle(60, 7.4, 0.92, 3.7);
        var agent = new EvAgent(new EvUnit("ev", "B1", PhaseConnection.A, null, new EvChargingStrategy(0.45m, true, 0.05m), Perfect, 60, 7.4, 3.7, 0.92, []),
            car, new EvChargingStrategy(0.45m, true, 0.05m), [(new EvSession(36, 68, 10, 25), new EvSession(36, 68, 10, 25))], 3000, Slot);
        var outlook = new PriceOutlook(0, Enumerable.Range(0, 96).Select(s => s is >= 52 and < 68 ? 0.50m : 0m).ToList());
        var bid = agent.BidDayAhead(DayAhead(outlook)).Orders;
        var exports = Enumerable.Range(0, 96).Where(s => !bid.Sells[s].IsEmpty).ToList();
        Assert.Equal(Enumerable.Range(52, 16), exports);
        Assert.All(exports, s => Assert.True(bid.Buys[s].IsEmpty));
        // At V2G power: 3.7 kW x 0.25 h per slot; offered at its break-even, the free charging plus the wear.
        Assert.All(exports, s => Assert.Equal(new OrderStep(50_000, 925), Assert.Single(bid.Sells[s].Steps)));
        // The cycles' charging is bid at what the export is worth over the round trip less the wear.
        var cycleSteps = bid.Buys.SelectMany(c => c.Steps).Where(st => st.PriceMicroPerKwh < 450_000).ToList();
        Assert.NotEmpty(cycleSteps);
        Assert.All(cycleSteps, st => Assert.Equal(377_200u, st.PriceMicroPerKwh)); // 0.50 x 0.92 x 0.92 - 0.05 x 0.92
        Assert.Equal(10, StoredKwh(bid), 1);
    }

    [Fact]
    public void Intraday_it_sells_back_what_it_bought_before_the_car_arrived()
    {
        var agent = Agent(actualArrival: 80);
        var positions = Enumerable.Repeat(new SlotPosition(2000, 0), 4).ToList();
        agent.OnPositions(MarketStage.DayAhead, 72, positions);
        var request = new IntradayRequest(18, 65, 72, 4, positions, [0.3m, 0.3m, 0.3m, 0.3m], Flat(0.3m), Rules);
        var orders = agent.BidIntraday(request).Orders;
        Assert.All(orders.Sells, c => Assert.Equal(new MicroMarket.Market.Orders.OrderStep(240_000, 2000), Assert.Single(c.Steps)));
    }

    [Fact]
    public void Delivery_meets_departure_even_without_a_schedule()
    {
        var agent = Agent(actualArrival: 72);
        double? unmet = null;
        for (var slot = 72; slot < 126; slot++)
        {
            var proposal = agent.ProposeDelivery(new DeliveryRequest(slot, SlotPosition.None, SlotPosition.None));
            var state = agent.ApplyDelivery(slot, proposal.PowerKw);
            unmet = slot == 125 ? state.UnmetEnergyKwh : unmet;
        }
        Assert.Equal(0, unmet!.Value, 6);
    }
}

public sealed class FlexibleLoadAgentTests
{
    [Fact]
    public void It_places_the_job_in_the_cheapest_window_slots_at_full_power()
    {
        var job = new FlexibleLoad(3, 36, 68, 2, Slot, 36);
        var agent = Washer(job, seed: 1);
        var outlook = new PriceOutlook(0, Enumerable.Range(0, 96).Select(s => s is >= 50 and < 60 ? 0.05m : 0.30m).ToList());
        var bid = agent.BidDayAhead(DayAhead(outlook)).Orders;
        var slots = Enumerable.Range(0, 96).Where(s => !bid.Buys[s].IsEmpty).ToList();
        Assert.Equal(6, slots.Count); // 3 kWh at 2 kW = 6 slots of 0.5 kWh
        Assert.All(slots, s => Assert.InRange(s, 50, 59));
        Assert.Equal(3000UL, (ulong)slots.Sum(s => (long)bid.Buys[s].TotalWh));
    }

    [Fact]
    public void On_a_flat_outlook_identical_jobs_spread_over_their_window_near_the_preferred_start()
    {
        var job = new FlexibleLoad(3, 36, 68, 2, Slot, 40);
        var starts = Enumerable.Range(0, 10).Select(seed => Washer(job, (ulong)seed).BidDayAhead(DayAhead(Flat(0.30m))).Orders)
            .Select(bid => Enumerable.Range(0, 96).Where(s => !bid.Buys[s].IsEmpty).ToList()).ToList();
        Assert.All(starts, slots => Assert.Equal(6, slots.Count));
        // Not all ten in the same slots, and the same seed chooses the same slots again.
        Assert.True(starts.Select(s => string.Join(",", s)).Distinct().Count() > 5);
        Assert.Equal(starts[3], Enumerable.Range(0, 96).Where(s => !Washer(job, 3).BidDayAhead(DayAhead(Flat(0.30m))).Orders.Buys[s].IsEmpty));
        // The owner's preference still leans the draw: the slots lie nearer 10:00 than the window's average.
        Assert.True(starts.SelectMany(s => s).Average(s => Math.Abs(s - 40)) < 10);
    }

    private static FlexibleLoadAgent Washer(FlexibleLoad job, ulong seed) => new(
        new FlexibleLoadUnit("washer", "B1", PhaseConnection.A, null, new FlexibleShiftStrategy(0.4m, true, 0.05m), Perfect, 3, 2, new TimeOnly(9, 0), new TimeOnly(17, 0), null),
        [job], new FlexibleShiftStrategy(0.4m, true, 0.05m), new TieBreaker(seed), 1000, Slot);
}

public sealed class SlackAgentTests
{
    [Fact]
    public void It_offers_its_rating_at_its_convex_hull_price_and_forms_the_grid()
    {
        var spec = new SlackUnit("diesel", "B1", PhaseConnection.Abc, null, new MarginalCostStrategy(0m), Perfect, SlackTechnology.Diesel, 40, 0.3, 1.6m, null, null);
        var agent = new SlackAgent(spec, Genset.Diesel(40, 0.3), null, new MarginalCostStrategy(0m), 20_000, Slot);
        var offer = agent.BidDayAhead(DayAhead(Flat(0.3m))).Orders.Sells[0];
        Assert.Equal(4, offer.Steps.Count);
        Assert.All(offer.Steps, s => Assert.Equal(new MicroMarket.Market.Orders.OrderStep(523_920, 2500), s)); // 1.6 x (0.08145 + 0.246) L/kWh at rated
        var proposal = agent.ProposeDelivery(new DeliveryRequest(0, SlotPosition.None, SlotPosition.None));
        Assert.Equal((DeliveryRole.GridForming, 12.0, 40.0), (proposal.Role, proposal.MinimumKw, proposal.MaximumKw));
        var state = agent.ApplyDelivery(0, 20);
        Assert.Equal((0.08145 * 40 + 0.246 * 20) * 0.25, state.FuelUnits, 9);
    }
}

public sealed class AdmissibleOrdersTests
{
    private static SlotOrders One(int slot, OrderCurve buy, OrderCurve sell) => new(slot, [buy], [sell]);

    [Fact]
    public void Sells_at_or_below_the_units_highest_buy_are_dropped_so_it_never_trades_with_itself()
    {
        var orders = One(10, new OrderCurve([new(100_000, 300), new(50_000, 200)]), new OrderCurve([new(100_000, 400), new(100_001, 500)]));
        var admitted = AdmissibleOrders.Of(orders, 10_000);
        Assert.Equal(orders.Buys[0], admitted.Buys[0]);
        Assert.Equal(new OrderCurve([new(100_001, 500)]), admitted.Sells[0]);
        Assert.False(OrderCurve.Cross(admitted.Buys[0], admitted.Sells[0]));
    }

    [Fact]
    public void Each_side_keeps_its_most_attractive_steps_within_the_rating_less_the_day_ahead_orders_of_the_slot()
    {
        var dayAhead = new SlotOrders(8, [OrderCurve.Empty, OrderCurve.Single(10_000, 600)], [OrderCurve.Single(300_000, 100), OrderCurve.Empty]);
        var intraday = One(9, new OrderCurve([new(20_000, 300), new(90_000, 300)]), new OrderCurve([new(500_000, 300), new(400_000, 300)]));
        var admitted = AdmissibleOrders.Of(intraday, 1_000, [dayAhead]);
        // Buys: 1 000 - 600 bought day-ahead leaves 400: the dearer buy whole, 100 of the cheaper.
        Assert.Equal(new OrderCurve([new(90_000, 300), new(20_000, 100)]), admitted.Buys[0]);
        // Sells: nothing sold day-ahead in slot 9, and 600 fit.
        Assert.Equal(600UL, admitted.Sells[0].TotalWh);
        // Day-ahead, the rating alone.
        Assert.Equal(1_000UL, AdmissibleOrders.Of(One(3, OrderCurve.Single(1, 4_000), OrderCurve.Empty), 1_000).Buys[0].TotalWh);
    }
}
