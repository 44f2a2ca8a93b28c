// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {MergeSort} from "./MergeSort.sol";

/// @title DoubleAuction
/// @notice The one clearing rule of the market, used by the day-ahead and the intra-day auction
/// alike: a uniform-price (pay-as-clear) double auction over one slot's buy and sell orders.
/// Prices are integers (token micro-units per kWh), quantities integers (Wh).
///
///   D(p) = quantity of buys priced >= p, S(p) = quantity of sells priced <= p.
///   V = max over order prices p of min(D(p), S(p)); V = 0 means no price and no fills.
///   Merit order: buys by price descending, sells ascending, ties by id ascending; the first V Wh of
///   each side are inside. b_m / a_m: price of the last buy / sell at least partly inside; b_x: the
///   highest buy price with quantity outside, a_x: the lowest such sell price (either may be none).
///   lo = max(a_m, b_x), hi = min(b_m, a_x) ignoring none; price = floor((lo + hi) / 2).
///   Orders strictly better than the price fill completely; the rest of V on each side is shared
///   pro rata among orders exactly at the price, rounded down; the leftover Wh go one each to the
///   orders with the largest fractional parts, ties to the lower id.
///
/// Clearing stores only what is needed to compute any order's fill later in O(1) (see `fill`), so
/// the clearing transaction does not write per-order state: the price, V, and per side the rest of
/// V left for the at-price orders, their total quantity and the "bonus key" of the last order that
/// receives a leftover Wh. The C# reference (src/Market/Clearing) implements the same rule
/// independently; property tests compare the two on random books.
library DoubleAuction {
    /// @dev A slot's clearing outcome. Packed into three storage words:
    ///   word 0: cleared (8) | price (32) | volumeWh (64) | buyRestWh (64) | buyAtPriceWh (64)
    ///   word 1: buyBonusKey (96) | sellRestWh (64) | sellAtPriceWh (64)
    ///   word 2: sellBonusKey (96)
    struct Result {
        bool cleared;
        uint32 price;
        uint64 volumeWh;
        uint64 buyRestWh;
        uint64 buyAtPriceWh;
        uint96 buyBonusKey;
        uint64 sellRestWh;
        uint64 sellAtPriceWh;
        uint96 sellBonusKey;
    }

    /// @dev A bonus key no order reaches: nobody gets a leftover Wh. Order keys are
    /// (fraction numerator << 32 | ~id) with the numerator < at-price total < 2^64, so they stay below.
    uint96 internal constant NO_BONUS = type(uint96).max;

    uint256 private constant FIELD_MASK = 0xFFFFFFFF;

    // ---------------------------------------------------------------------------------------------
    // Sort keys: one uint256 per order whose ascending order is the merit order.
    //   buy:  (2^32 - 1 - price) << 64 | id << 32 | quantity   (price descending, then id ascending)
    //   sell:              price << 64 | id << 32 | quantity   (price ascending, then id ascending)
    // ---------------------------------------------------------------------------------------------

    function buyKey(uint32 price, uint32 id, uint32 quantityWh) internal pure returns (uint256) {
        return (uint256(FIELD_MASK - price) << 64) | (uint256(id) << 32) | quantityWh;
    }

    function sellKey(uint32 price, uint32 id, uint32 quantityWh) internal pure returns (uint256) {
        return (uint256(price) << 64) | (uint256(id) << 32) | quantityWh;
    }

    /// @notice Clears one slot. Sorts `buys` and `sells` (sort keys, see above) in place.
    function clear(uint256[] memory buys, uint256[] memory sells) internal pure returns (Result memory r) {
        r.cleared = true;
        r.buyBonusKey = NO_BONUS;
        r.sellBonusKey = NO_BONUS;
        if (buys.length == 0 || sells.length == 0) return r;
        MergeSort.sort(buys);
        MergeSort.sort(sells);

        (uint256 volume, uint256 lastBuy, uint256 lastBuyLeft, uint256 lastSell, uint256 lastSellLeft) =
            _match(buys, sells);
        if (volume == 0) return r;

        uint256 buyInsidePrice = _buyPrice(buys[lastBuy]); // b_m
        uint256 sellInsidePrice = _sellPrice(sells[lastSell]); // a_m
        uint256 lo = sellInsidePrice;
        uint256 hi = buyInsidePrice;
        // b_x: the marginal buy itself if part of it is outside, else the next buy in merit order.
        if (lastBuyLeft > 0) {
            if (buyInsidePrice > lo) lo = buyInsidePrice;
        } else if (lastBuy + 1 < buys.length) {
            uint256 outside = _buyPrice(buys[lastBuy + 1]);
            if (outside > lo) lo = outside;
        }
        // a_x likewise on the sell side.
        if (lastSellLeft > 0) {
            if (sellInsidePrice < hi) hi = sellInsidePrice;
        } else if (lastSell + 1 < sells.length) {
            uint256 outside = _sellPrice(sells[lastSell + 1]);
            if (outside < hi) hi = outside;
        }
        // Rounds down: the midpoint favours buyers by at most half a micro-unit per kWh.
        uint256 price = (lo + hi) / 2;

        r.price = uint32(price);
        r.volumeWh = uint64(volume);
        (r.buyRestWh, r.buyAtPriceWh, r.buyBonusKey) = _shareAtPrice(buys, volume, price, true);
        (r.sellRestWh, r.sellAtPriceWh, r.sellBonusKey) = _shareAtPrice(sells, volume, price, false);
    }

    /// @notice The fill of one order under `r`: complete when strictly better than the price, a
    /// pro-rata share (plus possibly one leftover Wh) when exactly at the price, else zero.
    function fill(Result memory r, bool isBuy, uint32 price, uint32 quantityWh, uint32 id)
        internal
        pure
        returns (uint256)
    {
        if (r.volumeWh == 0 || quantityWh == 0) return 0;
        if (isBuy) {
            if (price > r.price) return quantityWh;
            if (price < r.price) return 0;
            return _share(r.buyRestWh, r.buyAtPriceWh, r.buyBonusKey, quantityWh, id);
        }
        if (price < r.price) return quantityWh;
        if (price > r.price) return 0;
        return _share(r.sellRestWh, r.sellAtPriceWh, r.sellBonusKey, quantityWh, id);
    }

    /// @dev Walks both merit orders, matching buy Wh against sell Wh while the buy price covers the
    /// sell price. The Q-th buy Wh's price falls and the Q-th sell Wh's price rises with Q, so the
    /// walk stops exactly at V = max_p min(D(p), S(p)). Returns V, the index of the last buy and
    /// sell that are at least partly inside, and how much of each is left outside.
    function _match(uint256[] memory buys, uint256[] memory sells)
        private
        pure
        returns (uint256 volume, uint256 lastBuy, uint256 lastBuyLeft, uint256 lastSell, uint256 lastSellLeft)
    {
        uint256 nb = buys.length;
        uint256 ns = sells.length;
        uint256 i;
        uint256 j;
        uint256 buyKey_ = _at(buys, 0);
        uint256 sellKey_ = _at(sells, 0);
        uint256 buyLeft = buyKey_ & FIELD_MASK;
        uint256 sellLeft = sellKey_ & FIELD_MASK;
        // Unchecked: i < nb and j < ns on every read; volume sums uint32 quantities of fewer than
        // 2^15 orders; m never exceeds either remainder.
        unchecked {
            while (_buyPrice(buyKey_) >= _sellPrice(sellKey_)) {
                uint256 m = buyLeft < sellLeft ? buyLeft : sellLeft;
                volume += m;
                buyLeft -= m;
                sellLeft -= m;
                (lastBuy, lastBuyLeft, lastSell, lastSellLeft) = (i, buyLeft, j, sellLeft);
                if (buyLeft == 0) {
                    if (++i == nb) break;
                    buyKey_ = _at(buys, i);
                    buyLeft = buyKey_ & FIELD_MASK;
                }
                if (sellLeft == 0) {
                    if (++j == ns) break;
                    sellKey_ = _at(sells, j);
                    sellLeft = sellKey_ & FIELD_MASK;
                }
            }
        }
    }

    /// @dev For one side in merit order: the part of V left for the orders exactly at `price`
    /// after the strictly better ones fill, the at-price total, and the bonus key of the last
    /// at-price order that receives a leftover Wh.
    function _shareAtPrice(uint256[] memory side, uint256 volume, uint256 price, bool isBuy)
        private
        pure
        returns (uint64 restWh, uint64 atPriceWh, uint96 bonusKey)
    {
        uint256 n = side.length;
        uint256 better;
        uint256 k;
        uint256 atPrice;
        uint256 first;
        // Unchecked: k < n on every read; sums of uint32 quantities of fewer than 2^15 orders.
        unchecked {
            for (; k < n; ++k) {
                uint256 key = _at(side, k);
                uint256 p = isBuy ? _buyPrice(key) : _sellPrice(key);
                if (isBuy ? p <= price : p >= price) break;
                better += key & FIELD_MASK;
            }
            first = k;
            for (; k < n; ++k) {
                uint256 key = _at(side, k);
                if ((isBuy ? _buyPrice(key) : _sellPrice(key)) != price) break;
                atPrice += key & FIELD_MASK;
            }
        }
        uint256 rest = volume - better;
        restWh = uint64(rest);
        atPriceWh = uint64(atPrice);
        bonusKey = _bonusKey(side, first, k, rest, atPrice);
    }

    /// @dev The leftover Wh of the pro-rata split go to the orders with the largest fractional
    /// parts (rest * q mod atPrice), ties to the lower id. Ranking orders by the key
    /// (fraction << 32 | ~id), the leftover-th largest key is the threshold: an order receives one
    /// leftover Wh exactly when its key is at least the threshold.
    function _bonusKey(uint256[] memory side, uint256 first, uint256 end, uint256 rest, uint256 atPrice)
        private
        pure
        returns (uint96)
    {
        if (atPrice == 0) return NO_BONUS;
        uint256 count = end - first;
        uint256[] memory keys = new uint256[](count);
        uint256 shared;
        // Unchecked: rest <= V < 2^47 and quantities < 2^32, so products stay far below 2^256;
        // the fractions are below atPrice < 2^47, so keys fit 96 bits; k < count.
        unchecked {
            for (uint256 k; k < count; ++k) {
                uint256 key = _at(side, first + k);
                uint256 product = rest * (key & FIELD_MASK);
                shared += product / atPrice;
                keys[k] = ((product % atPrice) << 32) | (FIELD_MASK - ((key >> 32) & FIELD_MASK));
            }
        }
        uint256 leftover = rest - shared;
        if (leftover == 0) return NO_BONUS;
        MergeSort.sort(keys);
        return uint96(keys[count - leftover]);
    }

    function _share(uint256 restWh, uint256 atPriceWh, uint96 bonusKey, uint256 quantityWh, uint256 id)
        private
        pure
        returns (uint256)
    {
        uint256 product = restWh * quantityWh;
        uint256 key = ((product % atPriceWh) << 32) | (FIELD_MASK - id);
        return product / atPriceWh + (key >= bonusKey ? 1 : 0);
    }

    /// @dev a[i] without the bounds check: every caller keeps i below a.length.
    function _at(uint256[] memory a, uint256 i) private pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := mload(add(add(a, 0x20), shl(5, i)))
        }
    }

    function _buyPrice(uint256 key) private pure returns (uint256) {
        return FIELD_MASK - (key >> 64);
    }

    function _sellPrice(uint256 key) private pure returns (uint256) {
        return key >> 64;
    }
}
