// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title OrderCurve
/// @notice A unit's bid or offer curve for one slot: up to four (price, quantity) steps packed into
/// one storage word, so that the clearing reads one cold slot per unit and side.
///
/// Bit layout of a curve (step k = 0..3 occupies bits [64k, 64k + 64)):
///
///   | 255 .. 192 | 191 .. 128 | 127 .. 64 |  63 .. 0  |
///   |   step 3   |   step 2   |  step 1   |  step 0   |
///
///   step = price (uint32, token micro-units per kWh) << 32 | quantity (uint32, Wh)
///
/// A step with zero quantity is absent and must be all zero (one canonical encoding per curve).
/// Every order of a unit has an id that orders the merit order's ties:
///   id = unit << 3 | side << 2 | step     (side 0 = buy, 1 = sell)
/// so ties at one price are broken by unit index, then by step index.
library OrderCurve {
    uint256 internal constant STEPS = 4;
    uint256 internal constant SIDE_BUY = 0;
    uint256 internal constant SIDE_SELL = 1;

    uint256 private constant STEP_BITS = 64;
    uint256 private constant STEP_MASK = 0xFFFFFFFFFFFFFFFF;
    uint256 private constant FIELD_MASK = 0xFFFFFFFF;

    /// @dev The (price, quantity) of step `k` of `curve`.
    function step(uint256 curve, uint256 k) internal pure returns (uint32 price, uint32 quantityWh) {
        uint256 s = (curve >> (k * STEP_BITS)) & STEP_MASK;
        price = uint32(s >> 32);
        quantityWh = uint32(s & FIELD_MASK);
    }

    /// @dev The order id of step `k` of `side` for `unit` (see the layout above).
    function orderId(uint256 unit, uint256 side, uint256 k) internal pure returns (uint32) {
        return uint32((unit << 3) | (side << 2) | k);
    }

    /// @dev What a curve locks as collateral, in nano-tokens (micro-units per kWh x Wh = 1e-3 micro-units):
    ///   a buy step:  price x quantity, the most the unit can pay for it (a buy fills at or below its price);
    ///   a sell step: (cap - price) x quantity, the most the unit can lose by not delivering it. A filled
    ///   sell earns at least its price and a short deviation costs at most the cap per kWh, so
    ///   non-delivery of the step costs at most (cap - price) per kWh net of its trade.
    /// The balance-responsible party carries the system's balance and pays no imbalance, so its sells
    /// lock nothing (`sellCap` = 0 skips them).
    function collateralNano(uint256 curve, bool isBuy, uint256 sellCap) internal pure returns (uint256 total) {
        if (!isBuy && sellCap == 0) return 0;
        // Unchecked: at most four products of two 32-bit numbers; price <= cap was checked on submission.
        unchecked {
            for (; curve != 0; curve >>= STEP_BITS) {
                uint256 quantityWh = curve & FIELD_MASK;
                uint256 price = (curve >> 32) & FIELD_MASK;
                total += (isBuy ? price : sellCap - price) * quantityWh;
            }
        }
    }

    /// @dev The total quantity of a curve's steps, Wh.
    function totalWh(uint256 curve) internal pure returns (uint256 total) {
        // Unchecked: at most four 32-bit quantities.
        unchecked {
            for (; curve != 0; curve >>= STEP_BITS) {
                total += curve & FIELD_MASK;
            }
        }
    }

    /// @dev The highest price among the present steps of a buy curve (0 for an empty curve).
    function highestPrice(uint256 curve) internal pure returns (uint256 highest) {
        for (; curve != 0; curve >>= STEP_BITS) {
            uint256 price = (curve >> 32) & FIELD_MASK;
            if (curve & FIELD_MASK != 0 && price > highest) highest = price;
        }
    }

    /// @dev The lowest price among the present steps of a sell curve (2^32 - 1 for an empty curve).
    function lowestPrice(uint256 curve) internal pure returns (uint256 lowest) {
        lowest = FIELD_MASK;
        for (; curve != 0; curve >>= STEP_BITS) {
            uint256 price = (curve >> 32) & FIELD_MASK;
            if (curve & FIELD_MASK != 0 && price < lowest) lowest = price;
        }
    }

    /// @dev Returns 0 when every present step has a price within [floor, cap] and every absent
    /// step is all zero; otherwise 1 + the index of the first bad step and whether its price was the
    /// problem (false: an absent step carries a price).
    function firstInvalidStep(uint256 curve, uint32 floor, uint32 cap)
        internal
        pure
        returns (uint256 badStepPlusOne, bool priceOutOfBounds)
    {
        for (uint256 k; k < STEPS; ++k) {
            (uint32 price, uint32 quantityWh) = step(curve, k);
            if (quantityWh == 0) {
                if (price != 0) return (k + 1, false);
            } else if (price < floor || price > cap) {
                return (k + 1, true);
            }
        }
        return (0, false);
    }
}
