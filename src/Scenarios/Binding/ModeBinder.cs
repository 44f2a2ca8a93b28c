using MicroMarket.Grid.Model;
using MicroMarket.Scenarios.Model;
using MicroMarket.Scenarios.Yaml;

namespace MicroMarket.Scenarios.Binding;

/// <summary>
/// Binds <c>mode</c>: <c>island</c>, or <c>grid-connected</c> with the upstream supplier's tariffs, grid fee and
/// capacity. A tariff is a number (flat), <c>{ time_of_use: { weekdays: [24 prices], weekends: [24 prices] } }</c> or
/// <c>{ series: prices.csv }</c> (<see cref="PriceSeriesCsv"/>).
/// </summary>
internal static class ModeBinder
{
    public const string Island = "island";
    public const string GridConnected = "grid-connected";
    public const string TimeOfUse = "time_of_use";
    public const string Series = "series";

    private static readonly IReadOnlyList<(string Name, string Value)> Kinds = [(Island, Island), (GridConnected, GridConnected)];

    /// <summary>The mode, or null when the section is missing or has errors.</summary>
    public static GridMode? Bind(YamlMap? mode, Network? network, MarketSettings? market, ScenarioTime? time, string folder)
    {
        if (mode is null)
        {
            return null;
        }
        var kind = mode.Choice("kind", Kinds);
        if (!mode.AllValid("kind"))
        {
            return null;
        }
        if (kind == Island)
        {
            mode.RejectUnknownKeys();
            return new IslandMode();
        }
        var retail = BindTariff(mode, "retail_price", time, folder);
        var feedIn = BindTariff(mode, "feed_in_price", time, folder);
        var gridFee = mode.Money("grid_fee", 0m, MarketBinder.PriceBounds);
        var capacityKw = mode.OptionalNumber("capacity_kw", Bounds.Positive);
        if (retail is not null && feedIn is not null && mode.AllValid("grid_fee") && time is not null)
        {
            CheckEverySlot(mode, new GridConnectedMode(retail, feedIn, null, gridFee), market, time);
        }
        if (capacityKw is null && network is not null)
        {
            if (network.Transformers.Count == 0)
            {
                mode.Error("capacity_kw", $"is required: network '{network.Name}' has no transformer whose rating could serve as the default");
            }
            else
            {
                // kVA as kW: the supplier's limit at unity power factor.
                capacityKw = network.Transformers.Sum(t => t.RatedKva);
            }
        }
        mode.RejectUnknownKeys();
        return retail is not null && feedIn is not null && mode.AllValid("retail_price", "feed_in_price", "grid_fee", "capacity_kw")
            ? new GridConnectedMode(retail, feedIn, capacityKw, gridFee)
            : null;
    }

    /// <summary>The tariff at <paramref name="key"/>, or null when it has errors (reported).</summary>
    private static Tariff? BindTariff(YamlMap mode, string key, ScenarioTime? time, string folder)
    {
        if (!mode.HasMap(key))
        {
            var price = mode.Money(key, MarketBinder.PriceBounds);
            return mode.AllValid(key) ? price : null;
        }
        var errorsBefore = mode.Diagnostics.Count;
        var tariff = mode.Map(key)!;
        Tariff? bound = tariff.OneOf(TimeOfUse, Series) switch
        {
            TimeOfUse => BindTimeOfUse(tariff.Map(TimeOfUse, required: true)),
            Series => BindSeries(tariff, time, folder),
            _ => null,
        };
        tariff.RejectUnknownKeys();
        return mode.Diagnostics.Count == errorsBefore ? bound : null;
    }

    /// <summary><c>{ weekdays: [24 prices], weekends: [24 prices] }</c>; without <c>weekends</c> every day pays the weekday prices.</summary>
    private static TimeOfUseTariff? BindTimeOfUse(YamlMap? timeOfUse)
    {
        if (timeOfUse is null)
        {
            return null;
        }
        var weekdays = MarketBinder.HourlyPrices(timeOfUse, "weekdays", MarketBinder.PriceBounds);
        var weekends = timeOfUse.Has("weekends") ? MarketBinder.HourlyPrices(timeOfUse, "weekends", MarketBinder.PriceBounds) : weekdays;
        timeOfUse.RejectUnknownKeys();
        return weekdays is not null && weekends is not null ? new TimeOfUseTariff(weekdays, weekends) : null;
    }

    /// <summary><c>series: prices.csv</c>, which must price every slot of the run (it never wraps).</summary>
    private static SeriesTariff? BindSeries(YamlMap tariff, ScenarioTime? time, string folder)
    {
        var path = UnitContext.ExistingFile(tariff, Series, folder);
        if (!tariff.AllValid(Series))
        {
            return null;
        }
        if (!PriceSeriesCsv.TryRead(path, out var series, out var problem))
        {
            tariff.Error(Series, problem);
            return null;
        }
        foreach (var uncovered in time is null ? [] : Slots(time).Where(local => !series.Covers(local)).Take(1))
        {
            tariff.Error(Series, $"{Path.GetFileName(path)} does not cover the run: it has no price for the slot at {uncovered:yyyy-MM-dd HH:mm} (local time), nor for any slot after it");
            return null;
        }
        return series;
    }

    /// <summary>
    /// The supplier's prices must keep the market sound in every slot: feed-in never above retail (else anyone could
    /// buy from the grid and sell straight back at a profit), what it offers (retail + grid fee) within the price cap
    /// and what it bids (feed-in) above the price floor. Each check reports its first offending slot.
    /// </summary>
    private static void CheckEverySlot(YamlMap mode, GridConnectedMode grid, MarketSettings? market, ScenarioTime time)
    {
        var flat = grid.RetailPrice is FlatTariff && grid.FeedInPrice is FlatTariff;
        string When(DateTime local) => flat ? "" : $" in the slot at {local:yyyy-MM-dd HH:mm}";
        var slots = Slots(time).Select(local => (Local: local, Retail: grid.RetailPrice.PriceAt(local), FeedIn: grid.FeedInPrice.PriceAt(local))).ToList();
        foreach (var bad in slots.Where(s => s.FeedIn > s.Retail).Take(1))
        {
            mode.Error("feed_in_price", $"must not exceed retail_price ({bad.Retail}), found {bad.FeedIn}{When(bad.Local)}");
        }
        if (market is null)
        {
            return;
        }
        foreach (var over in slots.Where(s => s.Retail + grid.GridFee > market.PriceCap).Take(1))
        {
            var fee = grid.GridFee == 0 ? "" : $" plus grid_fee ({grid.GridFee})";
            mode.Error("retail_price", $"the supplier offers at this price{fee}, so it must not exceed market.price_cap ({market.PriceCap}), found {over.Retail + grid.GridFee}{When(over.Local)}");
        }
        foreach (var under in slots.Where(s => s.FeedIn < market.PriceFloor).Take(1))
        {
            mode.Error("feed_in_price", $"the supplier bids at this price, so it must not be below market.price_floor ({market.PriceFloor}), found {under.FeedIn}{When(under.Local)}");
        }
    }

    /// <summary>The local start of every slot of the run.</summary>
    private static IEnumerable<DateTime> Slots(ScenarioTime time) =>
        Enumerable.Range(0, time.Days * time.SlotsPerDay).Select(time.SlotLocalStart);
}
