// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {LibBit} from "solady/src/utils/LibBit.sol";
import {DoubleAuction} from "./libraries/DoubleAuction.sol";
import {OrderCurve} from "./libraries/OrderCurve.sol";

/// @title MicroMarket
/// @notice The regulator of one feeder's micro-market: registry of units and their meters, escrow of
/// the settlement token, the day-ahead and intra-day auctions (one clearing rule, see
/// {DoubleAuction}), signed meter readings, and per-slot settlement against the balance-responsible
/// party (BRP).
///
/// Units. Money is held in the escrow in nano-tokens (1e-9 token = 1e-3 micro-unit), because a
/// price in micro-units per kWh times a quantity in Wh is exactly one nano-token: every payment is
/// an exact integer and the books balance to the last unit. Deposits and withdrawals move whole
/// micro-units of the token (x 1000 in the escrow).
///
/// Time. Slot k covers [genesis + k * slotSeconds, genesis + (k + 1) * slotSeconds). Hour h is slots
/// [h * slotsPerHour, (h + 1) * slotsPerHour), day d slots [d * slotsPerDay, ...) with 24 hours a day.
/// A market hour lasts slotsPerHour x slotSeconds of chain time: 3600 s in normal operation, less
/// when a demonstration runs the market's clock faster than the clock on the wall. The day-ahead gate
/// of day d is its start minus `dayAheadGateLead` (default 12 h: D-1 12:00); the intra-day gate of
/// hour h is its start minus `intradayGateLead` (default 60 min). All gates use block.timestamp.
///
/// Settlement of (slot, unit), exactly once, after both auctions of the slot are cleared and its
/// reading is in (or the reading window has closed):
///   trade     = (sold - bought)_DA x price_DA + (sold - bought)_ID x price_ID, against the market;
///   deviation = metered net export - scheduled net export (Wh);
///   a long deviation (> 0) is bought by the BRP at the long price, a short one (< 0) sold by the BRP
///   at the short price. Short price = max(cleared prices) x (1 + penalty), capped at the price cap;
///   long price = min(cleared prices) x (1 - penalty); with no cleared volume in either auction the
///   fallback imbalance price stands in. The BRP itself carries the system's balance and pays no
///   imbalance.
/// Missing reading: a unit without a reading when the window closes is deemed to have neither
/// imported nor exported in the slot (metered 0 Wh both ways), so its whole schedule is imbalance.
///
/// Collateral. A buy curve locks price x quantity of every step until the slot is settled, and an
/// order that raises a unit's locked amount is accepted only while balance >= locked + margin, so
/// the trade part of settlement always has the funds. The margin (set by the operator per unit)
/// covers imbalance; an imbalance charge beyond a unit's unlocked balance is recorded as debt owed
/// to the BRP, blocks new buying and withdrawals, and is repaid first by the next deposit.
contract MicroMarket is EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using OrderCurve for uint256;

    // ---------------------------------------------------------------- errors

    /// @param field The configuration field that is out of range.
    error Market__InvalidConfig(string field);
    /// @param caller The account that is not the operator.
    error Registry__NotOperator(address caller);
    /// @param unitId The external unit id that is already registered.
    error Registry__UnitIdTaken(bytes32 unitId);
    /// @notice A unit needs a non-zero trading and meter account.
    error Registry__ZeroAddress();
    /// @param existing The unit that is already the balance-responsible party.
    error Registry__BalanceResponsiblePartyExists(uint32 existing);
    /// @param max The most units one market holds.
    error Registry__TooManyUnits(uint256 max);
    /// @param unit The unit index that is not registered.
    error Registry__UnknownUnit(uint32 unit);
    /// @notice Settlement needs a registered balance-responsible party.
    error Registry__NoBalanceResponsibleParty();
    /// @param unit The unit traded for. @param caller The account that is not its trader.
    error Registry__NotTrader(uint32 unit, address caller);
    /// @notice Deposits and withdrawals move a positive amount.
    error Escrow__ZeroAmount();
    /// @param unit The unit. @param requestedNano Asked for. @param freeNano Balance - locked - margin.
    error Escrow__InsufficientFreeBalance(uint32 unit, uint256 requestedNano, uint256 freeNano);
    /// @param unit The buyer. @param requiredNano locked + margin after the order. @param balanceNano Its balance.
    error Escrow__InsufficientCollateral(uint32 unit, uint256 requiredNano, uint256 balanceNano);
    /// @param unit The unit. @param debtNano What it owes the BRP.
    error Escrow__InDebt(uint32 unit, uint256 debtNano);
    /// @param stage The auction. @param period Day (day-ahead) or hour (intra-day). @param gate When it closed.
    error Auction__GateClosed(Stage stage, uint32 period, uint64 gate);
    /// @param stage The auction. @param slot The slot. @param gate When its gate closes.
    error Auction__GateNotClosed(Stage stage, uint32 slot, uint64 gate);
    /// @param expected Curves per submission (slots in the period). @param actual Curves given.
    error Auction__WrongCurveCount(uint256 expected, uint256 actual);
    /// @param slot The slot. @param step The step. @param price Its price, outside [floor, cap].
    error Auction__PriceOutOfBounds(uint32 slot, uint256 step, uint32 price);
    /// @param slot The slot. @param step A step with zero quantity but a price.
    error Auction__NonCanonicalStep(uint32 slot, uint256 step);
    /// @param stage The auction. @param slot The slot cleared before.
    error Auction__AlreadyCleared(Stage stage, uint32 slot);
    /// @notice A clearing range needs at least one slot.
    error Auction__EmptyRange();
    /// @param readings Readings given. @param signatures Signatures given.
    error Meter__LengthMismatch(uint256 readings, uint256 signatures);
    /// @param slot The slot. @param end When it ends.
    error Meter__SlotNotEnded(uint32 slot, uint64 end);
    /// @param slot The slot. @param deadline When its reading window closed.
    error Meter__ReadingWindowClosed(uint32 slot, uint64 deadline);
    /// @param unit The unit. @param slot The slot whose reading is already in.
    error Meter__AlreadyReported(uint32 unit, uint32 slot);
    /// @param unit The unit. @param recovered The signer recovered (zero if the signature is malformed).
    error Meter__InvalidSigner(uint32 unit, address recovered);
    /// @param unit The unit. @param energyWh The reading. @param maxWhPerSlot The unit's rating.
    error Meter__ReadingAboveRating(uint32 unit, uint64 energyWh, uint32 maxWhPerSlot);
    /// @param stage The auction not yet cleared. @param slot The slot.
    error Settlement__NotCleared(Stage stage, uint32 slot);
    /// @param unit The unit. @param slot The slot. @param deadline When the reading window closes.
    error Settlement__ReadingPending(uint32 unit, uint32 slot, uint64 deadline);
    /// @param unit The unit. @param slot The slot settled before.
    error Settlement__AlreadySettled(uint32 unit, uint32 slot);
    /// @param neededNano The long imbalance to pay. @param availableNano The BRP's unlocked balance.
    error Settlement__BrpInsolvent(uint256 neededNano, uint256 availableNano);

    // ---------------------------------------------------------------- events

    event UnitRegistered(
        uint32 indexed unit,
        bytes32 indexed unitId,
        UnitKind kind,
        address trader,
        address meter,
        bytes32 bus,
        bool balanceResponsible,
        uint32 maxWhPerSlot,
        uint128 marginNano
    );
    event Deposited(uint32 indexed unit, address indexed from, uint256 amount);
    event Withdrawn(uint32 indexed unit, address indexed to, uint256 amount);
    event DebtIncurred(uint32 indexed unit, uint256 debtNano);
    event DebtRepaid(uint32 indexed unit, uint256 repaidNano);
    event OrdersSubmitted(Stage indexed stage, uint32 indexed period, uint32 indexed unit, uint256 lockedNano);
    event SlotCleared(Stage indexed stage, uint32 indexed slot, uint32 price, uint64 volumeWh);
    event ReadingReported(uint32 indexed slot, uint32 indexed unit, uint64 importWh, uint64 exportWh);
    event Settled(
        uint32 indexed slot,
        uint32 indexed unit,
        int256 tradeNano,
        int256 imbalanceNano,
        int256 deviationWh,
        bool readingMissing
    );

    // ---------------------------------------------------------------- types

    enum Stage {
        DayAhead,
        Intraday
    }

    enum UnitKind {
        Pv,
        Wind,
        Battery,
        Ev,
        Load,
        FlexibleLoad,
        Slack,
        Grid
    }

    /// @dev Deployment parameters; prices in micro-units per kWh.
    struct MarketConfig {
        uint64 genesis; // start of slot 0 (and of day 0), unix seconds
        uint32 slotSeconds; // chain seconds per slot (900 for 15-minute slots in real time)
        uint32 slotsPerHour; // slots per market hour (4 for 15-minute slots)
        uint32 dayAheadGateLead; // seconds before a day's start its day-ahead gate closes
        uint32 intradayGateLead; // seconds before an hour's start its intra-day gate closes
        uint32 readingWindow; // seconds after a slot's end during which readings are accepted
        uint32 priceFloor;
        uint32 priceCap;
        uint16 imbalancePenaltyBps; // <= 10 000
        uint32 imbalanceFallbackPrice; // imbalance reference when neither auction traded
    }

    struct UnitSpec {
        bytes32 unitId;
        UnitKind kind;
        address trader;
        address meter;
        bytes32 bus;
        bool balanceResponsible;
        uint32 maxWhPerSlot;
        uint128 marginNano;
    }

    /// @dev Word 0 packs what every trade checks: trader (160) | kind (8) | brp flag (8) | rating (32).
    struct Unit {
        address trader;
        UnitKind kind;
        bool balanceResponsible;
        uint32 maxWhPerSlot;
        address meter;
        bytes32 unitId;
        bytes32 bus;
    }

    /// @dev Nano-token amounts; two words: balance | locked, margin | debt. Invariant: balance >= locked.
    struct Account {
        uint128 balanceNano;
        uint128 lockedNano;
        uint128 marginNano;
        uint128 debtNano;
    }

    /// @dev A meter's reading for one slot, as the meter signs it (EIP-712).
    struct MeterReading {
        uint32 unit;
        uint32 slot;
        uint64 importWh;
        uint64 exportWh;
    }

    /// @dev One word per (slot, unit): reading and settlement state together, so settling touches one slot.
    struct MeterRecord {
        bool reported;
        bool settled;
        uint64 importWh;
        uint64 exportWh;
    }

    /// @dev One unit's orders in one slot of one auction (see {OrderCurve} for the packing).
    struct Curves {
        uint256 buy;
        uint256 sell;
    }

    // ---------------------------------------------------------------- storage

    IERC20 private immutable _token;
    address private immutable _operator;
    uint64 private immutable _genesis;
    uint32 private immutable _slotSeconds;
    uint32 private immutable _slotsPerHour;
    uint32 private immutable _slotsPerDay;
    uint32 private immutable _dayAheadGateLead;
    uint32 private immutable _intradayGateLead;
    uint32 private immutable _readingWindow;
    uint32 private immutable _priceFloor;
    uint32 private immutable _priceCap;
    uint16 private immutable _imbalancePenaltyBps;
    uint32 private immutable _imbalanceFallbackPrice;

    uint32 private _unitCount;
    uint32 private _balanceResponsibleUnit;
    /// @dev The market's side of every auction trade: buyers pay in, sellers are paid out. It returns
    /// to zero once every unit of a slot is settled; in between it may be negative because sellers
    /// can settle before buyers, whose collateral stays locked until they do.
    int256 private _clearingHouseNano;

    mapping(uint32 unit => Unit) private _units;
    mapping(bytes32 unitId => uint32 unit) private _unitIndex;
    mapping(uint32 unit => Account) private _accounts;
    mapping(uint256 bookKey => mapping(uint32 unit => Curves)) private _curves;
    /// @dev Which units have submitted a side in a period: a bitmap, 256 units per word, so that the
    /// clearing reads only the curves of units that bid.
    mapping(uint256 bidderKey => mapping(uint256 word => uint256 bits)) private _bidders;
    mapping(uint256 bookKey => DoubleAuction.Result) private _results;
    mapping(uint32 slot => mapping(uint32 unit => MeterRecord)) private _meterRecords;

    // ---------------------------------------------------------------- constants

    uint256 public constant MAX_UNITS = 4096;
    uint256 private constant NANO_PER_MICRO = 1000;
    uint256 private constant BPS = 10_000;
    bytes32 private constant METER_READING_TYPEHASH =
        keccak256("MeterReading(uint32 unit,uint32 slot,uint64 importWh,uint64 exportWh)");

    // ---------------------------------------------------------------- construction

    constructor(IERC20 token_, MarketConfig memory config_) EIP712("MicroMarket", "1") {
        if (address(token_) == address(0)) revert Market__InvalidConfig("token");
        if (config_.slotSeconds == 0) revert Market__InvalidConfig("slotSeconds");
        if (config_.slotsPerHour == 0 || config_.slotsPerHour > 60) revert Market__InvalidConfig("slotsPerHour");
        if (config_.priceFloor > config_.priceCap) revert Market__InvalidConfig("priceFloor");
        if (config_.imbalancePenaltyBps > BPS) revert Market__InvalidConfig("imbalancePenaltyBps");
        if (config_.imbalanceFallbackPrice > config_.priceCap) revert Market__InvalidConfig("imbalanceFallbackPrice");
        if (config_.readingWindow == 0) revert Market__InvalidConfig("readingWindow");
        _token = token_;
        _operator = msg.sender;
        _genesis = config_.genesis;
        _slotSeconds = config_.slotSeconds;
        _slotsPerHour = config_.slotsPerHour;
        _slotsPerDay = 24 * config_.slotsPerHour;
        _dayAheadGateLead = config_.dayAheadGateLead;
        _intradayGateLead = config_.intradayGateLead;
        _readingWindow = config_.readingWindow;
        _priceFloor = config_.priceFloor;
        _priceCap = config_.priceCap;
        _imbalancePenaltyBps = config_.imbalancePenaltyBps;
        _imbalanceFallbackPrice = config_.imbalanceFallbackPrice;
    }

    // ---------------------------------------------------------------- registry

    /// @notice Registers units; indices are assigned consecutively from 1.
    /// @dev Requirements: caller is the operator; unit ids unique; non-zero trader and meter; at most
    /// one balance-responsible party. Emits {UnitRegistered} per unit.
    /// @return first The index of the first unit registered.
    function registerUnits(UnitSpec[] calldata specs) external returns (uint32 first) {
        if (msg.sender != _operator) revert Registry__NotOperator(msg.sender);
        uint256 count = _unitCount;
        if (count + specs.length > MAX_UNITS) revert Registry__TooManyUnits(MAX_UNITS);
        first = uint32(count + 1);
        for (uint256 i; i < specs.length; ++i) {
            UnitSpec calldata s = specs[i];
            if (_unitIndex[s.unitId] != 0) revert Registry__UnitIdTaken(s.unitId);
            if (s.trader == address(0) || s.meter == address(0)) revert Registry__ZeroAddress();
            uint32 unit = uint32(++count);
            if (s.balanceResponsible) {
                if (_balanceResponsibleUnit != 0) revert Registry__BalanceResponsiblePartyExists(_balanceResponsibleUnit);
                _balanceResponsibleUnit = unit;
            }
            _units[unit] = Unit(s.trader, s.kind, s.balanceResponsible, s.maxWhPerSlot, s.meter, s.unitId, s.bus);
            _unitIndex[s.unitId] = unit;
            _accounts[unit].marginNano = s.marginNano;
            emit UnitRegistered(
                unit, s.unitId, s.kind, s.trader, s.meter, s.bus, s.balanceResponsible, s.maxWhPerSlot, s.marginNano
            );
        }
        _unitCount = uint32(count);
    }

    // ---------------------------------------------------------------- escrow

    /// @notice Moves `amount` micro-units of the token from the caller into `unit`'s escrow; any
    /// debt of the unit is repaid to the BRP first.
    /// @dev Requirements: unit registered, amount > 0, allowance. Emits {Deposited}, maybe {DebtRepaid}.
    function deposit(uint32 unit, uint256 amount) external nonReentrant {
        _requireUnit(unit);
        if (amount == 0) revert Escrow__ZeroAmount();
        // Pull first: the escrow credits only tokens it has received.
        _token.safeTransferFrom(msg.sender, address(this), amount);
        Account storage a = _accounts[unit];
        uint256 nano = amount * NANO_PER_MICRO;
        uint256 repaid = a.debtNano < nano ? a.debtNano : nano;
        if (repaid != 0) {
            a.debtNano -= uint128(repaid);
            _accounts[_balanceResponsibleUnit].balanceNano += uint128(repaid);
            emit DebtRepaid(unit, repaid);
        }
        a.balanceNano += uint128(nano - repaid);
        emit Deposited(unit, msg.sender, amount);
    }

    /// @notice Withdraws `amount` micro-units of `unit`'s free balance (balance - locked - margin) to `to`.
    /// @dev Requirements: caller is the unit's trader, no debt, enough free balance. Checks, effects,
    /// event, then the transfer; also guarded against re-entrancy. Emits {Withdrawn}.
    function withdraw(uint32 unit, uint256 amount, address to) external nonReentrant {
        _requireTrader(unit);
        if (amount == 0) revert Escrow__ZeroAmount();
        Account storage a = _accounts[unit];
        if (a.debtNano != 0) revert Escrow__InDebt(unit, a.debtNano);
        uint256 nano = amount * NANO_PER_MICRO;
        uint256 free = _freeNano(a);
        if (nano > free) revert Escrow__InsufficientFreeBalance(unit, nano, free);
        a.balanceNano -= uint128(nano);
        emit Withdrawn(unit, to, amount);
        _token.safeTransfer(to, amount);
    }

    // ---------------------------------------------------------------- auctions

    /// @notice Submits (or replaces) `unit`'s day-ahead orders for every slot of `day`. Each array
    /// holds one packed curve per slot of the day ({OrderCurve}), or is empty for no orders of that
    /// side (which also withdraws that side's earlier orders).
    /// @dev Requirements: caller is the trader; before the day's gate; valid steps; collateral.
    /// Emits {OrdersSubmitted}.
    function submitDayAhead(uint32 unit, uint32 day, uint256[] calldata buys, uint256[] calldata sells) external {
        _submit(Stage.DayAhead, unit, day, _slotsPerDay, buys, sells);
    }

    /// @notice Submits (or replaces) `unit`'s intra-day orders for the slots of delivery `hour`;
    /// same shape and rules as {submitDayAhead}, with the hour's gate.
    function submitIntraday(uint32 unit, uint32 hour, uint256[] calldata buys, uint256[] calldata sells) external {
        _submit(Stage.Intraday, unit, hour, _slotsPerHour, buys, sells);
    }

    /// @notice Clears `count` consecutive slots of `stage` from `firstSlot`. Anyone may call once
    /// each slot's gate has closed. Emits {SlotCleared} per slot.
    function clear(Stage stage, uint32 firstSlot, uint32 count) external {
        if (count == 0) revert Auction__EmptyRange();
        for (uint32 slot = firstSlot; slot < firstSlot + count; ++slot) {
            uint32 period = _periodOf(stage, slot);
            uint64 gateTime = _gate(stage, period);
            if (block.timestamp < gateTime) revert Auction__GateNotClosed(stage, slot, gateTime);
            uint256 key = _bookKey(stage, slot);
            if (_results[key].cleared) revert Auction__AlreadyCleared(stage, slot);
            uint256 scratch = _freeMemoryPointer();
            DoubleAuction.Result memory r = DoubleAuction.clear(
                _collect(stage, period, slot, OrderCurve.SIDE_BUY), _collect(stage, period, slot, OrderCurve.SIDE_SELL)
            );
            _results[key] = r;
            emit SlotCleared(stage, slot, r.price, r.volumeWh);
            // The next slot reuses this slot's scratch memory: memory cost grows quadratically.
            _setFreeMemoryPointer(scratch);
        }
    }

    // ---------------------------------------------------------------- metering and settlement

    /// @notice Records meter readings, each signed (EIP-712, {readingDigest}) by its unit's meter key;
    /// anyone may relay them. A reading is accepted once, after its slot ends and before the
    /// reading window closes. Emits {ReadingReported} per reading.
    function reportReadings(MeterReading[] calldata readings, bytes[] calldata signatures) external {
        if (readings.length != signatures.length) revert Meter__LengthMismatch(readings.length, signatures.length);
        for (uint256 i; i < readings.length; ++i) {
            _report(readings[i], signatures[i]);
        }
    }

    /// @notice Settles `slot` for each of `units` (see the contract notes for the rule). Anyone may
    /// call. Emits {Settled} per unit, {DebtIncurred} when a short imbalance exceeds a unit's funds.
    function settle(uint32 slot, uint32[] calldata units) external {
        DoubleAuction.Result memory dayAhead = _requireCleared(Stage.DayAhead, slot);
        DoubleAuction.Result memory intraday = _requireCleared(Stage.Intraday, slot);
        uint32 brp = _balanceResponsibleUnit;
        if (brp == 0) revert Registry__NoBalanceResponsibleParty();
        (uint256 shortPrice, uint256 longPrice) = _imbalancePrices(dayAhead, intraday);
        uint64 deadline = _slotStart(slot + 1) + _readingWindow;
        for (uint256 i; i < units.length; ++i) {
            _settleOne(slot, units[i], dayAhead, intraday, brp, shortPrice, longPrice, deadline);
        }
    }

    // ---------------------------------------------------------------- views

    function token() external view returns (address) {
        return address(_token);
    }

    function operator() external view returns (address) {
        return _operator;
    }

    function config() external view returns (MarketConfig memory) {
        return MarketConfig(
            _genesis,
            _slotSeconds,
            _slotsPerHour,
            _dayAheadGateLead,
            _intradayGateLead,
            _readingWindow,
            _priceFloor,
            _priceCap,
            _imbalancePenaltyBps,
            _imbalanceFallbackPrice
        );
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

    function unitInfo(uint32 unit) external view returns (Unit memory) {
        _requireUnit(unit);
        return _units[unit];
    }

    /// @notice The index of the unit registered under `unitId`, 0 if none.
    function unitIndex(bytes32 unitId) external view returns (uint32) {
        return _unitIndex[unitId];
    }

    function account(uint32 unit) external view returns (Account memory) {
        return _accounts[unit];
    }

    function slotStart(uint32 slot) external view returns (uint64) {
        return _slotStart(slot);
    }

    /// @notice When the gate of `period` (a day for day-ahead, an hour for intra-day) closes.
    function gate(Stage stage, uint32 period) external view returns (uint64) {
        return _gate(stage, period);
    }

    function curves(Stage stage, uint32 slot, uint32 unit) external view returns (uint256 buy, uint256 sell) {
        Curves storage c = _curves[_bookKey(stage, slot)][unit];
        return (c.buy, c.sell);
    }

    function result(Stage stage, uint32 slot) external view returns (DoubleAuction.Result memory) {
        return _results[_bookKey(stage, slot)];
    }

    /// @notice Clearing outcomes of `count` consecutive slots from `firstSlot`.
    function results(Stage stage, uint32 firstSlot, uint32 count)
        external
        view
        returns (DoubleAuction.Result[] memory out)
    {
        out = new DoubleAuction.Result[](count);
        for (uint32 i; i < count; ++i) {
            out[i] = _results[_bookKey(stage, firstSlot + i)];
        }
    }

    /// @notice The fill of each step of `unit`'s curves in a cleared slot.
    function stepFills(Stage stage, uint32 slot, uint32 unit)
        external
        view
        returns (uint64[4] memory buyWh, uint64[4] memory sellWh)
    {
        DoubleAuction.Result memory r = _results[_bookKey(stage, slot)];
        Curves storage c = _curves[_bookKey(stage, slot)][unit];
        (uint256 buy, uint256 sell) = (c.buy, c.sell);
        for (uint256 k; k < OrderCurve.STEPS; ++k) {
            buyWh[k] = uint64(_stepFill(r, buy, unit, OrderCurve.SIDE_BUY, k));
            sellWh[k] = uint64(_stepFill(r, sell, unit, OrderCurve.SIDE_SELL, k));
        }
    }

    /// @notice `unit`'s bought and sold energy in `count` consecutive slots (its schedule).
    function positions(Stage stage, uint32 firstSlot, uint32 count, uint32 unit)
        external
        view
        returns (uint64[] memory boughtWh, uint64[] memory soldWh)
    {
        boughtWh = new uint64[](count);
        soldWh = new uint64[](count);
        for (uint32 i; i < count; ++i) {
            uint32 slot = firstSlot + i;
            (uint256 bought, uint256 sold,) = _position(stage, slot, unit, _results[_bookKey(stage, slot)]);
            (boughtWh[i], soldWh[i]) = (uint64(bought), uint64(sold));
        }
    }

    function meterRecord(uint32 slot, uint32 unit) external view returns (MeterRecord memory) {
        return _meterRecords[slot][unit];
    }

    /// @notice The EIP-712 digest a meter signs for `reading`.
    function readingDigest(MeterReading calldata reading) external view returns (bytes32) {
        return _readingDigest(reading);
    }

    /// @notice The short and long imbalance prices of a slot whose auctions are cleared.
    function imbalancePrices(uint32 slot) external view returns (uint256 shortPrice, uint256 longPrice) {
        return _imbalancePrices(_requireCleared(Stage.DayAhead, slot), _requireCleared(Stage.Intraday, slot));
    }

    // ---------------------------------------------------------------- internal: auctions

    function _submit(
        Stage stage,
        uint32 unit,
        uint32 period,
        uint32 slotsPerPeriod,
        uint256[] calldata buys,
        uint256[] calldata sells
    ) private {
        _requireTrader(unit);
        uint64 gateTime = _gate(stage, period);
        if (block.timestamp >= gateTime) revert Auction__GateClosed(stage, period, gateTime);
        if (buys.length != 0 && buys.length != slotsPerPeriod) {
            revert Auction__WrongCurveCount(slotsPerPeriod, buys.length);
        }
        if (sells.length != 0 && sells.length != slotsPerPeriod) {
            revert Auction__WrongCurveCount(slotsPerPeriod, sells.length);
        }
        uint32 firstSlot = period * slotsPerPeriod;
        (uint256 oldLocked, uint256 newLocked) =
            _writeSide(stage, unit, period, firstSlot, slotsPerPeriod, OrderCurve.SIDE_BUY, buys);
        _writeSide(stage, unit, period, firstSlot, slotsPerPeriod, OrderCurve.SIDE_SELL, sells);

        Account storage a = _accounts[unit];
        uint256 locked = a.lockedNano - oldLocked + newLocked;
        a.lockedNano = uint128(locked);
        if (newLocked > oldLocked) {
            if (a.debtNano != 0) revert Escrow__InDebt(unit, a.debtNano);
            uint256 required = locked + a.marginNano;
            if (a.balanceNano < required) revert Escrow__InsufficientCollateral(unit, required, a.balanceNano);
        }
        emit OrdersSubmitted(stage, period, unit, newLocked);
    }

    /// @dev Writes one side's curves for the period and returns the collateral value of the old
    /// and new curves (only buys lock collateral; the caller ignores it for sells).
    function _writeSide(
        Stage stage,
        uint32 unit,
        uint32 period,
        uint32 firstSlot,
        uint32 slotsPerPeriod,
        uint256 side,
        uint256[] calldata given
    ) private returns (uint256 oldValue, uint256 newValue) {
        mapping(uint256 => uint256) storage bidders = _bidders[_bidderKey(stage, period, side)];
        uint256 word = unit >> 8;
        uint256 bit = uint256(1) << (unit & 0xff);
        // Units that never bid this side in the period have only zero curves: skip reading them.
        bool hadOrders = bidders[word] & bit != 0;
        if (given.length == 0 && !hadOrders) return (0, 0);
        if (!hadOrders) bidders[word] |= bit;
        (uint32 floor, uint32 cap) = (_priceFloor, _priceCap);
        for (uint32 s; s < slotsPerPeriod; ++s) {
            uint32 slot = firstSlot + s;
            uint256 curve = given.length == 0 ? 0 : given[s];
            (uint256 badStepPlusOne, bool badPrice) = curve.firstInvalidStep(floor, cap);
            if (badStepPlusOne != 0) {
                uint256 k = badStepPlusOne - 1;
                if (badPrice) {
                    (uint32 price,) = curve.step(k);
                    revert Auction__PriceOutOfBounds(slot, k, price);
                }
                revert Auction__NonCanonicalStep(slot, k);
            }
            Curves storage c = _curves[_bookKey(stage, slot)][unit];
            uint256 old = hadOrders ? (side == OrderCurve.SIDE_BUY ? c.buy : c.sell) : 0;
            if (old != curve) {
                if (side == OrderCurve.SIDE_BUY) c.buy = curve;
                else c.sell = curve;
            }
            if (side == OrderCurve.SIDE_BUY) {
                oldValue += old.valueNano();
                newValue += curve.valueNano();
            }
        }
    }

    /// @dev The sort keys of every order of `side` in `slot`, read from the units in the period's
    /// bidder bitmap. This loop runs once per order of a slot (5 000 in the largest slots the
    /// market is sized for), so it reads each curve word once and unpacks it inline.
    function _collect(Stage stage, uint32 period, uint32 slot, uint256 side)
        private
        view
        returns (uint256[] memory keys)
    {
        mapping(uint256 => uint256) storage bidders = _bidders[_bidderKey(stage, period, side)];
        mapping(uint32 => Curves) storage book = _curves[_bookKey(stage, slot)];
        uint256 words = (uint256(_unitCount) >> 8) + 1;
        bool isBuy = side == OrderCurve.SIDE_BUY;
        uint256 bidderCount;
        for (uint256 w; w < words; ++w) {
            bidderCount += LibBit.popCount(bidders[w]);
        }
        keys = new uint256[](bidderCount * OrderCurve.STEPS);
        uint256 n;
        // Unchecked: n counts at most 4 orders per bidder (the array's length); unit indices and
        // order ids stay below 2^15 (MAX_UNITS x 8); step fields are masked to 32 bits.
        unchecked {
            for (uint256 w; w < words; ++w) {
                uint256 bits = bidders[w];
                while (bits != 0) {
                    uint256 unit = (w << 8) | LibBit.ffs(bits);
                    bits &= bits - 1; // clears the lowest set bit
                    uint256 curve = isBuy ? book[uint32(unit)].buy : book[uint32(unit)].sell;
                    uint256 idBase = (unit << 3) | (side << 2);
                    for (uint256 k; curve != 0; ++k) {
                        uint256 quantityWh = curve & 0xFFFFFFFF;
                        if (quantityWh != 0) {
                            uint256 price = (curve >> 32) & 0xFFFFFFFF;
                            uint256 key = isBuy
                                ? DoubleAuction.buyKey(uint32(price), uint32(idBase | k), uint32(quantityWh))
                                : DoubleAuction.sellKey(uint32(price), uint32(idBase | k), uint32(quantityWh));
                            assembly ("memory-safe") {
                                mstore(add(add(keys, 0x20), shl(5, n)), key)
                            }
                            ++n;
                        }
                        curve >>= 64;
                    }
                }
            }
        }
        // Shrinks the array to the orders found; the unused tail stays allocated scratch memory.
        assembly ("memory-safe") {
            mstore(keys, n)
        }
    }

    /// @dev Bought and sold energy of `unit` in a cleared slot, and its buy curve (whose collateral
    /// settlement releases).
    function _position(Stage stage, uint32 slot, uint32 unit, DoubleAuction.Result memory r)
        private
        view
        returns (uint256 boughtWh, uint256 soldWh, uint256 buyCurve)
    {
        Curves storage c = _curves[_bookKey(stage, slot)][unit];
        buyCurve = c.buy;
        if (r.volumeWh == 0) return (0, 0, buyCurve);
        uint256 sellCurve = c.sell;
        for (uint256 k; k < OrderCurve.STEPS; ++k) {
            boughtWh += _stepFill(r, buyCurve, unit, OrderCurve.SIDE_BUY, k);
            soldWh += _stepFill(r, sellCurve, unit, OrderCurve.SIDE_SELL, k);
        }
    }

    function _stepFill(DoubleAuction.Result memory r, uint256 curve, uint32 unit, uint256 side, uint256 k)
        private
        pure
        returns (uint256)
    {
        (uint32 price, uint32 quantityWh) = curve.step(k);
        return DoubleAuction.fill(r, side == OrderCurve.SIDE_BUY, price, quantityWh, OrderCurve.orderId(unit, side, k));
    }

    // ---------------------------------------------------------------- internal: metering and settlement

    function _report(MeterReading calldata r, bytes calldata signature) private {
        Unit storage u = _requireUnit(r.unit);
        uint64 end = _slotStart(r.slot + 1);
        if (block.timestamp < end) revert Meter__SlotNotEnded(r.slot, end);
        uint64 deadline = end + _readingWindow;
        if (block.timestamp >= deadline) revert Meter__ReadingWindowClosed(r.slot, deadline);
        MeterRecord storage m = _meterRecords[r.slot][r.unit];
        if (m.reported) revert Meter__AlreadyReported(r.unit, r.slot);
        uint32 rating = u.maxWhPerSlot;
        if (r.importWh > rating) revert Meter__ReadingAboveRating(r.unit, r.importWh, rating);
        if (r.exportWh > rating) revert Meter__ReadingAboveRating(r.unit, r.exportWh, rating);
        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(_readingDigest(r), signature);
        if (err != ECDSA.RecoverError.NoError || signer != u.meter) revert Meter__InvalidSigner(r.unit, signer);
        m.reported = true;
        m.importWh = r.importWh;
        m.exportWh = r.exportWh;
        emit ReadingReported(r.slot, r.unit, r.importWh, r.exportWh);
    }

    function _settleOne(
        uint32 slot,
        uint32 unit,
        DoubleAuction.Result memory dayAhead,
        DoubleAuction.Result memory intraday,
        uint32 brp,
        uint256 shortPrice,
        uint256 longPrice,
        uint64 deadline
    ) private {
        _requireUnit(unit);
        MeterRecord storage m = _meterRecords[slot][unit];
        if (m.settled) revert Settlement__AlreadySettled(unit, slot);
        bool missing = !m.reported;
        if (missing && block.timestamp < deadline) revert Settlement__ReadingPending(unit, slot, deadline);
        m.settled = true;

        (uint256 daBought, uint256 daSold, uint256 daBuyCurve) = _position(Stage.DayAhead, slot, unit, dayAhead);
        (uint256 idBought, uint256 idSold, uint256 idBuyCurve) = _position(Stage.Intraday, slot, unit, intraday);
        Account storage a = _accounts[unit];
        a.lockedNano -= uint128(daBuyCurve.valueNano() + idBuyCurve.valueNano());

        int256 dayAheadNet = int256(daSold) - int256(daBought);
        int256 intradayNet = int256(idSold) - int256(idBought);
        int256 tradeNano = dayAheadNet * int256(uint256(dayAhead.price)) + intradayNet * int256(uint256(intraday.price));
        // A net buyer pays at most what its filled buys locked (each filled buy step is priced at or
        // above the clearing price), and balance >= locked always holds, so this cannot underflow.
        if (tradeNano >= 0) a.balanceNano += uint128(uint256(tradeNano));
        else a.balanceNano -= uint128(uint256(-tradeNano));
        _clearingHouseNano -= tradeNano;

        int256 deviationWh = (int256(uint256(m.exportWh)) - int256(uint256(m.importWh))) - (dayAheadNet + intradayNet);
        int256 imbalanceNano;
        if (unit != brp && deviationWh != 0) {
            if (deviationWh > 0) {
                uint256 amount = uint256(deviationWh) * longPrice;
                _payLongImbalance(brp, a, amount);
                imbalanceNano = int256(amount);
            } else {
                uint256 amount = uint256(-deviationWh) * shortPrice;
                _chargeShortImbalance(unit, a, brp, amount);
                imbalanceNano = -int256(amount);
            }
        }
        emit Settled(slot, unit, tradeNano, imbalanceNano, deviationWh, missing);
    }

    /// @dev The BRP buys a long deviation; it must have the unlocked funds (the operator keeps it funded).
    function _payLongImbalance(uint32 brp, Account storage to, uint256 amount) private {
        Account storage b = _accounts[brp];
        uint256 available = b.balanceNano - b.lockedNano;
        if (amount > available) revert Settlement__BrpInsolvent(amount, available);
        b.balanceNano -= uint128(amount);
        to.balanceNano += uint128(amount);
    }

    /// @dev A unit pays a short deviation from its unlocked balance (margin included, other slots'
    /// collateral never); what it cannot pay becomes debt owed to the BRP.
    function _chargeShortImbalance(uint32 unit, Account storage from, uint32 brp, uint256 amount) private {
        uint256 available = from.balanceNano - from.lockedNano;
        uint256 paid = amount < available ? amount : available;
        from.balanceNano -= uint128(paid);
        _accounts[brp].balanceNano += uint128(paid);
        if (paid < amount) {
            from.debtNano += uint128(amount - paid);
            emit DebtIncurred(unit, amount - paid);
        }
    }

    /// @dev Short price from the dearer, long price from the cheaper of the slot's cleared prices, so
    /// that deviating never beats trading; rounded in the BRP's favour (short up, long down).
    function _imbalancePrices(DoubleAuction.Result memory dayAhead, DoubleAuction.Result memory intraday)
        private
        view
        returns (uint256 shortPrice, uint256 longPrice)
    {
        uint256 high;
        uint256 low = type(uint256).max;
        if (dayAhead.volumeWh != 0) (high, low) = (dayAhead.price, dayAhead.price);
        if (intraday.volumeWh != 0) {
            if (intraday.price > high) high = intraday.price;
            if (intraday.price < low) low = intraday.price;
        }
        if (low == type(uint256).max) (high, low) = (_imbalanceFallbackPrice, _imbalanceFallbackPrice);
        shortPrice = (high * (BPS + _imbalancePenaltyBps) + BPS - 1) / BPS;
        if (shortPrice > _priceCap) shortPrice = _priceCap;
        longPrice = low * (BPS - _imbalancePenaltyBps) / BPS;
    }

    function _readingDigest(MeterReading calldata r) private view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(METER_READING_TYPEHASH, r.unit, r.slot, r.importWh, r.exportWh)));
    }

    // ---------------------------------------------------------------- internal: helpers

    function _requireUnit(uint32 unit) private view returns (Unit storage u) {
        if (unit == 0 || unit > _unitCount) revert Registry__UnknownUnit(unit);
        return _units[unit];
    }

    function _requireTrader(uint32 unit) private view {
        if (_requireUnit(unit).trader != msg.sender) revert Registry__NotTrader(unit, msg.sender);
    }

    function _requireCleared(Stage stage, uint32 slot) private view returns (DoubleAuction.Result memory r) {
        r = _results[_bookKey(stage, slot)];
        if (!r.cleared) revert Settlement__NotCleared(stage, slot);
    }

    function _freeNano(Account storage a) private view returns (uint256) {
        uint256 reserved = uint256(a.lockedNano) + a.marginNano;
        return a.balanceNano > reserved ? a.balanceNano - reserved : 0;
    }

    function _slotStart(uint32 slot) private view returns (uint64) {
        return _genesis + uint64(slot) * _slotSeconds;
    }

    function _periodOf(Stage stage, uint32 slot) private view returns (uint32) {
        return stage == Stage.DayAhead ? slot / _slotsPerDay : slot / _slotsPerHour;
    }

    /// @dev A gate before genesis (a lead longer than the time since genesis) reads as closed at 0.
    function _gate(Stage stage, uint32 period) private view returns (uint64) {
        (uint64 periodStart, uint64 lead) = stage == Stage.DayAhead
            ? (_slotStart(period * _slotsPerDay), uint64(_dayAheadGateLead))
            : (_slotStart(period * _slotsPerHour), uint64(_intradayGateLead));
        return periodStart > lead ? periodStart - lead : 0;
    }

    function _bookKey(Stage stage, uint32 slot) private pure returns (uint256) {
        return (uint256(slot) << 1) | uint256(stage);
    }

    function _bidderKey(Stage stage, uint32 period, uint256 side) private pure returns (uint256) {
        return (uint256(period) << 2) | (uint256(stage) << 1) | side;
    }

    function _freeMemoryPointer() private pure returns (uint256 p) {
        assembly ("memory-safe") {
            p := mload(0x40)
        }
    }

    function _setFreeMemoryPointer(uint256 p) private pure {
        assembly ("memory-safe") {
            mstore(0x40, p)
        }
    }
}
