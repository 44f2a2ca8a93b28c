using MicroMarket.Market;
using MicroMarket.RunFormat;

namespace MicroMarket.Simulation.Recording;

/// <summary>
/// The genset's money, the one owner of its formulas (docs/kpis.md, "Genset economics";
/// docs/market-rules.md, "Make-whole uplift"): what its fuel cost, what the market paid it, the
/// uplift that makes the difference whole, and its cost per useful kWh. The run's hosts use the
/// uplift after each day; the KPIs use all of it over the run.
/// </summary>
public static class GensetEconomics
{
    /// <summary>Fuel burnt x fuel price, tokens (the fuel of starts included: the physics counts it into the same figure).</summary>
    public static decimal FuelCost(IEnumerable<UnitSlotRow> slackRows, decimal fuelPrice) => (decimal)slackRows.Sum(r => r.State?.FuelUnits ?? 0) * fuelPrice;

    /// <summary>
    /// What the market paid the slack, tokens: its trades, and as the BRP the imbalance and fees the
    /// units paid it, less what it paid long units and storage for balancing energy (the island's
    /// balancing is the genset owner's business, so its cost counts against the genset's revenue).
    /// </summary>
    public static decimal Revenue(IEnumerable<UnitSlotRow> slackRows) => slackRows.Sum(r => (r.TradeTokens ?? 0) + (r.ImbalanceTokens ?? 0) + (r.FeeTokens ?? 0));

    /// <summary>
    /// The make-whole uplift: the fuel cost the revenue left uncovered, never more than the fuel cost
    /// (it makes the fuel whole, not the BRP's imbalance losses), rounded up to the nano-token so
    /// the genset is never short by the rounding.
    /// </summary>
    public static decimal Uplift(decimal fuelCost, decimal revenue) =>
        decimal.Round(Math.Clamp(fuelCost - revenue, 0, Math.Max(fuelCost, 0)), 9, MidpointRounding.ToPositiveInfinity);

    /// <summary>
    /// The run's genset block, or null without a genset (<paramref name="fuelPrice"/> null): fuel
    /// cost, revenue, uplift received, cost recovery, average cost per useful kWh (output less
    /// ballast) and the cost of the fuel burnt into ballast (each slot's fuel shared by its output).
    /// </summary>
    public static GensetKpis? Of(RunTables tables, decimal? fuelPrice)
    {
        if (fuelPrice is not { } price)
        {
            return null;
        }
        var slack = tables.UnitRows.Where(r => r.Unit.Kind == UnitKind.Slack && r.ImportWh is not null).ToList();
        var ballast = tables.SlotRows.Where(s => s.Physics is not null).ToDictionary(s => s.Slot, s => s.Physics!.BallastKwh);
        var fuelCost = FuelCost(slack, price);
        var revenue = Revenue(slack);
        var uplift = slack.Sum(r => r.UpliftTokens ?? 0);
        var usefulKwh = Energy.KwhOf(slack.Sum(r => r.ExportWh!.Value)) - ballast.Values.Sum();
        var ballastFuelCost = slack.Where(r => r.ExportWh > 0 && ballast.GetValueOrDefault(r.Slot) > 0)
            .Sum(r => (decimal)((r.State?.FuelUnits ?? 0) * ballast[r.Slot] / Energy.KwhOf(r.ExportWh!.Value))) * price;
        return new GensetKpis(
            KpiFormulas.Money(fuelCost),
            KpiFormulas.Money(revenue),
            KpiFormulas.Money(uplift),
            fuelCost > 0 ? KpiFormulas.Money((revenue + uplift) / fuelCost) : null,
            usefulKwh > 0 ? KpiFormulas.Money(fuelCost / (decimal)usefulKwh) : null,
            KpiFormulas.Money(ballastFuelCost));
    }
}
