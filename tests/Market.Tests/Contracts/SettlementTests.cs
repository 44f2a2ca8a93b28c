using System.Numerics;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;
using MicroMarket.Market.Contracts.MicroMarketDefinition;
using MicroMarket.Market.Tests.Chain;
using MicroMarket.RunFormat;

namespace MicroMarket.Market.Tests.Contracts;

/// <summary>
/// One hand-computed market, settled slot by slot. Day-ahead (every slot): the PV sells 1 000 Wh
/// at 0.05, the slack (BRP) 5 000 Wh at 0.30, the load buys 1 500 Wh at 0.40. V = 1 500; the
/// slack is partly outside, so a_m = a_x = 0.30, b_x none: price 0.30; the PV sells 1 000, the
/// slack 500. Intra-day, hour 0: the PV sells 200 at 0.05, the load buys 100 at 0.40: price 0.05
/// (the PV is partly outside), 100 Wh. Imbalance reference (1 600 Wh traded, above the 1 000 Wh
/// minimum): R = (0.30 x 1 500 + 0.05 x 100) / 1 600 = 0.284375; with a 20 % penalty short =
/// 0.34125, long = 0.2275 (no short floor, long cap = the price cap). The PV and the load are
/// rated 2 000 Wh per slot.
/// </summary>
[Collection(AnvilCollection.Name)]
public sealed class SettlementTests(AnvilFixture fx)
{
    private const long T = AnvilFixture.Deployed + 100;
    private static readonly MarketParameters P = AnvilFixture.Parameters;
    private readonly MarketHarness _h = new(fx);

    private sealed record Market(Participant Pv, Participant Load, Participant Slack, long Cleared);

    private const long Short = 341_250;
    private const long Long = 227_500;

    private async Task<Market> TradeAsync(long slackDepositMicro = 100_000_000)
    {
        var units = await _h.RegisterAsync(T,
            new UnitSetup("pv", UnitKind.Pv, MaxWhPerSlot: 2000, MarginNano: 1_000_000),
            new UnitSetup("load", MaxWhPerSlot: 2000, MarginNano: 1_000_000),
            new UnitSetup("slack", UnitKind.Slack, BalanceResponsible: true, DepositMicro: slackDepositMicro));
        var (pv, load, slack) = (units[0], units[1], units[2]);
        await _h.SucceedAsync(T,
            fx.Market.SubmitDayAhead(pv.Trader, pv.Index, 0, null, _h.EveryDaySlot(50_000, 1000)),
            fx.Market.SubmitDayAhead(slack.Trader, slack.Index, 0, null, _h.EveryDaySlot(300_000, 5000)),
            fx.Market.SubmitDayAhead(load.Trader, load.Index, 0, _h.EveryDaySlot(400_000, 1500), null));
        var idGate = P.IntradayGate(0);
        await _h.SucceedAsync(idGate - 10,
            fx.Market.SubmitIntraday(pv.Trader, pv.Index, 0, null, _h.EveryHourSlot(50_000, 200)),
            fx.Market.SubmitIntraday(load.Trader, load.Index, 0, _h.EveryHourSlot(400_000, 100), null));
        await _h.SucceedAsync(idGate,
            fx.Market.Clear(fx.Operator, MarketStage.DayAhead, 0, 96),
            fx.Market.Clear(fx.Operator, MarketStage.Intraday, 0, 4));
        return new Market(pv, load, slack, idGate);
    }

    [Fact]
    public Task Trades_and_imbalances_settle_exactly_and_balance_to_zero() => fx.IsolatedAsync(async () =>
    {
        var m = await TradeAsync();
        var before = await Balances(m);
        var lockedBefore = (await fx.Market.AccountAsync(m.Load.Index)).LockedNano;
        var end = P.SlotEnd(0);
        // Metered: the load took 1 700 Wh (100 short), the PV gave 1 050 (50 short), the slack made up 650.
        await _h.SucceedAsync(end, fx.Market.ReportReadings(fx.Operator,
            [_h.Reading(m.Load, 0, 1700, 0), _h.Reading(m.Pv, 0, 0, 1050), _h.Reading(m.Slack, 0, 0, 650)]));
        var settled = (await _h.SucceedAsync(end + 1, fx.Market.Settle(fx.Operator, 0, [m.Pv.Index, m.Load.Index, m.Slack.Index])))[0]
            .Events<SettledEventDTO>().ToDictionary(e => e.Unit);

        Assert.Equal(-(BigInteger)(1500 * 300_000L + 100 * 50_000L), settled[m.Load.Index].TradeNano);
        Assert.Equal(-(BigInteger)(100 * Short), settled[m.Load.Index].ImbalanceNano);
        Assert.Equal(new BigInteger(-100), settled[m.Load.Index].DeviationWh);
        Assert.Equal((BigInteger)(1000 * 300_000L + 100 * 50_000L), settled[m.Pv.Index].TradeNano);
        Assert.Equal(-(BigInteger)(50 * Short), settled[m.Pv.Index].ImbalanceNano);
        Assert.Equal((BigInteger)(500 * 300_000L), settled[m.Slack.Index].TradeNano);
        Assert.Equal(BigInteger.Zero, settled[m.Slack.Index].ImbalanceNano);
        Assert.All(settled.Values, e => Assert.Equal(BigInteger.Zero, e.FeeNano));

        var after = await Balances(m);
        Assert.Equal(-(BigInteger)489_125_000, after[0] - before[0]); // load: 455 M trade + 34.125 M imbalance
        Assert.Equal((BigInteger)287_937_500, after[1] - before[1]); // pv: 305 M trade - 17.0625 M imbalance
        Assert.Equal((BigInteger)201_187_500, after[2] - before[2]); // slack: 150 M trade + 51.1875 M imbalance
        Assert.Equal(BigInteger.Zero, await fx.Market.ClearingHouseNanoAsync());
        // The slot's collateral is released: 0.40 x 1 500 day-ahead + 0.40 x 100 intra-day for the
        // load; (cap - 0.05) x (1 000 + 200) for the PV's offers.
        Assert.Equal(lockedBefore - 640_000_000, (await fx.Market.AccountAsync(m.Load.Index)).LockedNano);
        Assert.Equal((BigInteger)(3_000_000 - 50_000) * 1200, settled[m.Pv.Index].ReleasedNano);
        Assert.Equal((Short, Long), await ImbalancePrices(0));
    });

    [Fact]
    public Task A_missing_reading_is_the_worst_case_once_the_window_closes() => fx.IsolatedAsync(async () =>
    {
        var m = await TradeAsync();
        const uint slot = 2;
        var pending = await _h.RevertsAsync<Settlement__ReadingPendingError>(P.SlotEnd(slot), fx.Market.Settle(fx.Operator, slot, [m.Pv.Index]));
        Assert.Equal((ulong)P.ReadingDeadline(slot), pending.Deadline);

        var settled = (await _h.SucceedAsync(P.ReadingDeadline(slot), fx.Market.Settle(fx.Operator, slot, [m.Pv.Index, m.Load.Index])))[0]
            .Events<SettledEventDTO>().ToDictionary(e => e.Unit);
        Assert.All(settled.Values, e => Assert.True(e.ReadingMissing));
        Assert.All(settled.Values, e => Assert.Equal(new BigInteger(P.MissingReadingFeeNano), e.FeeNano));
        // Deemed: imported the 2 000 Wh rating, exported nothing. The PV sold 1 100 Wh: short 3 100.
        Assert.Equal(new BigInteger(-3100), settled[m.Pv.Index].DeviationWh);
        Assert.Equal(-(BigInteger)(3100 * Short), settled[m.Pv.Index].ImbalanceNano);
        // The load bought 1 600 Wh: short 400, never a long payout for withholding its reading.
        Assert.Equal(new BigInteger(-400), settled[m.Load.Index].DeviationWh);
        Assert.Equal(-(BigInteger)(400 * Short), settled[m.Load.Index].ImbalanceNano);
    });

    [Fact]
    public Task Withholding_a_reading_never_pays() => fx.IsolatedAsync(async () =>
    {
        // Finding "a missing reading pays net buyers": the same 1 000 Wh cost an honest load
        // 350 000 000 nano and a load that withheld its reading 70 000 000.
        var units = await _h.RegisterAsync(T,
            new UnitSetup("honest", MaxWhPerSlot: 2000), new UnitSetup("withholder", MaxWhPerSlot: 2000),
            new UnitSetup("slack", UnitKind.Slack, BalanceResponsible: true, MaxWhPerSlot: 10_000));
        await _h.SucceedAsync(T,
            fx.Market.SubmitDayAhead(units[0].Trader, units[0].Index, 0, _h.EveryDaySlot(400_000, 1000), null),
            fx.Market.SubmitDayAhead(units[1].Trader, units[1].Index, 0, _h.EveryDaySlot(400_000, 1000), null),
            fx.Market.SubmitDayAhead(units[2].Trader, units[2].Index, 0, null, _h.EveryDaySlot(300_000, 5000)));
        await _h.SucceedAsync(P.IntradayGate(0), fx.Market.Clear(fx.Operator, MarketStage.DayAhead, 0, 4), fx.Market.Clear(fx.Operator, MarketStage.Intraday, 0, 4));
        // Both took 1 000 Wh; the withholder's meter reports nothing. Any true reading up to the
        // rating would have cost it no more than the deemed one.
        await _h.SucceedAsync(P.SlotEnd(0), fx.Market.ReportReadings(fx.Operator, [_h.Reading(units[0], 0, 1000, 0)]));
        var paid = (await _h.SucceedAsync(P.ReadingDeadline(0), fx.Market.Settle(fx.Operator, 0, [units[0].Index, units[1].Index])))[0]
            .Events<SettledEventDTO>().ToDictionary(e => e.Unit, e => -(e.TradeNano + e.ImbalanceNano) + e.FeeNano);
        Assert.Equal(new BigInteger(300_000_000), paid[units[0].Index]);
        Assert.True(paid[units[1].Index] > paid[units[0].Index], $"withholder paid {paid[units[1].Index]}, honest {paid[units[0].Index]}");
    });

    [Fact]
    public Task A_slot_settles_once_per_unit_and_repeats_are_skipped() => fx.IsolatedAsync(async () =>
    {
        var m = await TradeAsync();
        var end = P.SlotEnd(1);
        await _h.SucceedAsync(end, fx.Market.ReportReadings(fx.Operator, [_h.Reading(m.Load, 1, 1600, 0)]));
        await _h.SucceedAsync(end, fx.Market.Settle(fx.Operator, 1, [m.Load.Index]));
        var balance = (await fx.Market.AccountAsync(m.Load.Index)).BalanceNano;
        var again = (await _h.SucceedAsync(end, fx.Market.Settle(fx.Operator, 1, [m.Load.Index])))[0];
        Assert.Equal((m.Load.Index, 1u), (Assert.Single(again.Events<SettlementSkippedEventDTO>()).Unit, 1u));
        Assert.Empty(again.Events<SettledEventDTO>());
        Assert.Equal(balance, (await fx.Market.AccountAsync(m.Load.Index)).BalanceNano);
        // Listing a unit twice in one call settles it once.
        var twice = (await _h.SucceedAsync(P.ReadingDeadline(3), fx.Market.Settle(fx.Operator, 3, [m.Pv.Index, m.Pv.Index])))[0];
        Assert.Single(twice.Events<SettledEventDTO>());
        Assert.Single(twice.Events<SettlementSkippedEventDTO>());
    });

    [Fact]
    public Task A_batch_survives_units_settled_first_by_someone_else() => fx.IsolatedAsync(async () =>
    {
        // Finding "all-or-nothing batches that anyone can pre-empt", settlement.
        var m = await TradeAsync();
        var griefer = EthKey.Derive("griefer", 1);
        await fx.FundAsync([griefer]);
        var deadline = P.ReadingDeadline(0);
        await _h.SucceedAsync(deadline, fx.Market.Settle(griefer, 0, [m.Load.Index]));
        var batch = (await _h.SucceedAsync(deadline, fx.Market.Settle(fx.Operator, 0, [m.Pv.Index, m.Load.Index, m.Slack.Index])))[0];
        Assert.Equal([m.Pv.Index, m.Slack.Index], batch.Events<SettledEventDTO>().Select(e => e.Unit));
        Assert.Equal(m.Load.Index, Assert.Single(batch.Events<SettlementSkippedEventDTO>()).Unit);
        Assert.Equal(0u, Assert.Single(batch.Events<SlotClosedEventDTO>()).Slot);
    });

    [Fact]
    public Task Until_the_window_closes_only_the_operator_settles_so_its_instructions_come_first() => fx.IsolatedAsync(async () =>
    {
        // Found by the griefer run (Agents.Tests GrieferTests): someone who relayed a reading and
        // settled its unit before the operator recorded the slot's curtailment made the unit pay
        // imbalance for what the operator had ordered.
        var m = await TradeAsync();
        var griefer = EthKey.Derive("griefer", 3);
        await fx.FundAsync([griefer]);
        var end = P.SlotEnd(0);
        await _h.SucceedAsync(end, fx.Market.ReportReadings(griefer, [_h.Reading(m.Pv, 0, 0, 700)]));
        var early = await _h.RevertsAsync<Settlement__WindowOpenError>(end, fx.Market.Settle(griefer, 0, [m.Pv.Index]));
        Assert.Equal((0u, (ulong)P.ReadingDeadline(0)), (early.Slot, early.Deadline));
        await _h.SucceedAsync(end, fx.Market.RecordInstructions(fx.Operator, 0, [new(m.Pv.Index, 400, 0)]));
        var settled = Assert.Single((await _h.SucceedAsync(end, fx.Market.Settle(fx.Operator, 0, [m.Pv.Index])))[0].Events<SettledEventDTO>());
        Assert.Equal(BigInteger.Zero, settled.DeviationWh);
        // Once the window has closed, anyone settles.
        await _h.SucceedAsync(P.ReadingDeadline(0), fx.Market.Settle(griefer, 0, [m.Load.Index]));
    });

    [Fact]
    public Task Operator_ordered_curtailment_and_shedding_are_not_imbalance() => fx.IsolatedAsync(async () =>
    {
        var m = await TradeAsync();
        var end = P.SlotEnd(0);
        // The PV was curtailed by 400 Wh of its 1 100 sold and delivered 700; the load was shed by
        // 300 Wh of its 1 600 bought and took 1 300. Only the unexplained rest is imbalance.
        await _h.SucceedAsync(P.SlotStart(0), fx.Market.RecordInstructions(fx.Operator, 0,
            [new(m.Pv.Index, 400, 0), new(m.Load.Index, 0, 250)]));
        await _h.SucceedAsync(end, fx.Market.ReportReadings(fx.Operator, [_h.Reading(m.Pv, 0, 0, 700), _h.Reading(m.Load, 0, 1300, 0)]));
        var settled = (await _h.SucceedAsync(end, fx.Market.Settle(fx.Operator, 0, [m.Pv.Index, m.Load.Index])))[0]
            .Events<SettledEventDTO>().ToDictionary(e => e.Unit);
        Assert.Equal(BigInteger.Zero, settled[m.Pv.Index].DeviationWh);
        Assert.Equal(BigInteger.Zero, settled[m.Pv.Index].ImbalanceNano);
        Assert.Equal(new BigInteger(50), settled[m.Load.Index].DeviationWh);
        Assert.Equal((BigInteger)(50 * Long), settled[m.Load.Index].ImbalanceNano);
        // Instructions never turn a deviation around, and only the operator gives them.
        await _h.RevertsAsync<Registry__NotOperatorError>(P.SlotStart(1), fx.Market.RecordInstructions(m.Pv.Trader, 1, [new(m.Pv.Index, 100, 0)]));
        await _h.RevertsAsync<Instruction__AboveRatingError>(P.SlotStart(1), fx.Market.RecordInstructions(fx.Operator, 1, [new(m.Pv.Index, 2001, 0)]));
        await _h.RevertsAsync<Instruction__SlotNotStartedError>(P.SlotStart(1), fx.Market.RecordInstructions(fx.Operator, 2, [new(m.Pv.Index, 10, 0)]));
        await _h.SucceedAsync(P.SlotEnd(1), fx.Market.RecordInstructions(fx.Operator, 1, [new(m.Pv.Index, 2000, 0)]),
            fx.Market.ReportReadings(fx.Operator, [_h.Reading(m.Pv, 1, 0, 1300)]));
        var over = Assert.Single((await _h.SucceedAsync(P.SlotEnd(1), fx.Market.Settle(fx.Operator, 1, [m.Pv.Index])))[0].Events<SettledEventDTO>());
        Assert.Equal(new BigInteger(200), over.DeviationWh);
        // An instruction for a settled unit is skipped.
        var late = (await _h.SucceedAsync(P.SlotEnd(1), fx.Market.RecordInstructions(fx.Operator, 1, [new(m.Pv.Index, 5, 0)])))[0];
        Assert.Single(late.Events<InstructionSkippedEventDTO>());
    });

    [Fact]
    public Task Balancing_energy_is_paid_at_short_and_charged_at_long() => fx.IsolatedAsync(async () =>
    {
        var m = await TradeAsync();
        var before = await Balances(m);
        var end = P.SlotEnd(0);
        // The island balance moved both (as it moves storage): the PV (scheduled 1 100) supplied
        // 300 Wh on order but metered only 1 300, so 100 Wh of its own shortfall remain; the load
        // (scheduled 1 600) absorbed 400 Wh on order and took 2 000, nothing of its own.
        await _h.SucceedAsync(end, fx.Market.RecordInstructions(fx.Operator, 0,
            [new(m.Pv.Index, 0, 300, InstructionKind.Balancing), new(m.Load.Index, 400, 0, InstructionKind.Balancing)]),
            fx.Market.ReportReadings(fx.Operator, [_h.Reading(m.Pv, 0, 0, 1300), _h.Reading(m.Load, 0, 2000, 0)]));
        var outcome = (await _h.SucceedAsync(end, fx.Market.Settle(fx.Operator, 0, [m.Pv.Index, m.Load.Index])))[0];
        var settled = outcome.Events<SettledEventDTO>().ToDictionary(e => e.Unit);
        var balancing = outcome.Events<BalancingSettledEventDTO>().ToDictionary(e => e.Unit);

        Assert.Equal((300u, 0u, (BigInteger)(300 * Short)), (balancing[m.Pv.Index].SuppliedWh, balancing[m.Pv.Index].AbsorbedWh, balancing[m.Pv.Index].Nano));
        Assert.Equal(new BigInteger(-100), settled[m.Pv.Index].DeviationWh);
        Assert.Equal((BigInteger)(300 * Short - 100 * Short), settled[m.Pv.Index].ImbalanceNano);
        Assert.Equal((0u, 400u, -(BigInteger)(400 * Long)), (balancing[m.Load.Index].SuppliedWh, balancing[m.Load.Index].AbsorbedWh, balancing[m.Load.Index].Nano));
        Assert.Equal(BigInteger.Zero, settled[m.Load.Index].DeviationWh);
        Assert.Equal(-(BigInteger)(400 * Long), settled[m.Load.Index].ImbalanceNano);
        // The BRP paid the PV's balancing energy and got its shortfall and the load's absorbed energy.
        var after = await Balances(m);
        Assert.Equal((BigInteger)(-300 * Short + 100 * Short + 400 * Long), after[2] - before[2]);
        // Only the operator orders balancing energy, and within the rating.
        await _h.RevertsAsync<Registry__NotOperatorError>(P.SlotStart(1), fx.Market.RecordInstructions(m.Pv.Trader, 1, [new(m.Pv.Index, 0, 2000, InstructionKind.Balancing)]));
        await _h.RevertsAsync<Instruction__AboveRatingError>(P.SlotStart(1), fx.Market.RecordInstructions(fx.Operator, 1, [new(m.Pv.Index, 0, 2001, InstructionKind.Balancing)]));
        // A missing reading gets no balancing energy: the worst case, as for any instruction.
        await _h.SucceedAsync(P.SlotEnd(1), fx.Market.RecordInstructions(fx.Operator, 1, [new(m.Load.Index, 0, 2000, InstructionKind.Balancing)]));
        var missing = (await _h.SucceedAsync(P.ReadingDeadline(1), fx.Market.Settle(fx.Operator, 1, [m.Load.Index])))[0];
        Assert.Empty(missing.Events<BalancingSettledEventDTO>());
        Assert.True(Assert.Single(missing.Events<SettledEventDTO>()).ReadingMissing);
    });

    [Fact]
    public Task Settlement_needs_both_auctions_cleared() => fx.IsolatedAsync(async () =>
    {
        var units = await _h.RegisterAsync(T, new UnitSetup("slack", UnitKind.Slack, BalanceResponsible: true));
        await _h.SucceedAsync(P.DayAheadGate(0), fx.Market.Clear(fx.Operator, MarketStage.DayAhead, 0, 8));
        var error = await _h.RevertsAsync<Settlement__NotClearedError>(P.ReadingDeadline(4), fx.Market.Settle(fx.Operator, 4, [units[0].Index]));
        Assert.Equal(((byte)MarketStage.Intraday, 4u), (error.Stage, error.Slot));
        var dayAhead = await _h.RevertsAsync<Settlement__NotClearedError>(P.ReadingDeadline(4), fx.Market.Settle(fx.Operator, 200, [units[0].Index]));
        Assert.Equal((byte)MarketStage.DayAhead, dayAhead.Stage);
    });

    [Fact]
    public Task Settlement_needs_a_balance_responsible_party() => fx.IsolatedAsync(async () =>
    {
        var units = await _h.RegisterAsync(T, new UnitSetup("load"));
        await _h.SucceedAsync(P.IntradayGate(0),
            fx.Market.Clear(fx.Operator, MarketStage.DayAhead, 0, 4), fx.Market.Clear(fx.Operator, MarketStage.Intraday, 0, 4));
        await _h.RevertsAsync<Registry__NoBalanceResponsiblePartyError>(P.ReadingDeadline(0), fx.Market.Settle(fx.Operator, 0, [units[0].Index]));
    });

    [Fact]
    public Task Trade_settlement_never_waits_for_the_balance_responsible_partys_solvency() => fx.IsolatedAsync(async () =>
    {
        // Finding "settlement hostage to the BRP's free balance": a long payout above the BRP's
        // unlocked balance reverted the whole settle call.
        var m = await TradeAsync(slackDepositMicro: 0);
        var end = P.SlotEnd(0);
        // The PV over-delivers 100 Wh: the BRP owes 100 x 0.2275 but has no free funds.
        await _h.SucceedAsync(end, fx.Market.ReportReadings(fx.Operator, [_h.Reading(m.Pv, 0, 0, 1200), _h.Reading(m.Load, 0, 1600, 0), _h.Reading(m.Slack, 0, 0, 400)]));
        var pvBefore = (await fx.Market.AccountAsync(m.Pv.Index)).BalanceNano;
        var first = (await _h.SucceedAsync(end, fx.Market.Settle(fx.Operator, 0, [m.Pv.Index])))[0];
        var owed = (BigInteger)(100 * Long);
        Assert.Equal(owed, Assert.Single(first.Events<LongPayoutDeferredEventDTO>()).DeferredNano);
        // The trade is credited in full; the payout waits as the PV's claim and the BRP's debt.
        Assert.Equal(pvBefore + 305_000_000, (await fx.Market.AccountAsync(m.Pv.Index)).BalanceNano);
        Assert.Equal(owed, await fx.Market.QueryValueAsync<ClaimNanoFunction, BigInteger>(new() { Unit = m.Pv.Index }));
        Assert.Equal(owed, (await fx.Market.AccountAsync(m.Slack.Index)).DebtNano);
        // The BRP's next credit (its own trade) repays its debt into the claims fund; the PV collects.
        await _h.SucceedAsync(end, fx.Market.Settle(fx.Operator, 0, [m.Load.Index, m.Slack.Index]));
        Assert.Equal(BigInteger.Zero, (await fx.Market.AccountAsync(m.Slack.Index)).DebtNano);
        Assert.Equal(owed, await fx.Market.QueryValueAsync<ClaimsFundNanoFunction, BigInteger>(new()));
        var paid = (await _h.SucceedAsync(end, fx.Market.CollectClaim(fx.Operator, m.Pv.Index)))[0];
        Assert.Equal(owed, Assert.Single(paid.Events<ClaimPaidEventDTO>()).PaidNano);
        Assert.Equal(pvBefore + 305_000_000 + owed, (await fx.Market.AccountAsync(m.Pv.Index)).BalanceNano);
        Assert.Equal(BigInteger.Zero, await fx.Market.QueryValueAsync<ClaimNanoFunction, BigInteger>(new() { Unit = m.Pv.Index }));
    });

    [Fact]
    public Task The_balance_responsible_party_cannot_withdraw_what_its_open_slots_may_need() => fx.IsolatedAsync(async () =>
    {
        var m = await TradeAsync(slackDepositMicro: 5_000_000_000);
        // Slots 0..95 are cleared day-ahead: each may need the other units' twice-rated long deviation at the long cap.
        var reserve = await fx.Market.QueryValueAsync<BrpReserveNanoFunction, BigInteger>(new());
        Assert.Equal((BigInteger)96 * 2 * (2000 + 2000) * P.EffectiveLongPriceCapMicroPerKwh, reserve);
        var account = await fx.Market.AccountAsync(m.Slack.Index);
        var free = account.BalanceNano - account.LockedNano - account.MarginNano - reserve;
        var error = await _h.RevertsAsync<Escrow__InsufficientFreeBalanceError>(m.Cleared,
            fx.Market.Withdraw(m.Slack.Trader, m.Slack.Index, (long)(free / NanoTokens.PerMicro) + 1, m.Slack.Trader.Address));
        Assert.Equal(free, error.FreeNano);
        // Settling every unit of a slot closes it and frees its share.
        var end = P.ReadingDeadline(0);
        await _h.SucceedAsync(end, fx.Market.Settle(fx.Operator, 0, [m.Pv.Index, m.Load.Index, m.Slack.Index]));
        Assert.Equal(reserve / 96 * 95, await fx.Market.QueryValueAsync<BrpReserveNanoFunction, BigInteger>(new()));
    });

    [Fact]
    public Task A_short_imbalance_beyond_a_units_funds_becomes_debt_repaid_by_its_next_deposit() => fx.IsolatedAsync(async () =>
    {
        var m = await TradeAsync();
        var thief = (await _h.RegisterAsync(m.Cleared, new UnitSetup("thief", DepositMicro: 1_000)))[0];
        var end = P.SlotEnd(0);
        await _h.SucceedAsync(end, fx.Market.ReportReadings(fx.Operator, [_h.Reading(thief, 0, 10_000, 0)]));
        var slackBefore = (await fx.Market.AccountAsync(m.Slack.Index)).BalanceNano;
        var outcome = (await _h.SucceedAsync(end, fx.Market.Settle(fx.Operator, 0, [thief.Index])))[0];
        var charge = (BigInteger)10_000 * Short;
        var debt = Assert.Single(outcome.Events<DebtIncurredEventDTO>());
        Assert.Equal(charge - 1_000_000, debt.DebtNano);
        var account = await fx.Market.AccountAsync(thief.Index);
        Assert.Equal((BigInteger.Zero, charge - 1_000_000), (account.BalanceNano, account.DebtNano));
        Assert.Equal(slackBefore + 1_000_000, (await fx.Market.AccountAsync(m.Slack.Index)).BalanceNano);

        await _h.RevertsAsync<Escrow__InDebtError>(end, fx.Market.Withdraw(thief.Trader, thief.Index, 1, thief.Trader.Address));
        await _h.RevertsAsync<Escrow__InDebtError>(end, fx.Market.SubmitIntraday(thief.Trader, thief.Index, 3, _h.EveryHourSlot(1, 1), null));

        await _h.SucceedAsync(end, fx.Market.MintTokens(fx.Operator, thief.Trader.Address, 5_000_000), fx.Market.ApproveEscrow(thief.Trader, 5_000_000));
        var repaid = (await _h.SucceedAsync(end, fx.Market.Deposit(thief.Trader, thief.Index, 5_000_000)))[0];
        Assert.Equal(charge - 1_000_000, Assert.Single(repaid.Events<DebtRepaidEventDTO>()).RepaidNano);
        account = await fx.Market.AccountAsync(thief.Index);
        Assert.Equal((MarketHarness.Nano(5_000_000) - (charge - 1_000_000), BigInteger.Zero), (account.BalanceNano, account.DebtNano));
        Assert.Equal(slackBefore + charge, (await fx.Market.AccountAsync(m.Slack.Index)).BalanceNano);
    });

    private async Task<BigInteger[]> Balances(Market m) =>
    [
        (await fx.Market.AccountAsync(m.Load.Index)).BalanceNano,
        (await fx.Market.AccountAsync(m.Pv.Index)).BalanceNano,
        (await fx.Market.AccountAsync(m.Slack.Index)).BalanceNano,
    ];

    private async Task<(long Short, long Long)> ImbalancePrices(uint slot)
    {
        var prices = await fx.Market.ImbalancePricesAsync(slot);
        return (prices.Short.MicroPerKwh, prices.Long.MicroPerKwh);
    }
}
