// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {DoubleAuction} from "./libraries/DoubleAuction.sol";
import {ImbalancePrice} from "./libraries/ImbalancePrice.sol";

/// @title MarketState
/// @notice What {MicroMarket} and {MarketRegistry} share: the market's errors, events, types, rules
/// (immutables), storage, and the helpers both use. On chain they are one contract: MicroMarket runs
/// MarketRegistry's code by delegatecall on its own storage ({MicroMarket-fallback}), which keeps the
/// market's runtime code within EIP-170's 24 576 bytes. Storage is declared here and nowhere else,
/// and both contracts inherit this one first, so both see the same layout. The rules are
/// MicroMarket's notes and docs/market-rules.md.
abstract contract MarketState {
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
    /// @notice `day` cannot open: its storage still holds `occupant`, of which `openSlots` slots are
    /// not yet settled for every unit (settle them first; anyone may once their window has closed).
    error Ring__DayUnsettled(uint32 day, uint32 occupant, uint32 openSlots);
    /// @notice `day`'s storage has been reused by the later day `occupant`: its slots are settled and
    /// its records are in the events only.
    error Ring__DayRecycled(uint32 day, uint32 occupant);
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
    event MarketOpened(address token, address clearing, address registry, address operator, MarketConfig config);
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
    /// @notice `day` took over the ring storage of day `day - ringDays` (all of whose slots were closed).
    event DayOpened(uint32 indexed day);

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
    /// settling touches one word: slot (32) | reported (8) | settled (8) | import (64) | export (64) |
    /// curtailed (32) | shed (32) | kind (8). The word is reused by the slot `ringDays` later: a word
    /// whose `slot` is another slot's holds nothing of this one (an all-zero word is slot 0's empty record).
    struct MeterRecord {
        uint32 slot;
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

    /// @dev One ring position: the day whose storage it holds and how many of its slots are not yet
    /// closed (every unit settled). `used` tells day 0 from a position never used.
    struct RingDay {
        bool used;
        uint32 day;
        uint32 openSlots;
    }

    /// @dev One word per ring slot: the slot it holds, which of its auctions are cleared, how many
    /// units are settled and whether it has closed (all of them were). A word whose `slot` is an
    /// earlier slot's holds nothing of this one (an all-zero word is slot 0's empty state).
    struct SlotState {
        uint32 slot;
        bool dayAheadCleared;
        bool intradayCleared;
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

    IERC20 internal immutable _token;
    address internal immutable _operator;
    uint64 internal immutable _genesis;
    uint32 internal immutable _slotSeconds;
    uint32 internal immutable _slotsPerHour;
    uint32 internal immutable _slotsPerDay;
    uint32 internal immutable _dayAheadGateLead;
    uint32 internal immutable _intradayGateLead;
    uint32 internal immutable _readingWindow;
    uint32 internal immutable _priceFloor;
    uint32 internal immutable _priceCap;
    uint16 internal immutable _imbalancePenaltyBps;
    uint32 internal immutable _imbalanceFallbackPrice;
    uint64 internal immutable _imbalanceMinVolumeWh;
    uint32 internal immutable _shortPriceFloor;
    uint32 internal immutable _longPriceCap;
    uint64 internal immutable _missingReadingFeeNano;
    /// @dev Slots in the storage ring (RING_DAYS x slots per day).
    uint32 internal immutable _ringSlots;

    uint32 internal _unitCount;
    uint32 internal _balanceResponsibleUnit;
    /// @dev Slots whose day-ahead auction is cleared and that are not yet settled for every unit.
    uint32 internal _openSlots;
    /// @dev The sum of every unit's rating but the BRP's, Wh per slot: the BRP's reserve scales with it.
    uint64 internal _ratedWh;
    /// @dev The first slot no uplift has been paid for: an uplift period starts here or later.
    uint32 internal _upliftThrough;
    /// @dev The market's side of every auction trade: buyers pay in, sellers are paid out. It returns
    /// to zero once every unit of a slot is settled; in between it may be negative because sellers
    /// can settle before buyers, whose collateral stays locked until they do.
    int256 internal _clearingHouseNano;
    /// @dev What the BRP has repaid of its debt, waiting for the units it owes to collect their claims.
    uint256 internal _claimsFundNano;

    mapping(uint32 unit => Unit) internal _units;
    mapping(bytes32 unitId => uint32 unit) internal _unitIndex;
    mapping(uint32 unit => PendingKeys) internal _pendingKeys;
    mapping(uint32 unit => Account) internal _accounts;
    mapping(uint32 unit => uint256 claimNano) internal _claims;
    /// @dev Keyed by {_ringKey}: the ring's slot and the stage.
    mapping(uint256 ringKey => mapping(uint32 unit => Curves)) internal _curves;
    /// @dev Which units have submitted a side in a period, so that the clearing reads only the curves
    /// of units that bid: a bitmap of BIDDERS_PER_WORD units per word, tagged in its top 128 bits with
    /// the period + 1 it holds (a word tagged otherwise holds no bidder of this period). Keyed by
    /// {_bidderKey}: the period's place in the ring, the stage and the side.
    mapping(uint256 bidderKey => mapping(uint256 word => uint256 taggedBits)) internal _bidders;
    /// @dev Keyed by {_ringKey}; a result is (stage, slot)'s only while the slot's {SlotState} names the
    /// slot and has the stage cleared.
    mapping(uint256 ringKey => DoubleAuction.Result) internal _results;
    /// @dev Keyed by the ring's slot (`slot % _ringSlots`); the record names its slot.
    mapping(uint256 ringSlot => mapping(uint32 unit => MeterRecord)) internal _meterRecords;
    mapping(uint256 position => RingDay) internal _ring;
    /// @dev Keyed by the ring's slot (`slot % _ringSlots`).
    mapping(uint256 ringSlot => SlotState) internal _slotStates;

    // ---------------------------------------------------------------- constants

    /// @notice The most units one market holds. Every registered unit may bid four buy and four sell
    /// steps in a slot, so the largest book the contract admits has MAX_UNITS x 8 orders; this bound
    /// keeps that book's clearing under Ethereum's per-transaction gas cap (EIP-7825, 2^24 =
    /// 16.8 M) with more than 10 % headroom: the worst-slot test (tests/Market.Tests AttackTests)
    /// clears 640 x 8 orders in its worst shape for 13.6 M gas (81 % of the cap); 1 024 units took
    /// 22.3 M. The clearing's sort is a merge sort, so no arrangement of the book costs more.
    uint256 public constant MAX_UNITS = 640;
    uint256 internal constant NANO_PER_MICRO = 1000;
    /// @notice Days in the storage ring (see the contract notes): a day-ahead gate up to a day before
    /// its day, with the reading window, leaves a day of slack. Every day more would cost every
    /// block's mining on Anvil a third more storage to rehash (docs/market-rules.md, "Storage ring").
    uint32 public constant RING_DAYS = 3;
    /// @dev Units per bidder bitmap word: the word's top half tags the period it holds. A power of two,
    /// so that settlement's four bidder checks per unit are shifts and masks.
    uint256 internal constant BIDDERS_PER_WORD = 128;

    // ---------------------------------------------------------------- construction

    constructor(IERC20 token_, MarketConfig memory config_, address operator_) {
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
        _operator = operator_;
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
        // Day d + RING_DAYS opens with its first write, at the latest its day-ahead orders (the gate's
        // lead before it); day d must be settled by then: it ends RING_DAYS - 1 days before day
        // d + RING_DAYS starts, and its reading window and a day's slack for early bidders and a late
        // operator must fit in between with the lead.
        if (uint256(config_.dayAheadGateLead) + config_.readingWindow > (RING_DAYS - 2) * uint256(config_.slotSeconds) * 24 * config_.slotsPerHour) {
            revert Market__InvalidConfig("dayAheadGateLead");
        }
        _ringSlots = uint32(RING_DAYS * 24 * config_.slotsPerHour);
    }

    // ---------------------------------------------------------------- shared helpers

    /// @dev A unit pays a charge from its unlocked balance (margin included, other slots' collateral
    /// never); what it cannot pay becomes debt owed to the BRP (returned).
    function _charge(uint32 unit, uint32 brp, uint256 amountNano) internal returns (uint256 unpaid) {
        return _pay(unit, brp, amountNano);
    }

    /// @dev `payer` pays `payee` from its unlocked balance; what it cannot pay becomes its debt
    /// (returned, with {DebtIncurred}), owed to the BRP or, for the BRP itself, to the units it owes.
    function _pay(uint32 payer, uint32 payee, uint256 amountNano) internal returns (uint256 unpaid) {
        Account storage a = _accounts[payer];
        uint256 available = a.balanceNano - a.lockedNano;
        uint256 paid = amountNano < available ? amountNano : available;
        a.balanceNano -= uint128(paid); // paid <= available <= balance
        _credit(payee, paid);
        if (paid < amountNano) {
            unpaid = amountNano - paid;
            a.debtNano = SafeCast.toUint128(a.debtNano + unpaid);
            emit DebtIncurred(payer, unpaid);
        }
    }

    /// @dev Every credit repays the unit's debt first: a unit's debt to the BRP, the BRP's debt into
    /// the claims fund the units it owes collect from.
    function _credit(uint32 unit, uint256 amountNano) internal {
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

    /// @dev Whether `day` holds its ring position (false: not opened yet, its words are an earlier
    /// day's); reverts when a later day has taken the position over.
    function _holdsRing(uint32 day) internal view returns (bool) {
        RingDay storage r = _ring[day % RING_DAYS];
        if (!r.used || r.day < day) return false;
        if (r.day > day) revert Ring__DayRecycled(day, r.day);
        return true;
    }

    /// @dev `slot`'s state; reverts once its day is recycled.
    function _slotStateOf(uint32 slot) internal view returns (SlotState memory state) {
        // Past that check no later slot holds the word: its day would have taken the ring position over.
        _holdsRing(slot / _slotsPerDay);
        state = _slotStates[slot % _ringSlots];
        if (state.slot != slot) state = SlotState(slot, false, false, 0, false);
    }

    /// @dev Whether every unit is settled in `slot`: a slot whose ring word a later slot holds was
    /// (a day's words are reused only once all its slots have closed).
    function _slotClosed(uint32 slot) internal view returns (bool) {
        SlotState storage state = _slotStates[slot % _ringSlots];
        uint32 held = state.slot;
        return held > slot || (held == slot && state.closed);
    }

    function _requireOperator() internal view {
        if (msg.sender != _operator) revert Registry__NotOperator(msg.sender);
    }

    function _requireUnit(uint32 unit) internal view returns (Unit storage u) {
        if (unit == 0 || unit > _unitCount) revert Registry__UnknownUnit(unit);
        return _units[unit];
    }

    function _requireTrader(uint32 unit) internal view returns (Unit storage u) {
        u = _requireUnit(unit);
        if (u.trader != msg.sender) revert Registry__NotTrader(unit, msg.sender);
    }

    function _slotStart(uint32 slot) internal view returns (uint64) {
        return _genesis + uint64(slot) * _slotSeconds;
    }

    /// @dev A gate before genesis (a lead longer than the time since genesis) reads as closed at 0.
    function _gate(Stage stage, uint32 period) internal view returns (uint64) {
        (uint64 periodStart, uint64 lead) = stage == Stage.DayAhead
            ? (_slotStart(period * _slotsPerDay), uint64(_dayAheadGateLead))
            : (_slotStart(period * _slotsPerHour), uint64(_intradayGateLead));
        return periodStart > lead ? periodStart - lead : 0;
    }
}
