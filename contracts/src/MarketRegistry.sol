// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {MarketState} from "./MarketState.sol";

/// @title MarketRegistry
/// @notice The market's units and money: registry and key rotation, suspension, the escrow of the
/// settlement token, claims on the BRP, the make-whole uplift, and the views of units and accounts.
/// It has no storage of its own that matters: {MicroMarket} deploys it in its constructor and runs
/// its code by delegatecall on the market's storage, so callers call the market's address for all
/// of it (the market's ABI includes these functions). Called at its own address, it refuses.
contract MarketRegistry is MarketState, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice This code ran at its own address, not as the market's: it changes nothing there.
    error Registry__NotDelegated();

    /// @dev The market that deployed this code and runs it.
    address private immutable _market;

    constructor(IERC20 token_, MarketConfig memory config_, address operator_) MarketState(token_, config_, operator_) {
        _market = msg.sender;
    }

    /// @dev Every state change runs on the market's storage only.
    modifier onlyAsMarket() {
        if (address(this) != _market) revert Registry__NotDelegated();
        _;
    }

    /// @notice Registers units; indices are assigned consecutively from 1.
    /// @dev Requirements: caller is the operator; unit ids unique; non-zero trader and meter, meter !=
    /// trader; at most one balance-responsible party. Emits {UnitRegistered} per unit.
    /// @return first The index of the first unit registered.
    function registerUnits(UnitSpec[] calldata specs) external onlyAsMarket returns (uint32 first) {
        _requireOperator();
        uint256 count = _unitCount;
        if (count + specs.length > MAX_UNITS) revert Registry__TooManyUnits(MAX_UNITS);
        first = uint32(count + 1);
        uint256 ratedWh = _ratedWh;
        for (uint256 i; i < specs.length; ++i) {
            UnitSpec calldata s = specs[i];
            if (_unitIndex[s.unitId] != 0) revert Registry__UnitIdTaken(s.unitId);
            _requireKeyPair(s.trader, s.meter);
            uint32 unit = uint32(++count);
            if (s.balanceResponsible) {
                if (_balanceResponsibleUnit != 0) revert Registry__BalanceResponsiblePartyExists(_balanceResponsibleUnit);
                _balanceResponsibleUnit = unit;
            } else {
                ratedWh += s.maxWhPerSlot;
            }
            _units[unit] = Unit(s.trader, s.kind, s.balanceResponsible, false, s.maxWhPerSlot, s.meter, s.unitId, s.bus);
            _unitIndex[s.unitId] = unit;
            _accounts[unit].marginNano = s.marginNano;
            emit UnitRegistered(
                unit, s.unitId, s.kind, s.trader, s.meter, s.bus, s.balanceResponsible, s.maxWhPerSlot, s.marginNano
            );
        }
        _unitCount = uint32(count);
        _ratedWh = SafeCast.toUint64(ratedWh);
    }

    /// @notice Step 1 of a key rotation: the operator proposes `unit`'s new trading and meter keys
    /// (a lost or compromised key). Nothing changes until the new trader accepts.
    /// @dev Requirements: caller is the operator; unit registered; non-zero keys, meter != trader.
    /// Emits {KeysProposed}.
    function proposeKeys(uint32 unit, address trader, address meter) external onlyAsMarket {
        _requireOperator();
        _requireUnit(unit);
        _requireKeyPair(trader, meter);
        _pendingKeys[unit] = PendingKeys(trader, meter);
        emit KeysProposed(unit, trader, meter);
    }

    /// @notice Step 2: the proposed trader accepts, proving it holds the key; the rotation takes
    /// effect at once (readings must then be signed by the new meter key).
    /// @dev Requirements: caller is the proposed trader. Emits {KeysRotated}.
    function acceptKeys(uint32 unit) external onlyAsMarket {
        PendingKeys memory p = _pendingKeys[unit];
        if (p.trader == address(0) || p.trader != msg.sender) revert Registry__NotProposedTrader(unit, msg.sender);
        Unit storage u = _units[unit];
        (address oldTrader, address oldMeter) = (u.trader, u.meter);
        (u.trader, u.meter) = (p.trader, p.meter);
        delete _pendingKeys[unit];
        emit KeysRotated(unit, oldTrader, oldMeter, p.trader, p.meter);
    }

    /// @notice Suspends `unit` from submitting orders (a tampered meter, an unpaid debt under
    /// review). Its open orders, positions, settlement and free balance are untouched: suspension
    /// can stop a unit trading, never take what it holds.
    /// @dev Requirements: caller is the operator. Emits {UnitSuspended}.
    function suspendUnit(uint32 unit) external onlyAsMarket {
        _requireOperator();
        _requireUnit(unit).suspended = true;
        emit UnitSuspended(unit);
    }

    /// @notice Lifts a suspension. @dev Requirements: caller is the operator. Emits {UnitReinstated}.
    function reinstateUnit(uint32 unit) external onlyAsMarket {
        _requireOperator();
        _requireUnit(unit).suspended = false;
        emit UnitReinstated(unit);
    }

    /// @notice Moves `amountMicro` micro-units of the token from the caller into `unit`'s escrow; any
    /// debt of the unit is repaid first.
    /// @dev Requirements: unit registered, amount > 0, allowance. Emits {Deposited}, maybe {DebtRepaid}.
    function deposit(uint32 unit, uint256 amountMicro) external onlyAsMarket nonReentrant {
        _requireUnit(unit);
        if (amountMicro == 0) revert Escrow__ZeroAmount();
        // Pull first: the escrow credits only tokens it has received.
        _token.safeTransferFrom(msg.sender, address(this), amountMicro);
        _credit(unit, amountMicro * NANO_PER_MICRO);
        emit Deposited(unit, msg.sender, amountMicro);
    }

    /// @notice Withdraws `amountMicro` micro-units of `unit`'s free balance to `to`. Free is balance -
    /// locked - margin, and for the BRP also less its reserve ({brpReserveNano}).
    /// @dev Requirements: caller is the unit's trader, no debt, enough free balance. Checks, effects,
    /// event, then the transfer; also guarded against re-entrancy. Emits {Withdrawn}.
    function withdraw(uint32 unit, uint256 amountMicro, address to) external onlyAsMarket nonReentrant {
        _requireTrader(unit);
        if (amountMicro == 0) revert Escrow__ZeroAmount();
        Account storage a = _accounts[unit];
        if (a.debtNano != 0) revert Escrow__InDebt(unit, a.debtNano);
        uint256 nano = amountMicro * NANO_PER_MICRO;
        uint256 reserved = uint256(a.lockedNano) + a.marginNano;
        if (unit == _balanceResponsibleUnit) reserved += brpReserveNano();
        uint256 free = a.balanceNano > reserved ? a.balanceNano - reserved : 0;
        if (nano > free) revert Escrow__InsufficientFreeBalance(unit, nano, free);
        a.balanceNano -= uint128(nano); // nano <= free <= balance
        emit Withdrawn(unit, to, amountMicro);
        _token.safeTransfer(to, amountMicro);
    }

    /// @notice Pays `unit` what the claims fund holds of its claim on the BRP (deferred long payouts).
    /// Anyone may call: the money only ever goes to the unit's own escrow account.
    /// @dev Emits {ClaimPaid} when anything is paid.
    function collectClaim(uint32 unit) external onlyAsMarket {
        uint256 paid = _claims[unit];
        if (paid > _claimsFundNano) paid = _claimsFundNano;
        if (paid == 0) return;
        _claims[unit] -= paid;
        _claimsFundNano -= paid;
        _credit(unit, paid);
        emit ClaimPaid(unit, paid);
    }

    /// @notice Makes the slack whole for what its market revenue did not cover over slots
    /// [fromSlot, toSlot) (its fuel, known off chain from the physics: docs/market-rules.md,
    /// "Make-whole uplift"): charges each unit of `shares` its amount and credits it to the BRP.
    /// The operator splits the uplift pro rata to the units' metered import over the period, which
    /// is on chain in their meter records for anyone to check against the {UpliftCharged} events.
    /// A share a unit cannot pay becomes its debt to the BRP, as any charge.
    /// @dev Requirements: caller is the operator; periods do not overlap (`fromSlot` at or after the
    /// last period's end) and the period's last slot is closed; units ascending (each once), not the
    /// BRP, each share at most what its rating could have imported over the period at the price
    /// cap. Emits {UpliftCharged} per unit.
    function payUplift(uint32 fromSlot, uint32 toSlot, UpliftShare[] calldata shares) external onlyAsMarket {
        _requireOperator();
        uint32 through = _upliftThrough;
        if (fromSlot < through || toSlot <= fromSlot) revert Uplift__PeriodPaid(fromSlot, toSlot, through);
        if (!_slotClosed(toSlot - 1)) revert Uplift__PeriodOpen(toSlot - 1);
        _upliftThrough = toSlot;
        // A closed slot was settled, which needs a BRP.
        uint32 brp = _balanceResponsibleUnit;
        uint32 previous;
        for (uint256 i; i < shares.length; ++i) {
            (uint32 unit, uint256 nano) = (shares[i].unit, shares[i].nano);
            uint256 capNano = uint256(_requireUnit(unit).maxWhPerSlot) * (toSlot - fromSlot) * _priceCap;
            if (unit <= previous || unit == brp || nano > capNano) revert Uplift__InvalidShare(unit, nano, capNano);
            previous = unit;
            emit UpliftCharged(unit, fromSlot, toSlot, nano, _charge(unit, brp, nano));
        }
    }

    function token() external view returns (address) {
        return address(_token);
    }

    function operator() external view returns (address) {
        return _operator;
    }

    function unitCount() external view returns (uint32) {
        return _unitCount;
    }

    function balanceResponsibleUnit() external view returns (uint32) {
        return _balanceResponsibleUnit;
    }

    function clearingHouseNano() external view returns (int256) {
        return _clearingHouseNano;
    }

    function claimsFundNano() external view returns (uint256) {
        return _claimsFundNano;
    }

    function claimNano(uint32 unit) external view returns (uint256) {
        return _claims[unit];
    }

    function openSlots() external view returns (uint32) {
        return _openSlots;
    }

    /// @notice What the BRP keeps beyond locked and margin: the most its open slots can require in
    /// long payouts, every other unit long by twice its rating at the long price cap.
    function brpReserveNano() public view returns (uint256) {
        return uint256(_openSlots) * 2 * _ratedWh * _longPriceCap;
    }

    function unitInfo(uint32 unit) external view returns (Unit memory) {
        return _requireUnit(unit);
    }

    function pendingKeys(uint32 unit) external view returns (PendingKeys memory) {
        return _pendingKeys[unit];
    }

    /// @notice The index of the unit registered under `unitId`, 0 if none.
    function unitIndex(bytes32 unitId) external view returns (uint32) {
        return _unitIndex[unitId];
    }

    function account(uint32 unit) external view returns (Account memory) {
        return _accounts[unit];
    }

    /// @notice The accounts of `units`, in their order: one call where a client would make one per unit.
    function accounts(uint32[] calldata units) external view returns (Account[] memory held) {
        held = new Account[](units.length);
        for (uint256 i; i < units.length; ++i) {
            held[i] = _accounts[units[i]];
        }
    }

    function slotStart(uint32 slot) external view returns (uint64) {
        return _slotStart(slot);
    }

    /// @notice When the gate of `period` (a day for day-ahead, an hour for intra-day) closes.
    function gate(Stage stage, uint32 period) external view returns (uint64) {
        return _gate(stage, period);
    }

    /// @notice `slot`'s auctions cleared, units settled and whether it has closed; reverts once the slot's day is recycled.
    function slotState(uint32 slot) external view returns (SlotState memory) {
        return _slotStateOf(slot);
    }

    // ---------------------------------------------------------------- internal

    function _requireKeyPair(address trader, address meter) private pure {
        if (trader == address(0) || meter == address(0)) revert Registry__ZeroAddress();
        if (trader == meter) revert Registry__MeterIsTrader(trader);
    }
}
