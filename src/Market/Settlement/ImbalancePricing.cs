namespace MicroMarket.Market.Settlement;

/// <summary>A slot's imbalance prices: what a short unit pays, what a long unit gets, per kWh, and the reference price they derive from.</summary>
public readonly record struct ImbalancePrices(Price Short, Price Long, Price Reference);

/// <summary>
/// The market's imbalance-price rule, restated from contracts/src/libraries/ImbalancePrice.sol in
/// the same integers and roundings (a differential test holds the two equal on random slots), for
/// the agents that expect prices and the checks that recompute them:
/// <list type="bullet">
/// <item>reference R = volume-weighted average of the day-ahead and intra-day clearing prices; below
/// the minimum volume M the fallback price fills the missing weight: R = (P_da V_da + P_id V_id +
/// P_f max(0, M - V)) / max(M, V);</item>
/// <item>short = min(cap, max(ceil(R (1 + penalty)), short floor)); long = min(floor(R (1 - penalty)), long cap).</item>
/// </list>
/// </summary>
public static class ImbalancePricing
{
    private const ulong Bps = 10_000;

    /// <summary>The prices of a slot that traded <paramref name="dayAheadWh"/> and <paramref name="intradayWh"/> at those prices (a volume of 0 means the auction did not trade).</summary>
    public static ImbalancePrices For(MarketParameters market, uint dayAheadPrice, ulong dayAheadWh, uint intradayPrice, ulong intradayWh)
    {
        ArgumentNullException.ThrowIfNull(market);
        var volume = (UInt128)dayAheadWh + intradayWh;
        var weighted = (UInt128)dayAheadPrice * dayAheadWh + (UInt128)intradayPrice * intradayWh;
        var divisor = volume;
        if (volume < market.ImbalanceMinVolumeWh)
        {
            weighted += (UInt128)market.ImbalanceFallbackPriceMicroPerKwh * (market.ImbalanceMinVolumeWh - (ulong)volume);
            divisor = market.ImbalanceMinVolumeWh;
        }
        if (divisor == 0)
        {
            (weighted, divisor) = (market.ImbalanceFallbackPriceMicroPerKwh, 1);
        }
        var reference = weighted / divisor;
        var shortPrice = (weighted * (Bps + market.ImbalancePenaltyBps) + divisor * Bps - 1) / (divisor * Bps);
        shortPrice = UInt128.Min(market.PriceCapMicroPerKwh, UInt128.Max(shortPrice, market.ShortPriceFloorMicroPerKwh));
        var longPrice = UInt128.Min(weighted * (Bps - market.ImbalancePenaltyBps) / (divisor * Bps), market.EffectiveLongPriceCapMicroPerKwh);
        return new ImbalancePrices(new Price((uint)shortPrice), new Price((uint)longPrice), new Price((uint)reference));
    }
}
