// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {DoubleAuction} from "./libraries/DoubleAuction.sol";

/// @title ClearingEngine
/// @notice The clearing rule ({DoubleAuction-clear}) as a contract of its own, which MicroMarket
/// deploys in its constructor and calls for every slot. A pure function with no state: it exists so
/// that MicroMarket's runtime code stays within EIP-170's 24 576-byte limit. The call copies the
/// slot's order keys once more; the worst-slot test's figures (MicroMarket.MAX_UNITS) include it.
contract ClearingEngine {
    /// @notice Clears one slot's buy and sell order keys ({DoubleAuction} sort keys).
    function clear(uint256[] memory buys, uint256[] memory sells) external pure returns (DoubleAuction.Result memory) {
        return DoubleAuction.clear(buys, sells);
    }
}
