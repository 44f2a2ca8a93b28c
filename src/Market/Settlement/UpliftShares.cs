using System.Numerics;

namespace MicroMarket.Market.Settlement;

/// <summary>One unit's share of a make-whole uplift, nano-tokens.</summary>
public sealed record UnitUplift(uint Unit, BigInteger Nano);

/// <summary>
/// How a make-whole uplift is split (docs/market-rules.md, "Make-whole uplift"): pro rata to each
/// consumer's net metered import over the period (import less export, at least 0), the energy whose supply
/// the uplift completes paying for; storage pays none (the caller leaves it out: whoever imports its discharge pays).
/// Each share is rounded down, so the units never pay more than the uplift; the BRP forgoes the
/// dust (under a nano-token per unit). At most the price cap per kWh imported is charged, the
/// contract's bound on each share (what a unit could have been charged for its energy at most).
/// </summary>
public static class UpliftShares
{
    /// <summary>The shares of <paramref name="amountNano"/> over units weighted by their import (Wh), in unit order; units without import pay nothing.</summary>
    public static IReadOnlyList<UnitUplift> Of(BigInteger amountNano, IReadOnlyList<(uint Unit, long ImportWh)> imports, uint priceCapMicroPerKwh)
    {
        var weighted = imports.Where(i => i.ImportWh > 0).OrderBy(i => i.Unit).ToList();
        var totalWh = weighted.Aggregate(BigInteger.Zero, (sum, i) => sum + i.ImportWh);
        var charged = BigInteger.Min(amountNano, totalWh * priceCapMicroPerKwh);
        return charged <= 0 ? []
            : weighted.Select(i => new UnitUplift(i.Unit, charged * i.ImportWh / totalWh)).Where(s => s.Nano > 0).ToList();
    }
}
