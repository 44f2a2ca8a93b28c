using MicroMarket.Scenarios.Model;

namespace MicroMarket.Simulation;

/// <summary>
/// What the balance-responsible party (BRP) pays to cover a shortfall and earns for a surplus,
/// tokens per kWh. Grid-connected, the BRP is the upstream supplier: it buys a shortfall in at its
/// retail price plus the grid fee and sells a surplus on at its feed-in price, both per slot
/// (<see cref="At"/>). In an island the slack covers a shortfall at its offer price, a genset's
/// convex-hull price (its cost per kWh with the no-load fuel spread; a battery slack values energy
/// at the fallback price), known before the run so the contract is deployed with it, and can do
/// nothing with a surplus but curtail or burn it: it is worth nothing.
/// </summary>
public sealed class BalanceResponsibleParty
{
    private readonly Func<int, SupplierPrices> _at;

    private BalanceResponsibleParty(decimal shortfallCost, decimal surplusValue, Func<int, SupplierPrices> at)
    {
        ShortfallCost = shortfallCost;
        SurplusValue = surplusValue;
        _at = at;
    }

    /// <summary>
    /// The contract's short-price floor, deployed as a constant: the highest shortfall cost over the run, so with a
    /// time-varying tariff the BRP never pays more for covering a shortfall than the short side pays it
    /// (docs/market-rules.md, a conservative simplification of per-slot bounds).
    /// </summary>
    public decimal ShortfallCost { get; }

    /// <summary>The contract's long-price cap, deployed as a constant: the lowest surplus value over the run, for the same reason.</summary>
    public decimal SurplusValue { get; }

    /// <summary>What the BRP pays per kWh of shortfall (<see cref="SupplierPrices.Import"/>) and earns per kWh of surplus in <paramref name="slot"/>.</summary>
    public SupplierPrices At(int slot) => _at(slot);

    public static BalanceResponsibleParty Of(Scenario scenario)
    {
        if (scenario.Mode is GridConnectedMode grid)
        {
            var time = scenario.Time;
            var run = Enumerable.Range(0, time.Days * time.SlotsPerDay).Select(slot => grid.PricesAt(time, slot)).ToArray();
            return new(run.Max(p => p.Import), run.Min(p => p.Export), slot => slot >= 0 && slot < run.Length ? run[slot] : grid.PricesAt(time, slot));
        }
        var slackCost = scenario.Units.OfType<SlackUnit>().Select(s => s.Genset?.ConvexHullPricePerKwh(s.RatedPowerKw, s.FuelPrice)
            ?? scenario.Market.ImbalanceFallbackPrice).Single();
        return Flat(slackCost, 0m);
    }

    /// <summary>A BRP whose prices are the same in every slot: an island's slack, or a flat tariff.</summary>
    public static BalanceResponsibleParty Flat(decimal shortfallCost, decimal surplusValue) =>
        new(shortfallCost, surplusValue, _ => new SupplierPrices(shortfallCost, surplusValue));
}
