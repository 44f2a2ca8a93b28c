// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {DoubleAuction} from "./libraries/DoubleAuction.sol";
import {ImbalancePrice} from "./libraries/ImbalancePrice.sol";

/// @title ClearingEngine
/// @notice The clearing rule ({DoubleAuction-clear}) and the imbalance-price rule ({ImbalancePrice})
/// as a contract of their own, which MicroMarket deploys in its constructor and calls for every slot
/// (to clear it, to settle it). Pure functions with no state: they are apart so that MicroMarket's
/// runtime code stays within EIP-170's 24 576-byte limit (the pricing moved here when balancing
/// energy and the uplift filled it). The clearing call copies the slot's order keys once more; the
/// worst-slot test's figures (MicroMarket.MAX_UNITS) include it.
contract ClearingEngine {
    /// @notice Clears one slot's buy and sell order keys ({DoubleAuction} sort keys).
    function clear(uint256[] memory buys, uint256[] memory sells) external pure returns (DoubleAuction.Result memory) {
        return DoubleAuction.clear(buys, sells);
    }

    /// @notice The slot's short, long and reference prices ({ImbalancePrice-prices}).
    function imbalancePrices(ImbalancePrice.Rule memory rule, uint256 dayAheadPrice, uint256 dayAheadWh, uint256 intradayPrice, uint256 intradayWh)
        external
        pure
        returns (uint256 shortPrice, uint256 longPrice, uint256 referencePrice)
    {
        return ImbalancePrice.prices(rule, dayAheadPrice, dayAheadWh, intradayPrice, intradayWh);
    }
}
