// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {LibBit} from "solady/src/utils/LibBit.sol";
import {ClearingEngine} from "./ClearingEngine.sol";
import {DoubleAuction} from "./libraries/DoubleAuction.sol";
import {ImbalancePrice} from "./libraries/ImbalancePrice.sol";
import {MarketRegistry} from "./MarketRegistry.sol";
import {MarketState} from "./MarketState.sol";
import {OrderCurve} from "./libraries/OrderCurve.sol";

/// @title MicroMarket
/// @notice The regulator of one feeder's micro-market: registry of units and their meters, escrow of
/// the settlement token, the day-ahead and intra-day auctions (one clearing rule, see
/// {DoubleAuction}), signed meter readings, operator instructions, and per-slot settlement against
/// the balance-responsible party (BRP). The rulebook, with the attack each rule stops, is
/// docs/market-rules.md; this contract is its only enforcement.
///
/// Units. Money is held in the escrow in nano-tokens (1e-9 token = 1e-3 micro-unit), because a
/// price in micro-units per kWh times a quantity in Wh is exactly one nano-token: every payment is
/// an exact integer and the books balance to the last unit. Deposits and withdrawals move whole
/// micro-units of the token (x 1000 in the escrow). Names carry their unit (`...Nano`, `...Micro`).
///
/// Time. Slot k covers [genesis + k * slotSeconds, genesis + (k + 1) * slotSeconds). Hour h is slots
/// [h * slotsPerHour, (h + 1) * slotsPerHour), day d slots [d * slotsPerDay, ...) with 24 hours a day.
/// The day-ahead gate of day d is its start minus `dayAheadGateLead` (default D-1 12:00); the
/// intra-day auction of hour h opens when the day-ahead gate of its day has closed and closes
/// `intradayGateLead` before the hour (default 60 min). All gates use block.timestamp.
///
/// Orders are bounded and backed. Per unit, slot and side, the quantity offered over both auctions
/// is at most the unit's rating (Wh per slot). A unit's buy and sell orders in one slot of one
/// auction must not cross (highest buy price < lowest sell price), so a unit never trades with
/// itself. Every order locks collateral until its slot is settled ({OrderCurve-collateralNano}):
/// a buy its price x quantity, a sell (cap - price) x quantity, the most its non-delivery can cost.
/// Every submission requires no debt and balance >= locked + margin after it.
///
/// Settlement of (slot, unit), exactly once, after both auctions of the slot are cleared and its
/// reading is in (or the reading window has closed):
///   trade     = (sold - bought)_DA x price_DA + (sold - bought)_ID x price_ID, against the market;
///   deviation = metered net export - scheduled net export (Wh), less the part the operator's
///               curtailment or shedding instruction explains, or less the balancing energy it
///               ordered;
///   a long deviation (> 0, paid up to twice the rating) is bought by the BRP at the long price, a
///   short one (< 0) sold by the BRP at the short price ({ImbalancePrice}). Balancing energy (a
///   storage unit the island balance moved) is settled apart: supplied on order it is bought by the
///   BRP at the short price, absorbed on order sold by it at the long price. The BRP itself carries
///   the system's balance and pays no imbalance.
/// Missing reading: a unit without a reading when the window closes is deemed to have imported its
/// full rating and exported nothing (the worst case: withholding a reading never pays) and pays the
/// missing-reading fee; no instruction applies.
///
/// Debt. An imbalance charge or fee beyond a unit's unlocked balance becomes debt owed to the BRP;
/// a unit in debt cannot submit orders or withdraw, and every later credit (trade, payout, deposit)
/// repays its debt first. A long payout beyond the BRP's unlocked balance is paid as far as it goes
/// and the rest becomes BRP debt and a claim of the unit, paid from the BRP's later credits: trade
/// settlement never waits for the BRP's solvency. The BRP cannot withdraw below what its open slots
/// (cleared, not yet fully settled) could require in long payouts.
///
/// Storage ring. What is kept per unit and slot (order curves, meter records) lives in a ring of
/// `ringDays` days: day d reuses the storage of day d - ringDays, so the state stays the same size
/// however long the market runs, and a day's writes overwrite words that are already non-zero (about
/// a fifth of the gas of a fresh word). The first write for a day (an order, a reading, an
/// instruction or a settlement) opens it, and a day opens only when the day whose storage it
/// reuses has every slot closed (every unit settled): nothing unsettled is ever overwritten.
/// Settlement after the reading window is open to anyone, so nobody can hold the ring up for long.
/// Views of a day whose storage has been reused revert; the events keep the history.
///
/// Idempotent batches. Clearing, relaying readings, recording instructions and settling skip an item
/// that is already done (with an event) instead of reverting, so nobody can make the operator's
/// batch fail by doing one of its items first. Until a slot's reading window closes only the
/// operator settles it, after its instructions: nobody settles a unit ahead of its curtailment.
///
/// Code. The registry, the escrow, the uplift and the views of units and accounts are
/// {MarketRegistry}'s code, which this contract runs on its own storage ({fallback}); the clearing
/// and imbalance-price rules are {ClearingEngine}'s. Call this contract's address for everything.
contract MicroMarket is MarketState, EIP712 {
    using OrderCurve for uint256;

    /// @dev The clearing rule, deployed by the constructor (see {ClearingEngine} for why it is apart).
    ClearingEngine private immutable _clearing;
    /// @dev The registry's code, deployed by the constructor and run on this contract's storage.
    MarketRegistry private immutable _registry;
    bytes32 private constant METER_READING_TYPEHASH =
        keccak256("MeterReading(uint32 unit,uint32 slot,uint64 importWh,uint64 exportWh)");

    // ---------------------------------------------------------------- construction

    constructor(IERC20 token_, MarketConfig memory config_) MarketState(token_, config_, msg.sender) EIP712("MicroMarket", "1") {
        _clearing = new ClearingEngine();
        _registry = new MarketRegistry(token_, config_, msg.sender);
        emit MarketOpened(address(token_), address(_clearing), address(_registry), msg.sender, config_);
    }

    /// @notice Every function not defined here (registry, escrow, uplift, unit and account views) is
    /// {MarketRegistry}'s, run on this contract's storage with the caller's message.
    fallback() external {
        address registry = address(_registry);
        // Memory past the free pointer only: the call ends here, so nothing allocated is overwritten.
        assembly ("memory-safe") {
            let p := mload(0x40)
            calldatacopy(p, 0, calldatasize())
            let ok := delegatecall(gas(), registry, p, calldatasize(), 0, 0)
            returndatacopy(p, 0, returndatasize())
            if iszero(ok) { revert(p, returndatasize()) }
            return(p, returndatasize())
        }
    }

    // ---------------------------------------------------------------- auctions

    /// @notice Submits (or replaces) `unit`'s day-ahead orders for every slot of `day`. Each array
    /// holds one packed curve per slot of the day ({OrderCurve}), or is empty for no orders of that
    /// side (which also withdraws that side's earlier orders).
    /// @dev Requirements: caller is the trader, unit not suspended and not in debt; before the day's
    /// gate; valid steps; per slot and side at most the rating; no crossing buy and sell; collateral.
    /// Emits {OrdersSubmitted}.
    function submitDayAhead(uint32 unit, uint32 day, uint256[] calldata buys, uint256[] calldata sells) external {
        _submit(Stage.DayAhead, unit, day, day, _slotsPerDay, buys, sells);
    }

    /// @notice Submits (or replaces) `unit`'s intra-day orders for the slots of delivery `hour`;
    /// same shape and rules as {submitDayAhead}, between the day-ahead gate of the hour's day and
    /// the hour's gate; the rating bounds the day-ahead and intra-day quantities together.
    function submitIntraday(uint32 unit, uint32 hour, uint256[] calldata buys, uint256[] calldata sells) external {
        uint64 opens = _gate(Stage.DayAhead, hour / 24);
        if (block.timestamp < opens) revert Auction__IntradayNotOpen(hour, opens);
        _submit(Stage.Intraday, unit, hour, hour / 24, _slotsPerHour, buys, sells);
    }

    /// @notice Clears `count` consecutive slots of `stage` from `firstSlot`. Anyone may call once
    /// each slot's gate has closed; a slot already cleared is skipped. Emits {SlotCleared} or
    /// {ClearingSkipped} per slot.
    function clear(Stage stage, uint32 firstSlot, uint32 count) external {
        if (count == 0) revert Auction__EmptyRange();
        for (uint32 slot = firstSlot; slot < firstSlot + count; ++slot) {
            uint32 period = _periodOf(stage, slot);
            uint64 gateTime = _gate(stage, period);
            if (block.timestamp < gateTime) revert Auction__GateNotClosed(stage, slot, gateTime);
            _openDay(slot / _slotsPerDay);
            SlotState storage state = _stateFor(slot);
            if (stage == Stage.DayAhead ? state.dayAheadCleared : state.intradayCleared) {
                emit ClearingSkipped(stage, slot);
                continue;
            }
            uint256 scratch = _freeMemoryPointer();
            DoubleAuction.Result memory r = _clearing.clear(
                _collect(stage, period, slot, OrderCurve.SIDE_BUY), _collect(stage, period, slot, OrderCurve.SIDE_SELL)
            );
            _results[_ringKey(stage, slot)] = r;
            if (stage == Stage.DayAhead) {
                state.dayAheadCleared = true;
                ++_openSlots;
            } else {
                state.intradayCleared = true;
            }
            emit SlotCleared(stage, slot, r.price, r.volumeWh);
            // The next slot reuses this slot's scratch memory: memory cost grows quadratically.
            _setFreeMemoryPointer(scratch);
        }
    }

    // ---------------------------------------------------------------- metering and instructions

    /// @notice Records meter readings, each signed (EIP-712, {readingDigest}) by its unit's meter key;
    /// anyone may relay them. A reading is accepted after its slot ends and before the reading
    /// window closes; one already recorded is skipped. A reading above the unit's rating is
    /// accepted and flagged. Emits {ReadingReported} (and {ReadingAboveRating}) or {ReadingSkipped}.
    function reportReadings(MeterReading[] calldata readings, bytes[] calldata signatures) external {
        if (readings.length != signatures.length) revert Meter__LengthMismatch(readings.length, signatures.length);
        for (uint256 i; i < readings.length; ++i) {
            _report(readings[i], signatures[i]);
        }
    }

    /// @notice Records the grid operator's orders of `slot`: curtailment and shedding (the instructed
    /// energy is not the unit's imbalance) or balancing energy (paid for as such; see {settle}). Allowed from the slot's start until its reading
    /// window closes; an item whose unit is already settled is skipped; a later call replaces an
    /// earlier instruction (the operator may correct itself until settlement).
    /// @dev Requirements: caller is the operator; each energy at most the unit's rating. Emits
    /// {InstructionRecorded} or {InstructionSkipped} per item.
    function recordInstructions(uint32 slot, Instruction[] calldata items) external {
        _requireOperator();
        uint64 start = _slotStart(slot);
        if (block.timestamp < start) revert Instruction__SlotNotStarted(slot, start);
        uint64 deadline = _slotStart(slot + 1) + _readingWindow;
        if (block.timestamp >= deadline) revert Meter__ReadingWindowClosed(slot, deadline);
        _openDay(slot / _slotsPerDay);
        for (uint256 i; i < items.length; ++i) {
            Instruction calldata it = items[i];
            uint32 rating = _requireUnit(it.unit).maxWhPerSlot;
            if (it.curtailedWh > rating) revert Instruction__AboveRating(it.unit, it.curtailedWh, rating);
            if (it.shedWh > rating) revert Instruction__AboveRating(it.unit, it.shedWh, rating);
            MeterRecord storage m = _recordFor(slot, it.unit);
            if (m.settled) {
                emit InstructionSkipped(slot, it.unit);
                continue;
            }
            (m.curtailedWh, m.shedWh, m.kind) = (it.curtailedWh, it.shedWh, it.kind);
            emit InstructionRecorded(slot, it.unit, it.curtailedWh, it.shedWh, it.kind);
        }
    }

    // ---------------------------------------------------------------- settlement

    /// @notice Settles `slot` for each of `units` (see the contract notes for the rule); a unit
    /// already settled is skipped. The operator may settle a unit whose reading is in as soon as it
    /// has recorded the slot's instructions; anyone may once the reading window has closed. Emits {Settled} or {SettlementSkipped} per unit,
    /// {BalancingSettled} for balancing energy, {DebtIncurred} when a charge exceeds a unit's funds,
    /// {LongPayoutDeferred} when a payout exceeds the BRP's, {SlotClosed} when the slot's last unit is settled.
    function settle(uint32 slot, uint32[] calldata units) external {
        SlotContext memory ctx;
        ctx.slot = slot;
        ctx.dayAhead = _requireCleared(Stage.DayAhead, slot);
        ctx.intraday = _requireCleared(Stage.Intraday, slot);
        ctx.brp = _balanceResponsibleUnit;
        if (ctx.brp == 0) revert Registry__NoBalanceResponsibleParty();
        (ctx.shortPrice, ctx.longPrice,) = _imbalancePrices(ctx.dayAhead, ctx.intraday);
        ctx.deadline = _slotStart(slot + 1) + _readingWindow;
        // Instructions are accepted until the deadline: settling a unit before the operator has
        // recorded its curtailment would charge it for what the operator ordered.
        if (block.timestamp < ctx.deadline && msg.sender != _operator) revert Settlement__WindowOpen(slot, ctx.deadline);
        _openDay(slot / _slotsPerDay);
        uint256 settled;
        for (uint256 i; i < units.length; ++i) {
            if (_settleOne(ctx, units[i])) ++settled;
        }
        if (settled != 0) _tally(slot, settled);
    }

    // ---------------------------------------------------------------- views

    /// @notice `unit`'s curves in `slot` (zero for a side it did not bid); reverts once the slot's day is recycled.
    function curves(Stage stage, uint32 slot, uint32 unit) external view returns (uint256 buy, uint256 sell) {
        return _curvesOf(stage, slot, unit);
    }

    /// @notice Clearing outcomes of `count` consecutive slots from `firstSlot`.
    function results(Stage stage, uint32 firstSlot, uint32 count)
        external
        view
        returns (DoubleAuction.Result[] memory out)
    {
        out = new DoubleAuction.Result[](count);
        for (uint32 i; i < count; ++i) {
            out[i] = _resultOf(stage, firstSlot + i);
        }
    }

    /// @notice The fill of each step of `unit`'s curves in a cleared slot.
    function stepFills(Stage stage, uint32 slot, uint32 unit)
        external
        view
        returns (uint64[4] memory buyWh, uint64[4] memory sellWh)
    {
        return _stepFillsOf(_resultOf(stage, slot), stage, slot, unit);
    }

    /// @notice {stepFills} of `slot` for each of `units`, flattened: unit i's steps are entries 4i..4i+3 of each
    /// array. One call where a client would make one per unit.
    function stepFillsOf(Stage stage, uint32 slot, uint32[] calldata units)
        external
        view
        returns (uint64[] memory buyWh, uint64[] memory sellWh)
    {
        DoubleAuction.Result memory r = _resultOf(stage, slot);
        (buyWh, sellWh) = (new uint64[](units.length * OrderCurve.STEPS), new uint64[](units.length * OrderCurve.STEPS));
        for (uint256 i; i < units.length; ++i) {
            (uint64[4] memory buy, uint64[4] memory sell) = _stepFillsOf(r, stage, slot, units[i]);
            for (uint256 k; k < OrderCurve.STEPS; ++k) {
                (buyWh[i * OrderCurve.STEPS + k], sellWh[i * OrderCurve.STEPS + k]) = (buy[k], sell[k]);
            }
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
            Position memory p = _position(stage, slot, unit, _resultOf(stage, slot), 0);
            (boughtWh[i], soldWh[i]) = (uint64(p.boughtWh), uint64(p.soldWh));
        }
    }

    /// @notice The reading, instruction and settlement state of (slot, unit); reverts once the slot's day is recycled.
    function meterRecord(uint32 slot, uint32 unit) external view returns (MeterRecord memory) {
        return _meterRecordView(slot, unit);
    }

    /// @notice {meterRecord} of `slot` for each of `units`, in their order: one call where a client would make one per unit.
    function meterRecords(uint32 slot, uint32[] calldata units) external view returns (MeterRecord[] memory records) {
        records = new MeterRecord[](units.length);
        for (uint256 i; i < units.length; ++i) {
            records[i] = _meterRecordView(slot, units[i]);
        }
    }

    /// @notice The EIP-712 digest a meter signs for `reading`.
    function readingDigest(MeterReading calldata reading) external view returns (bytes32) {
        return _readingDigest(reading);
    }

    /// @notice The short, long and reference prices of a slot whose auctions are cleared ({ImbalancePrice}).
    function imbalancePrices(uint32 slot)
        external
        view
        returns (uint256 shortPrice, uint256 longPrice, uint256 referencePrice)
    {
        return _imbalancePrices(_requireCleared(Stage.DayAhead, slot), _requireCleared(Stage.Intraday, slot));
    }

    // ---------------------------------------------------------------- internal: auctions

    function _submit(
        Stage stage,
        uint32 unit,
        uint32 period,
        uint32 day,
        uint32 slotsPerPeriod,
        uint256[] calldata buys,
        uint256[] calldata sells
    ) private {
        Unit storage u = _requireTrader(unit);
        if (u.suspended) revert Registry__UnitSuspended(unit);
        Account storage a = _accounts[unit];
        if (a.debtNano != 0) revert Escrow__InDebt(unit, a.debtNano);
        uint64 gateTime = _gate(stage, period);
        if (block.timestamp >= gateTime) revert Auction__GateClosed(stage, period, gateTime);
        if (buys.length != 0 && buys.length != slotsPerPeriod) {
            revert Auction__WrongCurveCount(slotsPerPeriod, buys.length);
        }
        if (sells.length != 0 && sells.length != slotsPerPeriod) {
            revert Auction__WrongCurveCount(slotsPerPeriod, sells.length);
        }
        _openDay(day);
        // Only a side's bidders have curves of the period: anyone else's words in the ring belong to
        // an earlier day, so they are neither read nor counted as locking anything.
        (bool hadBuys, bool hadSells) =
            (_markBidder(stage, period, unit, OrderCurve.SIDE_BUY, buys.length), _markBidder(stage, period, unit, OrderCurve.SIDE_SELL, sells.length));
        (bool buying, bool selling) = (hadBuys || buys.length != 0, hadSells || sells.length != 0);
        uint256 sellCap = u.balanceResponsible ? 0 : _priceCap;
        uint32 rating = u.maxWhPerSlot;
        uint256 oldLocked;
        uint256 newLocked;
        uint32 firstSlot = period * slotsPerPeriod;
        for (uint32 s; s < slotsPerPeriod; ++s) {
            uint32 slot = firstSlot + s;
            uint256 buy = buys.length == 0 ? 0 : buys[s];
            uint256 sell = sells.length == 0 ? 0 : sells[s];
            _checkCurves(stage, slot, unit, rating, buy, sell);
            Curves storage c = _curves[_ringKey(stage, slot)][unit];
            oldLocked += _replace(c, true, hadBuys, buying, buy, sellCap) + _replace(c, false, hadSells, selling, sell, sellCap);
            newLocked += buy.collateralNano(true, sellCap) + sell.collateralNano(false, sellCap);
        }
        uint256 locked = a.lockedNano - oldLocked + newLocked;
        a.lockedNano = SafeCast.toUint128(locked);
        uint256 required = locked + a.marginNano;
        if (a.balanceNano < required) revert Escrow__InsufficientCollateral(unit, required, a.balanceNano);
        emit OrdersSubmitted(stage, period, unit, locked);
    }

    /// @dev Replaces one side's curve of a slot and returns the collateral the old curve locked. A
    /// unit that had not bid the side in the period has no old curve (the word is an earlier day's)
    /// and, once a bidder, writes every slot's word.
    function _replace(Curves storage c, bool isBuy, bool had, bool bidder, uint256 curve, uint256 sellCap)
        private
        returns (uint256 oldLockedNano)
    {
        uint256 old = had ? (isBuy ? c.buy : c.sell) : 0;
        if (had ? old != curve : bidder) {
            if (isBuy) c.buy = curve;
            else c.sell = curve;
        }
        return old.collateralNano(isBuy, sellCap);
    }

    /// @dev Marks `unit` a bidder of `side` in the period when it gives curves; returns whether it was one before.
    /// A word still tagged with the earlier period that held its place in the ring starts afresh.
    function _markBidder(Stage stage, uint32 period, uint32 unit, uint256 side, uint256 given) private returns (bool had) {
        mapping(uint256 => uint256) storage bidders = _bidders[_bidderKey(stage, period, side)];
        uint256 word = unit / BIDDERS_PER_WORD;
        uint256 bit = uint256(1) << (unit % BIDDERS_PER_WORD);
        uint256 live = _liveBidders(bidders[word], period);
        had = live & bit != 0;
        if (!had && given != 0) bidders[word] = _bidderTag(period) | live | bit;
    }

    /// @dev One slot's new curves: canonical steps within the price bounds, no crossing of the unit's
    /// own buy and sell, and per side at most the rating over both auctions (an intra-day
    /// submission counts the day-ahead orders of the slot, which are final once the intra-day opens).
    function _checkCurves(Stage stage, uint32 slot, uint32 unit, uint32 rating, uint256 buy, uint256 sell) private view {
        _checkSteps(slot, buy);
        _checkSteps(slot, sell);
        if (buy != 0 && sell != 0) {
            uint256 highestBuy = buy.highestPrice();
            uint256 lowestSell = sell.lowestPrice();
            if (highestBuy >= lowestSell) revert Auction__SelfCrossing(slot, highestBuy, lowestSell);
        }
        uint256 buyWh = buy.totalWh();
        uint256 sellWh = sell.totalWh();
        if (stage == Stage.Intraday && (buyWh != 0 || sellWh != 0)) {
            (uint256 dayAheadBuy, uint256 dayAheadSell) = _curvesOf(Stage.DayAhead, slot, unit);
            if (buyWh != 0) buyWh += dayAheadBuy.totalWh();
            if (sellWh != 0) sellWh += dayAheadSell.totalWh();
        }
        if (buyWh > rating) revert Auction__AboveRating(slot, OrderCurve.SIDE_BUY, buyWh, rating);
        if (sellWh > rating) revert Auction__AboveRating(slot, OrderCurve.SIDE_SELL, sellWh, rating);
    }

    function _checkSteps(uint32 slot, uint256 curve) private view {
        (uint256 badStepPlusOne, bool badPrice) = curve.firstInvalidStep(_priceFloor, _priceCap);
        if (badStepPlusOne == 0) return;
        uint256 k = badStepPlusOne - 1;
        if (badPrice) {
            (uint32 price,) = curve.step(k);
            revert Auction__PriceOutOfBounds(slot, k, price);
        }
        revert Auction__NonCanonicalStep(slot, k);
    }

    /// @dev The sort keys of every order of `side` in `slot`, read from the units in the period's
    /// bidder bitmap. This loop runs once per order of a slot (up to MAX_UNITS x 4 per side), so it
    /// reads each curve word once and unpacks it inline.
    function _collect(Stage stage, uint32 period, uint32 slot, uint256 side)
        private
        view
        returns (uint256[] memory keys)
    {
        mapping(uint256 => uint256) storage bidders = _bidders[_bidderKey(stage, period, side)];
        mapping(uint32 => Curves) storage book = _curves[_ringKey(stage, slot)];
        uint256 words = uint256(_unitCount) / BIDDERS_PER_WORD + 1;
        bool isBuy = side == OrderCurve.SIDE_BUY;
        uint256 bidderCount;
        for (uint256 w; w < words; ++w) {
            bidderCount += LibBit.popCount(_liveBidders(bidders[w], period));
        }
        keys = new uint256[](bidderCount * OrderCurve.STEPS);
        uint256 n;
        // Unchecked: n counts at most 4 orders per bidder (the array's length); unit indices and
        // order ids stay below 2^13 (MAX_UNITS x 8); step fields are masked to 32 bits.
        unchecked {
            for (uint256 w; w < words; ++w) {
                uint256 bits = _liveBidders(bidders[w], period);
                while (bits != 0) {
                    uint256 unit = w * BIDDERS_PER_WORD + LibBit.ffs(bits);
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

    /// @dev Bought and sold energy of `unit` in a cleared slot, and the collateral its curves there
    /// locked (sells valued with `sellCap`: the price cap, or 0 for the BRP and for views).
    function _position(Stage stage, uint32 slot, uint32 unit, DoubleAuction.Result memory r, uint256 sellCap)
        private
        view
        returns (Position memory p)
    {
        (uint256 buyCurve, uint256 sellCurve) = _curvesOf(stage, slot, unit);
        p.collateralNano = buyCurve.collateralNano(true, sellCap) + sellCurve.collateralNano(false, sellCap);
        if (r.volumeWh == 0) return p;
        p.boughtWh = _filledWh(r, buyCurve, unit, OrderCurve.SIDE_BUY);
        p.soldWh = _filledWh(r, sellCurve, unit, OrderCurve.SIDE_SELL);
    }

    /// @dev What of one side's curve the clearing filled; settlement runs it per unit and slot, so
    /// it stops at the curve's last present step (most curves have one, many sides none).
    function _filledWh(DoubleAuction.Result memory r, uint256 curve, uint32 unit, uint256 side) private pure returns (uint256 total) {
        for (uint256 k; curve >> (k * 64) != 0; ++k) {
            total += _stepFill(r, curve, unit, side, k);
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

    function _stepFillsOf(DoubleAuction.Result memory r, Stage stage, uint32 slot, uint32 unit)
        private
        view
        returns (uint64[4] memory buyWh, uint64[4] memory sellWh)
    {
        (uint256 buy, uint256 sell) = _curvesOf(stage, slot, unit);
        for (uint256 k; k < OrderCurve.STEPS; ++k) {
            buyWh[k] = uint64(_stepFill(r, buy, unit, OrderCurve.SIDE_BUY, k));
            sellWh[k] = uint64(_stepFill(r, sell, unit, OrderCurve.SIDE_SELL, k));
        }
    }

    function _meterRecordView(uint32 slot, uint32 unit) private view returns (MeterRecord memory) {
        MeterRecord storage held = _meterRecords[slot % _ringSlots][unit];
        if (_holdsRing(slot / _slotsPerDay) && _holdsRecord(held, slot)) return held;
        MeterRecord memory empty;
        empty.slot = slot;
        return empty;
    }

    function _report(MeterReading calldata r, bytes calldata signature) private {
        Unit storage u = _requireUnit(r.unit);
        uint64 end = _slotStart(r.slot + 1);
        if (block.timestamp < end) revert Meter__SlotNotEnded(r.slot, end);
        uint64 deadline = end + _readingWindow;
        if (block.timestamp >= deadline) revert Meter__ReadingWindowClosed(r.slot, deadline);
        _openDay(r.slot / _slotsPerDay);
        MeterRecord storage m = _recordFor(r.slot, r.unit);
        // Before the signature check: a copy relayed first is the same reading, so the batch goes on.
        if (m.reported) {
            emit ReadingSkipped(r.slot, r.unit);
            return;
        }
        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(_readingDigest(r), signature);
        if (err != ECDSA.RecoverError.NoError || signer != u.meter) revert Meter__InvalidSigner(r.unit, signer);
        (m.reported, m.importWh, m.exportWh) = (true, r.importWh, r.exportWh);
        emit ReadingReported(r.slot, r.unit, r.importWh, r.exportWh);
        uint32 rating = u.maxWhPerSlot;
        if (r.importWh > rating || r.exportWh > rating) {
            emit ReadingAboveRating(r.slot, r.unit, r.importWh, r.exportWh, rating);
        }
    }

    /// @dev Settles one (slot, unit); returns false when it was settled before (and skips it).
    function _settleOne(SlotContext memory ctx, uint32 unit) private returns (bool) {
        uint32 rating = _requireUnit(unit).maxWhPerSlot;
        MeterRecord storage m = _recordFor(ctx.slot, unit);
        if (m.settled) {
            emit SettlementSkipped(ctx.slot, unit);
            return false;
        }
        bool missing = !m.reported;
        if (missing && block.timestamp < ctx.deadline) revert Settlement__ReadingPending(unit, ctx.slot, ctx.deadline);
        m.settled = true;

        bool isBrp = unit == ctx.brp;
        uint256 sellCap = isBrp ? 0 : _priceCap;
        Position memory da = _position(Stage.DayAhead, ctx.slot, unit, ctx.dayAhead, sellCap);
        Position memory id = _position(Stage.Intraday, ctx.slot, unit, ctx.intraday, sellCap);
        Account storage a = _accounts[unit];
        uint256 released = da.collateralNano + id.collateralNano;
        a.lockedNano -= SafeCast.toUint128(released);

        int256 dayAheadNet = SafeCast.toInt256(da.soldWh) - SafeCast.toInt256(da.boughtWh);
        int256 intradayNet = SafeCast.toInt256(id.soldWh) - SafeCast.toInt256(id.boughtWh);
        int256 tradeNano = dayAheadNet * int256(uint256(ctx.dayAhead.price)) + intradayNet * int256(uint256(ctx.intraday.price));
        // A net buyer pays at most what its filled buys locked (each filled buy step is priced at or
        // above the clearing price), and balance >= locked held before the release, so this cannot underflow.
        if (tradeNano >= 0) _credit(unit, uint256(tradeNano));
        else a.balanceNano -= SafeCast.toUint128(uint256(-tradeNano));
        _clearingHouseNano -= tradeNano;

        int256 deviationWh = _deviationWh(m, missing, rating, dayAheadNet + intradayNet);
        int256 imbalanceNano;
        uint256 feeNano;
        uint256 debtNano;
        uint256 deferredNano;
        if (!isBrp) {
            if (deviationWh > 0) {
                uint256 paidWh = uint256(deviationWh);
                if (paidWh > 2 * uint256(rating)) {
                    paidWh = 2 * uint256(rating);
                    emit DeviationCapped(ctx.slot, unit, deviationWh, paidWh);
                }
                uint256 amount = paidWh * ctx.longPrice;
                deferredNano = _payFromBrp(ctx, unit, amount);
                imbalanceNano = SafeCast.toInt256(amount);
            } else if (deviationWh < 0) {
                uint256 amount = uint256(-deviationWh) * ctx.shortPrice;
                debtNano = _charge(unit, ctx.brp, amount);
                imbalanceNano = -SafeCast.toInt256(amount);
            }
            if (!missing && m.kind == InstructionKind.Balancing) {
                (int256 balancingNano, uint256 debt, uint256 deferred) = _settleBalancing(ctx, unit, m);
                imbalanceNano += balancingNano;
                debtNano += debt;
                deferredNano += deferred;
            }
            if (missing) {
                feeNano = _missingReadingFeeNano;
                debtNano += _charge(unit, ctx.brp, feeNano);
            }
        }
        emit Settled(ctx.slot, unit, tradeNano, imbalanceNano, deviationWh, feeNano, released, debtNano, deferredNano, missing);
        return true;
    }

    /// @dev Metered minus scheduled net export, Wh. A missing reading is deemed the worst case:
    /// import at the rating, no export, no instruction. Otherwise the operator's instruction removes
    /// what it explains: curtailment a shortfall, shedding a surplus, never beyond zero; balancing
    /// energy all of itself, whatever the sign left (it is settled apart, and what the unit did
    /// besides the order is its own imbalance).
    function _deviationWh(MeterRecord storage m, bool missing, uint32 rating, int256 scheduledNetExportWh)
        private
        view
        returns (int256 deviationWh)
    {
        if (missing) return -int256(uint256(rating)) - scheduledNetExportWh;
        deviationWh = int256(uint256(m.exportWh)) - int256(uint256(m.importWh)) - scheduledNetExportWh;
        if (m.kind == InstructionKind.Balancing) {
            deviationWh -= int256(uint256(m.shedWh)) - int256(uint256(m.curtailedWh));
        } else if (deviationWh < 0 && m.curtailedWh != 0) {
            int256 explained = int256(uint256(m.curtailedWh));
            deviationWh = explained >= -deviationWh ? int256(0) : deviationWh + explained;
        } else if (deviationWh > 0 && m.shedWh != 0) {
            int256 explained = int256(uint256(m.shedWh));
            deviationWh = explained >= deviationWh ? int256(0) : deviationWh - explained;
        }
    }

    /// @dev Balancing energy the operator ordered, at the prices the BRP would pay or get for it in
    /// the market's imbalance: what the unit supplied on order is what the BRP would otherwise buy
    /// short, what it absorbed on order is surplus the BRP would otherwise sell long. Returns the
    /// net payment (+ received) and what became the unit's debt or its claim on the BRP.
    function _settleBalancing(SlotContext memory ctx, uint32 unit, MeterRecord storage m)
        private
        returns (int256 nano, uint256 debt, uint256 deferred)
    {
        uint256 paid = uint256(m.shedWh) * ctx.shortPrice;
        uint256 charged = uint256(m.curtailedWh) * ctx.longPrice;
        if (paid != 0) deferred = _payFromBrp(ctx, unit, paid);
        if (charged != 0) debt = _charge(unit, ctx.brp, charged);
        // Each below 2^32 Wh x 2^32 micro-units per kWh: the casts are exact.
        nano = int256(paid) - int256(charged);
        emit BalancingSettled(ctx.slot, unit, m.shedWh, m.curtailedWh, nano);
    }

    /// @dev Counts `settled` more units settled in `slot`; the slot closes when all registered units are.
    function _tally(uint32 slot, uint256 settled) private {
        // Settlement needed the slot cleared, so its ring word is the slot's.
        SlotState storage t = _slotStates[slot % _ringSlots];
        uint256 total = t.settledUnits + settled;
        t.settledUnits = SafeCast.toUint32(total);
        if (!t.closed && total >= _unitCount) {
            t.closed = true;
            // Settlement needs the day-ahead auction cleared, which opened the slot.
            --_openSlots;
            // Settlement opened the slot's day.
            --_ring[(slot / _slotsPerDay) % RING_DAYS].openSlots;
            emit SlotClosed(slot);
        }
    }

    function _imbalancePrices(DoubleAuction.Result memory dayAhead, DoubleAuction.Result memory intraday)
        private
        view
        returns (uint256 shortPrice, uint256 longPrice, uint256 referencePrice)
    {
        ImbalancePrice.Rule memory rule = ImbalancePrice.Rule({
            fallbackPrice: _imbalanceFallbackPrice,
            minVolumeWh: _imbalanceMinVolumeWh,
            penaltyBps: _imbalancePenaltyBps,
            shortFloor: _shortPriceFloor,
            longCap: _longPriceCap,
            priceCap: _priceCap
        });
        return _clearing.imbalancePrices(rule, dayAhead.price, dayAhead.volumeWh, intraday.price, intraday.volumeWh);
    }

    function _readingDigest(MeterReading calldata r) private view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(METER_READING_TYPEHASH, r.unit, r.slot, r.importWh, r.exportWh)));
    }

    // ---------------------------------------------------------------- internal: settlement money

    /// @dev The BRP pays a long deviation from its unlocked balance; what it cannot pay now becomes
    /// its debt and the unit's claim (returned), so the unit's settlement never waits for the BRP.
    function _payFromBrp(SlotContext memory ctx, uint32 unit, uint256 amountNano) private returns (uint256 deferred) {
        deferred = _pay(ctx.brp, unit, amountNano);
        if (deferred != 0) {
            _claims[unit] += deferred;
            emit LongPayoutDeferred(ctx.slot, unit, deferred);
        }
    }

    // ---------------------------------------------------------------- internal: helpers

    function _requireCleared(Stage stage, uint32 slot) private view returns (DoubleAuction.Result memory r) {
        r = _resultOf(stage, slot);
        if (!r.cleared) revert Settlement__NotCleared(stage, slot);
    }

    /// @dev (stage, slot)'s clearing outcome, empty (not cleared) until it is; reverts once the slot's day is recycled.
    function _resultOf(Stage stage, uint32 slot) private view returns (DoubleAuction.Result memory r) {
        SlotState memory state = _slotStateOf(slot);
        if (stage == Stage.DayAhead ? state.dayAheadCleared : state.intradayCleared) r = _results[_ringKey(stage, slot)];
    }

    /// @dev `slot`'s state to write: while the ring word is an earlier slot's (whose day has closed:
    /// {_openDay} ran first), it is first emptied to name this slot.
    function _stateFor(uint32 slot) private returns (SlotState storage state) {
        state = _slotStates[slot % _ringSlots];
        if (state.slot != slot) {
            (state.slot, state.dayAheadCleared, state.intradayCleared, state.settledUnits, state.closed) = (slot, false, false, 0, false);
        }
    }

    function _periodOf(Stage stage, uint32 slot) private view returns (uint32) {
        return stage == Stage.DayAhead ? slot / _slotsPerDay : slot / _slotsPerHour;
    }

    /// @dev Where (stage, slot)'s curves live in the ring.
    function _ringKey(Stage stage, uint32 slot) private view returns (uint256) {
        return (uint256(slot % _ringSlots) << 1) | uint256(stage);
    }

    /// @dev Opens `day` on its first write: it takes over the ring position of `day - ringDays`, which
    /// must have every slot closed; a day older than the position's occupant is recycled.
    function _openDay(uint32 day) private {
        RingDay storage r = _ring[day % RING_DAYS];
        if (r.used) {
            if (r.day == day) return;
            if (r.day > day) revert Ring__DayRecycled(day, r.day);
            if (r.openSlots != 0) revert Ring__DayUnsettled(day, r.day, r.openSlots);
        }
        (r.used, r.day, r.openSlots) = (true, day, _slotsPerDay);
        emit DayOpened(day);
    }

    /// @dev `unit`'s curves in (stage, slot): zero for a side it did not bid in the period.
    function _curvesOf(Stage stage, uint32 slot, uint32 unit) private view returns (uint256 buy, uint256 sell) {
        if (!_holdsRing(slot / _slotsPerDay)) return (0, 0);
        Curves storage c = _curves[_ringKey(stage, slot)][unit];
        uint32 period = _periodOf(stage, slot);
        if (_isBidder(stage, period, unit, OrderCurve.SIDE_BUY)) buy = c.buy;
        if (_isBidder(stage, period, unit, OrderCurve.SIDE_SELL)) sell = c.sell;
    }

    function _isBidder(Stage stage, uint32 period, uint32 unit, uint256 side) private view returns (bool) {
        uint256 held = _bidders[_bidderKey(stage, period, side)][unit / BIDDERS_PER_WORD];
        return _liveBidders(held, period) & (uint256(1) << (unit % BIDDERS_PER_WORD)) != 0;
    }

    /// @dev The bidder bits of a bitmap word if it is tagged with `period`, none if an earlier period's.
    function _liveBidders(uint256 taggedBits, uint32 period) private pure returns (uint256) {
        unchecked {
            return taggedBits >> BIDDERS_PER_WORD == uint256(period) + 1 ? taggedBits & ((uint256(1) << BIDDERS_PER_WORD) - 1) : 0;
        }
    }

    function _bidderTag(uint32 period) private pure returns (uint256) {
        return (uint256(period) + 1) << BIDDERS_PER_WORD;
    }

    /// @dev (slot, unit)'s record to write: while the ring word is an earlier slot's, it is first
    /// emptied to name this slot (the second write to a word in a transaction costs 100 gas).
    function _recordFor(uint32 slot, uint32 unit) private returns (MeterRecord storage m) {
        m = _meterRecords[slot % _ringSlots][unit];
        if (_holdsRecord(m, slot)) return m;
        _meterRecords[slot % _ringSlots][unit] = MeterRecord(slot, false, false, 0, 0, 0, 0, InstructionKind.Curtailment);
    }

    /// @dev Whether the ring word `m` is `slot`'s record (false: an earlier slot's); reverts when a later slot's.
    function _holdsRecord(MeterRecord storage m, uint32 slot) private view returns (bool) {
        uint32 held = m.slot;
        if (held > slot) revert Ring__DayRecycled(slot / _slotsPerDay, held / _slotsPerDay);
        return held == slot;
    }

    /// @dev Where a period's bidder bitmap of one side lives: the period's place in the ring (a day's
    /// place for day-ahead, an hour's for intra-day), so the bitmaps take no more words as days pass.
    function _bidderKey(Stage stage, uint32 period, uint256 side) private pure returns (uint256) {
        uint256 place = stage == Stage.DayAhead ? uint256(period) % RING_DAYS : uint256(period) % (uint256(RING_DAYS) * 24);
        return (place << 2) | (uint256(stage) << 1) | side;
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
