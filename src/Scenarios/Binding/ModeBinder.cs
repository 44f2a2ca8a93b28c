using MicroMarket.Grid.Model;
using MicroMarket.Scenarios.Model;
using MicroMarket.Scenarios.Yaml;

namespace MicroMarket.Scenarios.Binding;

/// <summary>Binds <c>mode</c>: <c>island</c>, or <c>grid-connected</c> with the upstream supplier's tariffs and capacity.</summary>
internal static class ModeBinder
{
    public const string Island = "island";
    public const string GridConnected = "grid-connected";

    private static readonly IReadOnlyList<(string Name, string Value)> Kinds = [(Island, Island), (GridConnected, GridConnected)];

    /// <summary>The mode, or null when the section is missing or has errors.</summary>
    public static GridMode? Bind(YamlMap? mode, Network? network, MarketSettings? market)
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
        var retail = mode.Money("retail_price", MarketBinder.PriceBounds);
        var feedIn = mode.Money("feed_in_price", MarketBinder.PriceBounds);
        var capacityKw = mode.OptionalNumber("capacity_kw", Bounds.Positive);
        if (mode.AllValid("retail_price", "feed_in_price") && feedIn > retail)
        {
            // Otherwise anyone could buy from the grid and sell straight back at a profit.
            mode.Error("feed_in_price", $"must not exceed retail_price ({retail}), found {feedIn}");
        }
        if (market is not null)
        {
            if (mode.AllValid("retail_price") && retail > market.PriceCap)
            {
                mode.Error("retail_price", $"the supplier offers at this price, so it must not exceed market.price_cap ({market.PriceCap})");
            }
            if (mode.AllValid("feed_in_price") && feedIn < market.PriceFloor)
            {
                mode.Error("feed_in_price", $"the supplier bids at this price, so it must not be below market.price_floor ({market.PriceFloor})");
            }
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
        return mode.AllValid("retail_price", "feed_in_price", "capacity_kw") ? new GridConnectedMode(retail, feedIn, capacityKw) : null;
    }
}
