// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title SettlementToken
/// @notice The micro-market's local unit of account: an ERC-20 with 6 decimals (1 token = 1 000 000
/// micro-units), like a stablecoin. Only the issuer (the market operator) mints; nobody else can
/// create or destroy tokens, so every market operation conserves the supply.
contract SettlementToken is ERC20 {
    /// @notice Only the issuer may mint.
    /// @param caller The account that tried.
    error Token__NotIssuer(address caller);

    address private immutable _issuer;

    constructor(string memory name_, string memory symbol_) ERC20(name_, symbol_) {
        _issuer = msg.sender;
    }

    /// @notice The account allowed to mint.
    function issuer() external view returns (address) {
        return _issuer;
    }

    /// @inheritdoc ERC20
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Issue `amount` micro-units to `to` (initial endowments of a scenario).
    /// @dev Requirements: caller is the issuer. Emits {Transfer} from the zero address.
    function mint(address to, uint256 amount) external {
        if (msg.sender != _issuer) revert Token__NotIssuer(msg.sender);
        _mint(to, amount);
    }
}
