// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

interface IEscrow {
    function withdraw(uint32 unit, uint256 amount, address to) external;
}

/// @title ReentrantToken (test only)
/// @notice A hostile settlement token: when the escrow pays out, it calls back into the escrow's
/// withdraw before the first withdraw has returned. Tests use it to prove withdraw is guarded.
contract ReentrantToken is ERC20 {
    address private _escrow;
    uint32 private _unit;
    bool private _attacking;

    constructor() ERC20("Reentrant", "RE") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Arms the attack: the next payout from `escrow` re-enters withdraw for `unit`.
    function arm(address escrow, uint32 unit) external {
        _escrow = escrow;
        _unit = unit;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (from == _escrow && _escrow != address(0) && !_attacking) {
            _attacking = true;
            IEscrow(_escrow).withdraw(_unit, value, to);
            _attacking = false;
        }
    }
}
