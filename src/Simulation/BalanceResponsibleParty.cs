using MicroMarket.Scenarios.Model;

namespace MicroMarket.Simulation;

/// <summary>
/// What the balance-responsible party (BRP) pays to cover a shortfall and earns for a surplus,
/// tokens per kWh: the bounds the contract puts on the imbalance prices (short never below the
/// first, long never above the second; docs/market-rules.md). Grid-connected, the BRP is the
/// upstream supplier: it buys a shortfall in at its retail price and sells a surplus on at its
/// feed-in price. In an island the slack covers a shortfall at its offer price, a genset's
/// convex-hull price (its cost per kWh with the no-load fuel spread; a battery slack values energy
/// at the fallback price), known before the run so the contract is deployed with it, and can do
/// nothing with a surplus but curtail or burn it: it is worth nothing.
/// </summary>
public sealed record BalanceResponsibleParty(decimal ShortfallCost, decimal SurplusValue)
{
    public static BalanceResponsibleParty Of(Scenario scenario) => scenario.Mode switch
    {
        GridConnectedMode grid => new(grid.RetailPrice, grid.FeedInPrice),
        _ => new(scenario.Units.OfType<SlackUnit>().Select(s => s.Genset?.ConvexHullPricePerKwh(s.RatedPowerKw, s.FuelPrice)
            ?? scenario.Market.ImbalanceFallbackPrice).Single(), 0m),
    };
}
