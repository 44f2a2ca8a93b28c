using System.Globalization;
using MicroMarket.Scenarios.Model;

namespace MicroMarket.Scenarios.Tests;

/// <summary>The supplier's tariffs: flat, time of use and a dated price series, the grid fee, and the checks each slot must pass.</summary>
public sealed class TariffTests : IDisposable
{
    /// <summary>Hours 0..23: 0.20 at night (0-7), 0.30 by day (8-17), 0.40 in the evening peak (18-21), 0.20 late.</summary>
    private const string WeekdayPrices = "[0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.4, 0.4, 0.4, 0.4, 0.2, 0.2]";
    private const string WeekendPrices = "[0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15]";
    private const string Unit = "units:\n  - { id: a, kind: load, bus: B2, profile: { ieee: 1 } }\n";

    private readonly ScratchFolder _scratch = new();

    public void Dispose() => _scratch.Dispose();

    /// <summary>The minimal header, grid-connected with <paramref name="mode"/>'s keys after <c>kind</c>, over <paramref name="days"/> from Monday 2026-06-15 (Madrid).</summary>
    private static string Scenario(string mode, int days = 1) => Minimal.Header
        .Replace("mode: { kind: island }", $"mode: {{ kind: grid-connected, {mode} }}")
        .Replace("time: { start: 2026-06-15,", $"time: {{ start: 2026-06-15, days: {days},") + Unit;

    /// <summary>Hourly prices from local <paramref name="start"/>, one row per price.</summary>
    private string PriceFile(string name, DateTime start, params decimal[] prices) =>
        _scratch.Write(name, "# day-ahead prices, tokens per kWh\ntime,value\n"
            + string.Concat(prices.Select((p, i) => $"{start.AddHours(i):yyyy-MM-dd HH:mm},{p.ToString(CultureInfo.InvariantCulture)}\n")));

    [Fact]
    public void A_time_of_use_tariff_prices_each_slot_by_its_local_hour_and_weekday_and_the_fee_adds_to_retail()
    {
        var scenario = _scratch.Load(Scenario($"retail_price: {{ time_of_use: {{ weekdays: {WeekdayPrices}, weekends: {WeekendPrices} }} }}, feed_in_price: 0.05, grid_fee: 0.04", days: 7));

        var mode = Assert.IsType<GridConnectedMode>(scenario.Mode);
        var tou = Assert.IsType<TimeOfUseTariff>(mode.RetailPrice);
        Assert.Equal((24, 24), (tou.Weekdays.Count, tou.Weekends.Count));
        Assert.Equal(0.04m, mode.GridFee);
        // 15-minute slots: slot 75 is Monday 18:45 local, slot 5 x 96 + 75 the Saturday's.
        Assert.Equal(new SupplierPrices(0.44m, 0.05m), mode.PricesAt(scenario.Time, 75));
        Assert.Equal(new SupplierPrices(0.24m, 0.05m), mode.PricesAt(scenario.Time, 3));
        Assert.Equal(new SupplierPrices(0.19m, 0.05m), mode.PricesAt(scenario.Time, 5 * 96 + 75));
    }

    [Fact]
    public void Without_weekends_every_day_pays_the_weekday_prices()
    {
        var scenario = _scratch.Load(Scenario($"retail_price: 0.3, feed_in_price: {{ time_of_use: {{ weekdays: {WeekdayPrices.Replace("0.4", "0.25")} }} }}"));

        var mode = Assert.IsType<GridConnectedMode>(scenario.Mode);
        var tou = Assert.IsType<TimeOfUseTariff>(mode.FeedInPrice);
        Assert.Equal(tou.Weekdays, tou.Weekends);
        Assert.Equal(new FlatTariff(0.3m), mode.RetailPrice);
        Assert.Equal(0m, mode.GridFee);
    }

    [Fact]
    public void A_price_series_prices_each_slot_by_the_row_in_force_at_its_start()
    {
        var prices = Enumerable.Range(0, 26).Select(h => 0.1m + h / 100m).ToArray();
        PriceFile("prices.csv", new DateTime(2026, 6, 14, 23, 0, 0), prices);

        var scenario = _scratch.Load(Scenario("retail_price: { series: prices.csv }, feed_in_price: 0.05"));

        var mode = Assert.IsType<GridConnectedMode>(scenario.Mode);
        var series = Assert.IsType<SeriesTariff>(mode.RetailPrice);
        Assert.Equal(Path.Combine(_scratch.Folder, "prices.csv"), series.FilePath);
        // Slot 0 starts at local midnight, the file's second row; slot 7 (01:45) the third's.
        Assert.Equal(0.11m, mode.PricesAt(scenario.Time, 0).Import);
        Assert.Equal(0.12m, mode.PricesAt(scenario.Time, 7).Import);
        Assert.Equal(0.34m, mode.PricesAt(scenario.Time, 95).Import);
    }

    [Fact]
    public void A_price_series_that_does_not_cover_the_run_names_the_file_and_the_first_uncovered_slot()
    {
        PriceFile("short.csv", new DateTime(2026, 6, 15, 0, 0, 0), Enumerable.Repeat(0.3m, 23).ToArray());

        var errors = _scratch.Errors(Scenario("retail_price: { series: short.csv }, feed_in_price: 0.05"));

        Assert.Equal("short.csv does not cover the run: it has no price for the slot at 2026-06-15 23:00 (local time), nor for any slot after it",
            errors.At("mode.retail_price.series").Message);
    }

    [Fact]
    public void A_broken_price_series_is_reported_with_its_file_and_line()
    {
        _scratch.Write("gap.csv", "time,value\n2026-06-15 00:00,0.3\n2026-06-15 01:00,0.3\n2026-06-15 03:00,0.3\n");
        _scratch.Write("clock.csv", "time,value\n00:00,0.3\n01:00,0.3\n");

        var gap = _scratch.Errors(Scenario("retail_price: { series: gap.csv }, feed_in_price: 0.05"));
        var clock = _scratch.Errors(Scenario("retail_price: { series: clock.csv }, feed_in_price: 0.05"));
        var missing = _scratch.Errors(Scenario("retail_price: { series: none.csv }, feed_in_price: 0.05"));

        Assert.Equal("gap.csv:4: time: '2026-06-15 03:00' breaks the regular step of 01:00:00 (one row per interval, none missing)", gap.At("mode.retail_price.series").Message);
        Assert.Equal("clock.csv:2: time: '00:00' is not a date-time yyyy-MM-dd HH:mm", clock.At("mode.retail_price.series").Message);
        Assert.StartsWith("file not found: ", missing.At("mode.retail_price.series").Message);
    }

    [Theory]
    [InlineData("{ time_of_use: { weekdays: [0.3, 0.3] } }", "mode.retail_price.time_of_use.weekdays", "expected 24 hourly prices (00:00..23:00), found 2")]
    [InlineData("{ time_of_use: { weekdays: [0.3, 0.3, 0.3, -0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3] } }",
        "mode.retail_price.time_of_use.weekdays[3]", "expected an amount in [0, 4294.967295], found -0.3")]
    [InlineData("{ time_of_use: { weekday: [0.3] } }", "mode.retail_price.time_of_use.weekday", "unknown key; did you mean 'weekdays'?")]
    [InlineData("{ time_of_use: {} }", "mode.retail_price.time_of_use.weekdays", "is required")]
    [InlineData("{ flat: 0.3 }", "mode.retail_price", "expected one of time_of_use, series")]
    [InlineData("{ time_of_use: { weekdays: [] }, series: prices.csv }", "mode.retail_price", "expected only one of time_of_use, series, found time_of_use and series")]
    public void A_malformed_tariff_is_reported_where_it_goes_wrong(string tariff, string path, string message)
    {
        var errors = _scratch.Errors(Scenario($"retail_price: {tariff}, feed_in_price: 0.05"));

        Assert.Equal(message, errors.At(path).Message);
    }

    [Fact]
    public void Feed_in_above_retail_in_any_slot_is_reported_with_that_slot()
    {
        var errors = _scratch.Errors(Scenario($"retail_price: {{ time_of_use: {{ weekdays: {WeekdayPrices} }} }}, feed_in_price: 0.25"));

        Assert.Equal("must not exceed retail_price (0.2), found 0.25 in the slot at 2026-06-15 00:00", errors.At("mode.feed_in_price").Message);
    }

    [Fact]
    public void Retail_plus_the_fee_stays_under_the_price_cap_and_feed_in_over_the_floor_in_every_slot()
    {
        var market = "units:";
        var cap = _scratch.Errors(Scenario($"retail_price: {{ time_of_use: {{ weekdays: {WeekdayPrices} }} }}, feed_in_price: 0.05, grid_fee: 0.15")
            .Replace(market, "market: { price_cap: 0.5 }\n" + market));
        var floor = _scratch.Errors(Scenario($"retail_price: 0.3, feed_in_price: {{ time_of_use: {{ weekdays: {WeekdayPrices.Replace("0.4", "0.02")} }} }}")
            .Replace(market, "market: { price_floor: 0.1 }\n" + market));

        Assert.Equal("the supplier offers at this price plus grid_fee (0.15), so it must not exceed market.price_cap (0.5), found 0.55 in the slot at 2026-06-15 18:00",
            cap.At("mode.retail_price").Message);
        Assert.Equal("the supplier bids at this price, so it must not be below market.price_floor (0.1), found 0.02 in the slot at 2026-06-15 18:00",
            floor.At("mode.feed_in_price").Message);
    }

    [Fact]
    public void A_negative_grid_fee_is_refused()
    {
        var errors = _scratch.Errors(Scenario("retail_price: 0.3, feed_in_price: 0.05, grid_fee: -0.01"));

        Assert.StartsWith("expected an amount in [0,", errors.At("mode.grid_fee").Message);
    }
}
