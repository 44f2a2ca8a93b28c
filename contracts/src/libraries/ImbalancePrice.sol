// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title ImbalancePrice
/// @notice The one rule for a slot's imbalance prices (prices in token micro-units per kWh, volumes
/// in Wh). The C# side restates it in src/Market/Settlement/ImbalancePricing.cs and a differential
/// test holds the two equal.
///
///   Reference R: the volume-weighted average of the slot's day-ahead and intra-day clearing prices,
///   with a minimum volume M. When the two auctions traded V >= M Wh in all,
///       R = (P_da V_da + P_id V_id) / V;
///   below that, the posted fallback price P_f fills the missing volume:
///       R = (P_da V_da + P_id V_id + P_f (M - V)) / M.
///   A trade of v Wh can therefore move R by at most v / max(M, V) of the price range: the 1 Wh
///   self-trade at the cap that used to set the short price to the cap moves it by 1 / M of it.
///   (A unit's own orders never match each other: the market rejects crossing orders of one unit,
///   so all of V is traded between different units.)
///
///   short = min(cap, max(R x (1 + penalty), shortFloor))   rounded up   (the BRP's favour)
///   long  = min(R x (1 - penalty), longCap)                rounded down (the BRP's favour)
///
///   shortFloor is what the balance-responsible party (BRP) pays to cover a shortfall (the
///   supplier's retail price, an island genset's cost) and longCap what it earns for a surplus
///   (the feed-in tariff; 0 in an island, where surplus is curtailed or burnt in a ballast). So the
///   BRP is never paid less for covering a short unit than covering costs it, and never pays a long
///   unit more than the surplus is worth to it.
library ImbalancePrice {
    uint256 internal constant BPS = 10_000;

    /// @dev What the rule reads off the market's configuration.
    struct Rule {
        uint256 fallbackPrice;
        uint256 minVolumeWh;
        uint256 penaltyBps;
        uint256 shortFloor;
        uint256 longCap;
        uint256 priceCap;
    }

    /// @notice The slot's short and long prices and the reference R (R rounded down).
    function prices(Rule memory rule, uint256 dayAheadPrice, uint256 dayAheadWh, uint256 intradayPrice, uint256 intradayWh)
        internal
        pure
        returns (uint256 shortPrice, uint256 longPrice, uint256 referencePrice)
    {
        uint256 volume = dayAheadWh + intradayWh;
        uint256 weighted = dayAheadPrice * dayAheadWh + intradayPrice * intradayWh;
        uint256 divisor = volume;
        if (volume < rule.minVolumeWh) {
            weighted += rule.fallbackPrice * (rule.minVolumeWh - volume);
            divisor = rule.minVolumeWh;
        }
        if (divisor == 0) {
            // No volume and no minimum: the fallback alone.
            (weighted, divisor) = (rule.fallbackPrice, 1);
        }
        referencePrice = weighted / divisor;
        // Short: R x (1 + penalty) rounded up, in one division so no rounding compounds.
        shortPrice = (weighted * (BPS + rule.penaltyBps) + divisor * BPS - 1) / (divisor * BPS);
        if (shortPrice < rule.shortFloor) shortPrice = rule.shortFloor;
        if (shortPrice > rule.priceCap) shortPrice = rule.priceCap;
        longPrice = weighted * (BPS - rule.penaltyBps) / (divisor * BPS);
        if (longPrice > rule.longCap) longPrice = rule.longCap;
    }
}
