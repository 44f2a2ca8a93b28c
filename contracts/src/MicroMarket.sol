// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {LibBit} from "solady/src/utils/LibBit.sol";
import {ClearingEngine} from "./ClearingEngine.sol";
import {DoubleAuction} from "./libraries/DoubleAuction.sol";
import {ImbalancePrice} from "./libraries/ImbalancePrice.sol";
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
/// Idempotent batches. Clearing, relaying readings, recording instructions and settling skip an item
/// that is already done (with an event) instead of reverting, so nobody can make the operator's
/// batch fail by doing one of its items first. Until a slot's reading window closes only the
/// operator settles it, after its instructions: nobody settles a unit ahead of its curtailment.
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
    /// @notice A unit's meter key must not be its trading key: metering is not self-attested.
    /// @param account The address given as both.
    error Registry__MeterIsTrader(address account);
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
    /// @param unit The unit. @param caller The account that is not its proposed new trader.
    error Registry__NotProposedTrader(uint32 unit, address caller);
    /// @param unit The unit the operator has suspended from trading.
    error Registry__UnitSuspended(uint32 unit);
    /// @notice Deposits and withdrawals move a positive amount.
    error Escrow__ZeroAmount();
    /// @param unit The unit. @param requestedNano Asked for. @param freeNano What it may withdraw.
    error Escrow__InsufficientFreeBalance(uint32 unit, uint256 requestedNano, uint256 freeNano);
    /// @param unit The unit. @param requiredNano locked + margin after the order. @param balanceNano Its balance.
    error Escrow__InsufficientCollateral(uint32 unit, uint256 requiredNano, uint256 balanceNano);
    /// @param unit The unit. @param debtNano What it owes.
    error Escrow__InDebt(uint32 unit, uint256 debtNano);
    /// @param stage The auction. @param period Day (day-ahead) or hour (intra-day). @param gate When it closed.
    error Auction__GateClosed(Stage stage, uint32 period, uint64 gate);
    /// @param hour The delivery hour. @param opens When its intra-day auction opens (its day's day-ahead gate).
    error Auction__IntradayNotOpen(uint32 hour, uint64 opens);
    /// @param stage The auction. @param slot The slot. @param gate When its gate closes.
    error Auction__GateNotClosed(Stage stage, uint32 slot, uint64 gate);
    /// @param expected Curves per submission (slots in the period). @param actual Curves given.
    error Auction__WrongCurveCount(uint256 expected, uint256 actual);
    /// @param slot The slot. @param step The step. @param price Its price, outside [floor, cap].
    error Auction__PriceOutOfBounds(uint32 slot, uint256 step, uint32 price);
    /// @param slot The slot. @param step A step with zero quantity but a price.
    error Auction__NonCanonicalStep(uint32 slot, uint256 step);
    /// @param slot The slot. @param side 0 buy, 1 sell. @param quantityWh Offered over both auctions. @param ratingWh The unit's rating.
    error Auction__AboveRating(uint32 slot, uint256 side, uint256 quantityWh, uint32 ratingWh);
    /// @param slot The slot. @param highestBuy The unit's highest buy price. @param lowestSell Its lowest sell price (<= highestBuy).
    error Auction__SelfCrossing(uint32 slot, uint256 highestBuy, uint256 lowestSell);
    /// @notice A clearing range needs at least one slot.
    error Auction__EmptyRange();
    /// @param readings Readings given. @param signatures Signatures given.
    error Meter__LengthMismatch(uint256 readings, uint256 signatures);
    /// @param slot The slot. @param end When it ends.
    error Meter__SlotNotEnded(uint32 slot, uint64 end);
    /// @param slot The slot. @param deadline When its reading window closed.
    error Meter__ReadingWindowClosed(uint32 slot, uint64 deadline);
    /// @param unit The unit. @param recovered The signer recovered (zero if the signature is malformed).
    error Meter__InvalidSigner(uint32 unit, address recovered);
    /// @param slot The slot. @param start When it starts.
    error Instruction__SlotNotStarted(uint32 slot, uint64 start);
    /// @param unit The unit. @param energyWh The instructed energy. @param ratingWh The unit's rating.
    error Instruction__AboveRating(uint32 unit, uint32 energyWh, uint32 ratingWh);
    /// @param stage The auction not yet cleared. @param slot The slot.
    error Settlement__NotCleared(Stage stage, uint32 slot);
    /// @param unit The unit. @param slot The slot. @param deadline When the reading window closes.
    error Settlement__ReadingPending(uint32 unit, uint32 slot, uint64 deadline);
    /// @notice Until a slot's reading window closes only the operator settles it (after recording its
    /// instructions); anyone may after. @param slot The slot. @param deadline When the window closes.
    error Settlement__WindowOpen(uint32 slot, uint64 deadline);
    /// @param through The first slot no uplift has been paid for yet.
    error Uplift__PeriodPaid(uint32 fromSlot, uint32 toSlot, uint32 through);
    error Uplift__PeriodOpen(uint32 slot);
    /// @notice Units must be ascending (each once) and not the BRP, each share at most `capNano`:
    /// its rating x the period's slots at the price cap.
    error Uplift__InvalidShare(uint32 unit, uint256 nano, uint256 capNano);

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
    /// @notice The market's rules, as deployed (immutable: read them here or from the deployment's calldata).
    event MarketOpened(address token, address clearing, address operator, MarketConfig config);
    event KeysProposed(uint32 indexed unit, address trader, address meter);
    event KeysRotated(uint32 indexed unit, address oldTrader, address oldMeter, address trader, address meter);
    event UnitSuspended(uint32 indexed unit);
    event UnitReinstated(uint32 indexed unit);
    event Deposited(uint32 indexed unit, address indexed from, uint256 amountMicro);
    event Withdrawn(uint32 indexed unit, address indexed to, uint256 amountMicro);
    event DebtIncurred(uint32 indexed unit, uint256 debtNano);
    event DebtRepaid(uint32 indexed unit, uint256 repaidNano);
    /// @notice A long payout the BRP could not pay now: owed to `unit` as a claim.
    event LongPayoutDeferred(uint32 indexed slot, uint32 indexed unit, uint256 deferredNano);
    event ClaimPaid(uint32 indexed unit, uint256 paidNano);
    /// @param lockedNano The unit's collateral locked by all its open orders after the submission.
    event OrdersSubmitted(Stage indexed stage, uint32 indexed period, uint32 indexed unit, uint256 lockedNano);
    event SlotCleared(Stage indexed stage, uint32 indexed slot, uint32 price, uint64 volumeWh);
    event ClearingSkipped(Stage indexed stage, uint32 indexed slot);
    event ReadingReported(uint32 indexed slot, uint32 indexed unit, uint64 importWh, uint64 exportWh);
    /// @notice A reading above the unit's rating: accepted and settled, flagged for the operator's review.
    event ReadingAboveRating(uint32 indexed slot, uint32 indexed unit, uint64 importWh, uint64 exportWh, uint32 ratingWh);
    event ReadingSkipped(uint32 indexed slot, uint32 indexed unit);
    event InstructionRecorded(uint32 indexed slot, uint32 indexed unit, uint32 curtailedWh, uint32 shedWh, InstructionKind kind);
    event InstructionSkipped(uint32 indexed slot, uint32 indexed unit);
    /// @param tradeNano Auction trades at their clearing prices (+ received). @param imbalanceNano
    /// The imbalance payment, balancing energy included (+ received from the BRP; the split is in
    /// {BalancingSettled}). @param deviationWh The deviation priced as imbalance.
    /// @param feeNano The missing-reading fee charged. @param releasedNano Collateral released.
    /// @param debtNano What of the charges the unit could not pay (now its debt to the BRP).
    /// @param deferredNano What of a long payout the BRP could not pay (now the unit's claim).
    event Settled(
        uint32 indexed slot,
        uint32 indexed unit,
        int256 tradeNano,
        int256 imbalanceNano,
        int256 deviationWh,
        uint256 feeNano,
        uint256 releasedNano,
        uint256 debtNano,
        uint256 deferredNano,
        bool readingMissing
    );
    event SettlementSkipped(uint32 indexed slot, uint32 indexed unit);
    /// @notice Balancing energy the operator ordered, settled with the BRP: `suppliedWh` at the short
    /// price (paid to the unit), `absorbedWh` at the long price (charged); `nano` is the net (+ received).
    event BalancingSettled(uint32 indexed slot, uint32 indexed unit, uint32 suppliedWh, uint32 absorbedWh, int256 nano);
    /// @notice A long deviation beyond twice the unit's rating (only a reading above the rating gives one) is paid up to that bound.
    event DeviationCapped(uint32 indexed slot, uint32 indexed unit, int256 deviationWh, uint256 paidWh);
    /// @notice `unit`'s share of the uplift for slots [fromSlot, toSlot), credited to the BRP; `debtNano` of it became its debt.
    event UpliftCharged(uint32 indexed unit, uint32 fromSlot, uint32 toSlot, uint256 nano, uint256 debtNano);
    /// @notice Every registered unit is settled in `slot`: it no longer counts towards the BRP's reserve.
    event SlotClosed(uint32 indexed slot);

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
        Grid,
        Prosumer
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
        uint32 imbalanceFallbackPrice; // the posted reference that fills volume below the minimum
        uint64 imbalanceMinVolumeWh; // below this traded volume the fallback price fills the rest
        uint32 shortPriceFloor; // what the BRP pays to cover a shortfall: the short price is never below
        uint32 longPriceCap; // what the BRP earns for a surplus: the long price is never above
        uint64 missingReadingFeeNano; // charged per missing reading, to the BRP
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

    /// @dev Word 0 packs what every trade checks: trader (160) | kind (8) | brp flag (8) | suspended (8) | rating (32).
    struct Unit {
        address trader;
        UnitKind kind;
        bool balanceResponsible;
        bool suspended;
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

    /// @dev How an instruction is settled. Curtailment: a schedule-following unit curtailed or shed
    /// by the balance; the order waives the imbalance it explains. Balancing: a storage unit the
    /// island balance moved; the order is balancing energy, paid for ({BalancingSettled}).
    enum InstructionKind {
        Curtailment,
        Balancing
    }

    /// @dev The operator's order to a unit in a slot: its net export lowered (`curtailedWh`: export
    /// curtailed, or energy absorbed on order) or raised (`shedWh`: import shed, or energy supplied
    /// on order) by this much.
    struct Instruction {
        uint32 unit;
        uint32 curtailedWh;
        uint32 shedWh;
        InstructionKind kind;
    }

    /// @dev One unit's share of an uplift, nano-tokens.
    struct UpliftShare {
        uint32 unit;
        uint256 nano;
    }

    /// @dev One word per (slot, unit): reading, instruction and settlement state together, so
    /// settling touches one word: reported (8) | settled (8) | import (64) | export (64) | curtailed (32) | shed (32) | kind (8).
    struct MeterRecord {
        bool reported;
        bool settled;
        uint64 importWh;
        uint64 exportWh;
        uint32 curtailedWh;
        uint32 shedWh;
        InstructionKind kind;
    }

    /// @dev One unit's orders in one slot of one auction (see {OrderCurve} for the packing).
    struct Curves {
        uint256 buy;
        uint256 sell;
    }

    /// @dev How many units are settled in a slot, and whether the slot has closed (all of them were).
    struct SlotTally {
        uint32 settledUnits;
        bool closed;
    }

    struct PendingKeys {
        address trader;
        address meter;
    }

    /// @dev What settling one slot needs, computed once per call.
    struct SlotContext {
        uint32 slot;
        uint32 brp;
        uint64 deadline;
        uint256 shortPrice;
        uint256 longPrice;
        DoubleAuction.Result dayAhead;
        DoubleAuction.Result intraday;
    }

    /// @dev A unit's position in one auction of a slot, and the collateral its orders there locked.
    struct Position {
        uint256 boughtWh;
        uint256 soldWh;
        uint256 collateralNano;
    }

    // ---------------------------------------------------------------- storage

    IERC20 private immutable _token;
    /// @dev The clearing rule, deployed by the constructor (see {ClearingEngine} for why it is apart).
    ClearingEngine private immutable _clearing;
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
    uint64 private immutable _imbalanceMinVolumeWh;
    uint32 private immutable _shortPriceFloor;
    uint32 private immutable _longPriceCap;
    uint64 private immutable _missingReadingFeeNano;

    uint32 private _unitCount;
    uint32 private _balanceResponsibleUnit;
    /// @dev Slots whose day-ahead auction is cleared and that are not yet settled for every unit.
    uint32 private _openSlots;
    /// @dev The sum of every unit's rating but the BRP's, Wh per slot: the BRP's reserve scales with it.
    uint64 private _ratedWh;
    /// @dev The first slot no uplift has been paid for: an uplift period starts here or later.
    uint32 private _upliftThrough;
    /// @dev The market's side of every auction trade: buyers pay in, sellers are paid out. It returns
    /// to zero once every unit of a slot is settled; in between it may be negative because sellers
    /// can settle before buyers, whose collateral stays locked until they do.
    int256 private _clearingHouseNano;
    /// @dev What the BRP has repaid of its debt, waiting for the units it owes to collect their claims.
    uint256 private _claimsFundNano;

    mapping(uint32 unit => Unit) private _units;
    mapping(bytes32 unitId => uint32 unit) private _unitIndex;
    mapping(uint32 unit => PendingKeys) private _pendingKeys;
    mapping(uint32 unit => Account) private _accounts;
    mapping(uint32 unit => uint256 claimNano) private _claims;
    mapping(uint256 bookKey => mapping(uint32 unit => Curves)) private _curves;
    /// @dev Which units have submitted a side in a period: a bitmap, 256 units per word, so that the
    /// clearing reads only the curves of units that bid.
    mapping(uint256 bidderKey => mapping(uint256 word => uint256 bits)) private _bidders;
    mapping(uint256 bookKey => DoubleAuction.Result) private _results;
    mapping(uint32 slot => mapping(uint32 unit => MeterRecord)) private _meterRecords;
    mapping(uint32 slot => SlotTally) private _tallies;

    // ---------------------------------------------------------------- constants

    /// @notice The most units one market holds. Every registered unit may bid four buy and four sell
    /// steps in a slot, so the largest book the contract admits has MAX_UNITS x 8 orders; this bound
    /// keeps that book's clearing under Ethereum's per-transaction gas cap (EIP-7825, 2^24 =
    /// 16.8 M) with more than 10 % headroom: the worst-slot test (tests/Market.Tests AttackTests)
    /// clears 640 x 8 orders in its worst shape for 13.6 M gas (81 % of the cap); 1 024 units took
    /// 22.3 M. The clearing's sort is a merge sort, so no arrangement of the book costs more.
    uint256 public constant MAX_UNITS = 640;
    uint256 private constant NANO_PER_MICRO = 1000;
    bytes32 private constant METER_READING_TYPEHASH =
        keccak256("MeterReading(uint32 unit,uint32 slot,uint64 importWh,uint64 exportWh)");

    // ---------------------------------------------------------------- construction

    constructor(IERC20 token_, MarketConfig memory config_) EIP712("MicroMarket", "1") {
        if (address(token_) == address(0)) revert Market__InvalidConfig("token");
        if (config_.slotSeconds == 0) revert Market__InvalidConfig("slotSeconds");
        if (config_.slotsPerHour == 0 || config_.slotsPerHour > 60) revert Market__InvalidConfig("slotsPerHour");
        if (config_.intradayGateLead > config_.dayAheadGateLead) revert Market__InvalidConfig("intradayGateLead");
        if (config_.priceFloor > config_.priceCap) revert Market__InvalidConfig("priceFloor");
        if (config_.imbalancePenaltyBps > ImbalancePrice.BPS) revert Market__InvalidConfig("imbalancePenaltyBps");
        if (config_.imbalanceFallbackPrice < config_.priceFloor || config_.imbalanceFallbackPrice > config_.priceCap) {
            revert Market__InvalidConfig("imbalanceFallbackPrice");
        }
        if (config_.shortPriceFloor > config_.priceCap) revert Market__InvalidConfig("shortPriceFloor");
        if (config_.longPriceCap > config_.priceCap) revert Market__InvalidConfig("longPriceCap");
        if (config_.readingWindow == 0) revert Market__InvalidConfig("readingWindow");
        _token = token_;
        _clearing = new ClearingEngine();
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
        _imbalanceMinVolumeWh = config_.imbalanceMinVolumeWh;
        _shortPriceFloor = config_.shortPriceFloor;
        _longPriceCap = config_.longPriceCap;
        _missingReadingFeeNano = config_.missingReadingFeeNano;
        emit MarketOpened(address(token_), address(_clearing), msg.sender, config_);
    }

    // ---------------------------------------------------------------- registry

    /// @notice Registers units; indices are assigned consecutively from 1.
    /// @dev Requirements: caller is the operator; unit ids unique; non-zero trader and meter, meter !=
    /// trader; at most one balance-responsible party. Emits {UnitRegistered} per unit.
    /// @return first The index of the first unit registered.
    function registerUnits(UnitSpec[] calldata specs) external returns (uint32 first) {
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
    function proposeKeys(uint32 unit, address trader, address meter) external {
        _requireOperator();
        _requireUnit(unit);
        _requireKeyPair(trader, meter);
        _pendingKeys[unit] = PendingKeys(trader, meter);
        emit KeysProposed(unit, trader, meter);
    }

    /// @notice Step 2: the proposed trader accepts, proving it holds the key; the rotation takes
    /// effect at once (readings must then be signed by the new meter key).
    /// @dev Requirements: caller is the proposed trader. Emits {KeysRotated}.
    function acceptKeys(uint32 unit) external {
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
    function suspendUnit(uint32 unit) external {
        _requireOperator();
        _requireUnit(unit).suspended = true;
        emit UnitSuspended(unit);
    }

    /// @notice Lifts a suspension. @dev Requirements: caller is the operator. Emits {UnitReinstated}.
    function reinstateUnit(uint32 unit) external {
        _requireOperator();
        _requireUnit(unit).suspended = false;
        emit UnitReinstated(unit);
    }

    // ---------------------------------------------------------------- escrow

    /// @notice Moves `amountMicro` micro-units of the token from the caller into `unit`'s escrow; any
    /// debt of the unit is repaid first.
    /// @dev Requirements: unit registered, amount > 0, allowance. Emits {Deposited}, maybe {DebtRepaid}.
    function deposit(uint32 unit, uint256 amountMicro) external nonReentrant {
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
    function withdraw(uint32 unit, uint256 amountMicro, address to) external nonReentrant {
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
    function collectClaim(uint32 unit) external {
        uint256 paid = _claims[unit];
        if (paid > _claimsFundNano) paid = _claimsFundNano;
        if (paid == 0) return;
        _claims[unit] -= paid;
        _claimsFundNano -= paid;
        _credit(unit, paid);
        emit ClaimPaid(unit, paid);
    }

    // ---------------------------------------------------------------- auctions

    /// @notice Submits (or replaces) `unit`'s day-ahead orders for every slot of `day`. Each array
    /// holds one packed curve per slot of the day ({OrderCurve}), or is empty for no orders of that
    /// side (which also withdraws that side's earlier orders).
    /// @dev Requirements: caller is the trader, unit not suspended and not in debt; before the day's
    /// gate; valid steps; per slot and side at most the rating; no crossing buy and sell; collateral.
    /// Emits {OrdersSubmitted}.
    function submitDayAhead(uint32 unit, uint32 day, uint256[] calldata buys, uint256[] calldata sells) external {
        _submit(Stage.DayAhead, unit, day, _slotsPerDay, buys, sells);
    }

    /// @notice Submits (or replaces) `unit`'s intra-day orders for the slots of delivery `hour`;
    /// same shape and rules as {submitDayAhead}, between the day-ahead gate of the hour's day and
    /// the hour's gate; the rating bounds the day-ahead and intra-day quantities together.
    function submitIntraday(uint32 unit, uint32 hour, uint256[] calldata buys, uint256[] calldata sells) external {
        uint64 opens = _gate(Stage.DayAhead, hour / 24);
        if (block.timestamp < opens) revert Auction__IntradayNotOpen(hour, opens);
        _submit(Stage.Intraday, unit, hour, _slotsPerHour, buys, sells);
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
            uint256 key = _bookKey(stage, slot);
            if (_results[key].cleared) {
                emit ClearingSkipped(stage, slot);
                continue;
            }
            uint256 scratch = _freeMemoryPointer();
            DoubleAuction.Result memory r = _clearing.clear(
                _collect(stage, period, slot, OrderCurve.SIDE_BUY), _collect(stage, period, slot, OrderCurve.SIDE_SELL)
            );
            _results[key] = r;
            if (stage == Stage.DayAhead) ++_openSlots;
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
        for (uint256 i; i < items.length; ++i) {
            Instruction calldata it = items[i];
            uint32 rating = _requireUnit(it.unit).maxWhPerSlot;
            if (it.curtailedWh > rating) revert Instruction__AboveRating(it.unit, it.curtailedWh, rating);
            if (it.shedWh > rating) revert Instruction__AboveRating(it.unit, it.shedWh, rating);
            MeterRecord storage m = _meterRecords[slot][it.unit];
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
        uint256 settled;
        for (uint256 i; i < units.length; ++i) {
            if (_settleOne(ctx, units[i])) ++settled;
        }
        if (settled != 0) _tally(slot, settled);
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
    function payUplift(uint32 fromSlot, uint32 toSlot, UpliftShare[] calldata shares) external {
        _requireOperator();
        uint32 through = _upliftThrough;
        if (fromSlot < through || toSlot <= fromSlot) revert Uplift__PeriodPaid(fromSlot, toSlot, through);
        if (!_tallies[toSlot - 1].closed) revert Uplift__PeriodOpen(toSlot - 1);
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

    // ---------------------------------------------------------------- views

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
            Position memory p = _position(stage, slot, unit, _results[_bookKey(stage, slot)], 0);
            (boughtWh[i], soldWh[i]) = (uint64(p.boughtWh), uint64(p.soldWh));
        }
    }

    function meterRecord(uint32 slot, uint32 unit) external view returns (MeterRecord memory) {
        return _meterRecords[slot][unit];
    }

    function slotTally(uint32 slot) external view returns (SlotTally memory) {
        return _tallies[slot];
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
        // Units that never bid a side in the period have only zero curves of that side: skip reading them.
        (bool hadBuys, bool hadSells) =
            (_markBidder(stage, period, unit, OrderCurve.SIDE_BUY, buys.length), _markBidder(stage, period, unit, OrderCurve.SIDE_SELL, sells.length));
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
            Curves storage c = _curves[_bookKey(stage, slot)][unit];
            oldLocked += _replace(c, true, hadBuys, buy, sellCap) + _replace(c, false, hadSells, sell, sellCap);
            newLocked += buy.collateralNano(true, sellCap) + sell.collateralNano(false, sellCap);
        }
        uint256 locked = a.lockedNano - oldLocked + newLocked;
        a.lockedNano = SafeCast.toUint128(locked);
        uint256 required = locked + a.marginNano;
        if (a.balanceNano < required) revert Escrow__InsufficientCollateral(unit, required, a.balanceNano);
        emit OrdersSubmitted(stage, period, unit, locked);
    }

    /// @dev Replaces one side's curve of a slot (a unit that never bid the side has none to read) and
    /// returns the collateral the old curve locked.
    function _replace(Curves storage c, bool isBuy, bool had, uint256 curve, uint256 sellCap) private returns (uint256 oldLockedNano) {
        uint256 old = had ? (isBuy ? c.buy : c.sell) : 0;
        if (old != curve) {
            if (isBuy) c.buy = curve;
            else c.sell = curve;
        }
        return old.collateralNano(isBuy, sellCap);
    }

    /// @dev Marks `unit` a bidder of `side` in the period when it gives curves; returns whether it was one before.
    function _markBidder(Stage stage, uint32 period, uint32 unit, uint256 side, uint256 given) private returns (bool had) {
        mapping(uint256 => uint256) storage bidders = _bidders[_bidderKey(stage, period, side)];
        uint256 word = unit >> 8;
        uint256 bit = uint256(1) << (unit & 0xff);
        had = bidders[word] & bit != 0;
        if (!had && given != 0) bidders[word] |= bit;
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
            Curves storage dayAhead = _curves[_bookKey(Stage.DayAhead, slot)][unit];
            if (buyWh != 0) buyWh += dayAhead.buy.totalWh();
            if (sellWh != 0) sellWh += dayAhead.sell.totalWh();
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
        // order ids stay below 2^13 (MAX_UNITS x 8); step fields are masked to 32 bits.
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

    /// @dev Bought and sold energy of `unit` in a cleared slot, and the collateral its curves there
    /// locked (sells valued with `sellCap`: the price cap, or 0 for the BRP and for views).
    function _position(Stage stage, uint32 slot, uint32 unit, DoubleAuction.Result memory r, uint256 sellCap)
        private
        view
        returns (Position memory p)
    {
        Curves storage c = _curves[_bookKey(stage, slot)][unit];
        (uint256 buyCurve, uint256 sellCurve) = (c.buy, c.sell);
        p.collateralNano = buyCurve.collateralNano(true, sellCap) + sellCurve.collateralNano(false, sellCap);
        if (r.volumeWh == 0) return p;
        for (uint256 k; k < OrderCurve.STEPS; ++k) {
            p.boughtWh += _stepFill(r, buyCurve, unit, OrderCurve.SIDE_BUY, k);
            p.soldWh += _stepFill(r, sellCurve, unit, OrderCurve.SIDE_SELL, k);
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
        MeterRecord storage m = _meterRecords[ctx.slot][unit];
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
        SlotTally storage t = _tallies[slot];
        uint256 total = t.settledUnits + settled;
        t.settledUnits = SafeCast.toUint32(total);
        if (!t.closed && total >= _unitCount) {
            t.closed = true;
            // Settlement needs the day-ahead auction cleared, which opened the slot.
            --_openSlots;
            emit SlotClosed(slot);
        }
    }

    /// @dev The BRP pays a long deviation from its unlocked balance; what it cannot pay now becomes
    /// its debt and the unit's claim (returned), so the unit's settlement never waits for the BRP.
    function _payFromBrp(SlotContext memory ctx, uint32 unit, uint256 amountNano) private returns (uint256 deferred) {
        Account storage b = _accounts[ctx.brp];
        uint256 available = b.balanceNano - b.lockedNano;
        uint256 paid = amountNano < available ? amountNano : available;
        b.balanceNano -= uint128(paid); // paid <= available <= balance
        _credit(unit, paid);
        if (paid < amountNano) {
            deferred = amountNano - paid;
            b.debtNano = SafeCast.toUint128(b.debtNano + deferred);
            _claims[unit] += deferred;
            emit DebtIncurred(ctx.brp, deferred);
            emit LongPayoutDeferred(ctx.slot, unit, deferred);
        }
    }

    /// @dev A unit pays a charge from its unlocked balance (margin included, other slots' collateral
    /// never); what it cannot pay becomes debt owed to the BRP (returned).
    function _charge(uint32 unit, uint32 brp, uint256 amountNano) private returns (uint256 unpaid) {
        Account storage a = _accounts[unit];
        uint256 available = a.balanceNano - a.lockedNano;
        uint256 paid = amountNano < available ? amountNano : available;
        a.balanceNano -= uint128(paid); // paid <= available <= balance
        _credit(brp, paid);
        if (paid < amountNano) {
            unpaid = amountNano - paid;
            a.debtNano = SafeCast.toUint128(a.debtNano + unpaid);
            emit DebtIncurred(unit, unpaid);
        }
    }

    /// @dev Every credit repays the unit's debt first: a unit's debt to the BRP, the BRP's debt into
    /// the claims fund the units it owes collect from.
    function _credit(uint32 unit, uint256 amountNano) private {
        Account storage a = _accounts[unit];
        uint256 debt = a.debtNano;
        if (debt != 0 && amountNano != 0) {
            uint256 repaid = amountNano < debt ? amountNano : debt;
            a.debtNano = uint128(debt - repaid); // <= debt
            amountNano -= repaid;
            emit DebtRepaid(unit, repaid);
            uint32 brp = _balanceResponsibleUnit;
            if (unit == brp) _claimsFundNano += repaid;
            else _credit(brp, repaid);
        }
        a.balanceNano = SafeCast.toUint128(a.balanceNano + amountNano);
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

    // ---------------------------------------------------------------- internal: helpers

    function _requireOperator() private view {
        if (msg.sender != _operator) revert Registry__NotOperator(msg.sender);
    }

    function _requireKeyPair(address trader, address meter) private pure {
        if (trader == address(0) || meter == address(0)) revert Registry__ZeroAddress();
        if (trader == meter) revert Registry__MeterIsTrader(trader);
    }

    function _requireUnit(uint32 unit) private view returns (Unit storage u) {
        if (unit == 0 || unit > _unitCount) revert Registry__UnknownUnit(unit);
        return _units[unit];
    }

    function _requireTrader(uint32 unit) private view returns (Unit storage u) {
        u = _requireUnit(unit);
        if (u.trader != msg.sender) revert Registry__NotTrader(unit, msg.sender);
    }

    function _requireCleared(Stage stage, uint32 slot) private view returns (DoubleAuction.Result memory r) {
        r = _results[_bookKey(stage, slot)];
        if (!r.cleared) revert Settlement__NotCleared(stage, slot);
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
