using MicroMarket.Market.Orders;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios;
using MicroMarket.Scenarios.Model;
using MicroMarket.Simulation.Decisions;
using MicroMarket.Simulation.Decisions.Units;
using MicroMarket.Simulation.Recording;
using static MicroMarket.Simulation.Tests.Decisions;

namespace MicroMarket.Simulation.Tests;

/// <summary>A time-of-use supplier: its orders, the contract's imbalance bounds and the no-market baseline, slot by slot.</summary>
public sealed class TariffTests
{
    /// <summary>The island week (Monday 2026-06-15 to Sunday, Madrid, 15-minute slots) on the grid instead, with <see cref="Mode"/>.</summary>
    private static readonly Scenario Week = ScenarioLoader.Load(Path.Combine(AppContext.BaseDirectory, "Scenarios", "island-week.yaml")) with { Mode = Mode };

    /// <summary>Weekdays 0.20 at night, 0.30 by day (08-18), 0.40 in the evening (18-22); weekends 0.15; feed-in 0.05 (0.08 at weekends); fee 0.02.</summary>
    private static GridConnectedMode Mode => new(
        new TimeOfUseTariff(
            ValueList.From(Enumerable.Range(0, 24).Select(h => h switch { >= 8 and < 18 => 0.30m, >= 18 and < 22 => 0.40m, _ => 0.20m })),
            ValueList.From(Enumerable.Repeat(0.15m, 24))),
        new TimeOfUseTariff(ValueList.From(Enumerable.Repeat(0.05m, 24)), ValueList.From(Enumerable.Repeat(0.08m, 24))),
        100,
        0.02m);

    [Fact]
    public void The_supplier_offers_at_each_slots_retail_price_plus_the_fee_and_bids_its_feed_in_price()
    {
        var supplier = new GridSupplierAgent(new GridSupplierSpec("B0", 100), BalanceResponsibleParty.Of(Week).At, 100, 1_000_000, Slot);

        var monday = supplier.BidDayAhead(DayAhead(Flat(0.3m))).Orders;
        var saturday = supplier.BidIntraday(new IntradayRequest(5 * 24 + 18, 5 * 96 + 60, 5 * 96 + 72, 4, [.. Enumerable.Repeat(SlotPosition.None, 4)], [null, null, null, null], Flat(0.3m, 5 * 96), Rules)).Orders;

        // 100 kW for a quarter of an hour: 25 kWh each way, in every slot.
        Assert.Equal(new OrderStep(220_000, 25_000), Assert.Single(monday.Sells[0].Steps));
        Assert.Equal(new OrderStep(320_000, 25_000), Assert.Single(monday.Sells[32].Steps));
        Assert.Equal(new OrderStep(420_000, 25_000), Assert.Single(monday.Sells[72].Steps));
        Assert.Equal(new OrderStep(220_000, 25_000), Assert.Single(monday.Sells[88].Steps));
        Assert.All(monday.Buys, b => Assert.Equal(new OrderStep(50_000, 25_000), Assert.Single(b.Steps)));
        Assert.Equal(5 * 96 + 72, saturday.FirstSlot);
        Assert.All(saturday.Sells, s => Assert.Equal(new OrderStep(170_000, 25_000), Assert.Single(s.Steps)));
        Assert.All(saturday.Buys, b => Assert.Equal(new OrderStep(80_000, 25_000), Assert.Single(b.Steps)));
    }

    [Fact]
    public void The_contract_bounds_are_the_tariffs_extremes_over_the_run()
    {
        var brp = BalanceResponsibleParty.Of(Week);
        var calendar = new SimulationCalendar(Week.Time, Week.Market, null, brp);

        // The dearest retail + fee (0.40 + 0.02) floors the short price, the cheapest feed-in (0.05) caps the long one.
        Assert.Equal((0.42m, 0.05m), (brp.ShortfallCost, brp.SurplusValue));
        Assert.Equal((420_000u, (uint?)50_000u), (calendar.Parameters.ShortPriceFloorMicroPerKwh, calendar.Parameters.LongPriceCapMicroPerKwh));
    }

    [Fact]
    public void The_baseline_nets_each_slots_metering_at_that_slots_prices()
    {
        var unit = new UnitInfo("home", 1, UnitKind.Load, "B2", "A");
        UnitSlotRow Metered(int slot, long importWh, long exportWh) => new(slot, unit) { ImportWh = importWh, ExportWh = exportWh };
        var rows = new[]
        {
            Metered(0, 1_000, 0),          // Monday 00:00: 1 kWh x (0.20 + 0.02) = 0.22
            Metered(72, 500, 0),           // Monday 18:00: 0.5 kWh x (0.40 + 0.02) = 0.21
            Metered(40, 0, 2_000),         // Monday 10:00: -2 kWh x 0.05 = -0.10
            Metered(5 * 96 + 40, 250, 1_000), // Saturday 10:00: 0.25 kWh x (0.15 + 0.02) - 1 kWh x 0.08 = -0.0375
        };

        Assert.Equal(0.2925m, KpiFormulas.Baseline(rows, BalanceResponsibleParty.Of(Week).At));
    }
}
