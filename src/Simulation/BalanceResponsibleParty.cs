using MicroMarket.Grid.Units;
using MicroMarket.Scenarios.Model;

namespace MicroMarket.Simulation;

/// <summary>
/// What the balance-responsible party (BRP) pays to cover a shortfall and earns for a surplus,
/// tokens per kWh: the bounds the contract puts on the imbalance prices (short never below the
/// first, long never above the second; docs/market-rules.md) and the no-market baseline's prices.
/// Grid-connected, the BRP is the upstream supplier: it buys a shortfall in at its retail price and
/// sells a surplus on at its feed-in price. In an island the slack covers a shortfall at its
/// marginal cost at half load (a genset's fuel; a battery slack values energy at the fallback
/// price) and can do nothing with a surplus but curtail or burn it: it is worth nothing.
/// </summary>
public sealed record BalanceResponsibleParty(decimal ShortfallCost, decimal SurplusValue)
{
    public static BalanceResponsibleParty Of(Scenario scenario) => scenario.Mode switch
    {
        GridConnectedMode grid => new(grid.RetailPrice, grid.FeedInPrice),
        _ => new(scenario.Units.OfType<SlackUnit>().Select(s => s.Technology switch
        {
            SlackTechnology.Diesel => Genset.Diesel(s.RatedPowerKw, s.MinStableFraction).MarginalCostPerKwh(s.RatedPowerKw / 2, s.FuelPrice),
            SlackTechnology.Chp => Genset.Chp(s.RatedPowerKw, minimumStableFraction: s.MinStableFraction).MarginalCostPerKwh(s.RatedPowerKw / 2, s.FuelPrice),
            _ => scenario.Market.ImbalanceFallbackPrice,
        }).Single(), 0m),
    };
}
