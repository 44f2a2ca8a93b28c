using System.Numerics;
using MicroMarket.Market.Contracts.MicroMarketDefinition;
using MicroMarket.Market.Tests.Chain;

namespace MicroMarket.Market.Tests.Contracts;

/// <summary>
/// One hand-computed market, settled slot by slot. Day-ahead (every slot): the PV sells 1 000 Wh
/// at 0.05, the slack (BRP) 5 000 Wh at 0.30, the load buys 1 500 Wh at 0.40. V = 1 500; the
/// slack is partly outside, so a_m = a_x = 0.30, b_x none: price 0.30; the PV sells 1 000, the
/// slack 500. Intra-day, hour 0: the PV sells 200 at 0.05, the load buys 100 at 0.40: price 0.05
/// (the PV is partly outside), 100 Wh. Imbalance with a 20 % penalty: short = 0.30 x 1.2 = 0.36,
/// long = 0.05 x 0.8 = 0.04.
/// </summary>
[Collection(AnvilCollection.Name)]
public sealed class SettlementTests(AnvilFixture fx)
{
    private const long T = AnvilFixture.Deployed + 100;
    private static readonly MarketParameters P = AnvilFixture.Parameters;
    private readonly MarketHarness _h = new(fx);

    private sealed record Market(Participant Pv, Participant Load, Participant Slack, long Cleared);

    private async Task<Market> TradeAsync(long slackDepositMicro = 100_000_000)
    {
        var units = await _h.RegisterAsync(T,
            new UnitSetup("pv", UnitKind.Pv, MarginNano: 1_000_000),
            new UnitSetup("load", MarginNano: 1_000_000),
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
        Assert.Equal(-(BigInteger)(100 * 360_000L), settled[m.Load.Index].ImbalanceNano);
        Assert.Equal(new BigInteger(-100), settled[m.Load.Index].DeviationWh);
        Assert.Equal((BigInteger)(1000 * 300_000L + 100 * 50_000L), settled[m.Pv.Index].TradeNano);
        Assert.Equal(-(BigInteger)(50 * 360_000L), settled[m.Pv.Index].ImbalanceNano);
        Assert.Equal((BigInteger)(500 * 300_000L), settled[m.Slack.Index].TradeNano);
        Assert.Equal(BigInteger.Zero, settled[m.Slack.Index].ImbalanceNano);

        var after = await Balances(m);
        Assert.Equal(-(BigInteger)491_000_000, after[0] - before[0]); // load
        Assert.Equal((BigInteger)287_000_000, after[1] - before[1]); // pv
        Assert.Equal((BigInteger)204_000_000, after[2] - before[2]); // slack: 150 M trade + 54 M imbalance
        Assert.Equal(BigInteger.Zero, await fx.Market.ClearingHouseNanoAsync());
        // The slot's collateral is released: 0.40 x 1 500 day-ahead + 0.40 x 100 intra-day.
        Assert.Equal(lockedBefore - 640_000_000, (await fx.Market.AccountAsync(m.Load.Index)).LockedNano);
        Assert.Equal((360_000, 40_000), await ImbalancePrices(0));
    });

    [Fact]
    public Task A_missing_reading_counts_as_nothing_metered_once_the_window_closes() => fx.IsolatedAsync(async () =>
    {
        var m = await TradeAsync();
        const uint slot = 2;
        var pending = await _h.RevertsAsync<Settlement__ReadingPendingError>(P.SlotEnd(slot), fx.Market.Settle(fx.Operator, slot, [m.Pv.Index]));
        Assert.Equal((ulong)P.ReadingDeadline(slot), pending.Deadline);

        var settled = (await _h.SucceedAsync(P.ReadingDeadline(slot), fx.Market.Settle(fx.Operator, slot, [m.Pv.Index, m.Load.Index])))[0]
            .Events<SettledEventDTO>().ToDictionary(e => e.Unit);
        Assert.All(settled.Values, e => Assert.True(e.ReadingMissing));
        // The PV sold 1 100 Wh it is deemed not to have delivered: short at 0.36.
        Assert.Equal(-(BigInteger)(1100 * 360_000L), settled[m.Pv.Index].ImbalanceNano);
        // The load bought 1 600 Wh it is deemed not to have taken: long at 0.04.
        Assert.Equal((BigInteger)(1600 * 40_000L), settled[m.Load.Index].ImbalanceNano);
    });

    [Fact]
    public Task A_slot_settles_once_per_unit() => fx.IsolatedAsync(async () =>
    {
        var m = await TradeAsync();
        var end = P.SlotEnd(1);
        await _h.SucceedAsync(end, fx.Market.ReportReadings(fx.Operator, [_h.Reading(m.Load, 1, 1600, 0)]));
        await _h.SucceedAsync(end, fx.Market.Settle(fx.Operator, 1, [m.Load.Index]));
        var error = await _h.RevertsAsync<Settlement__AlreadySettledError>(end, fx.Market.Settle(fx.Operator, 1, [m.Load.Index]));
        Assert.Equal((m.Load.Index, 1u), (error.Unit, error.Slot));
        // Listing a unit twice in one call is caught too.
        var pvEnd = P.ReadingDeadline(3);
        await _h.RevertsAsync<Settlement__AlreadySettledError>(pvEnd, fx.Market.Settle(fx.Operator, 3, [m.Pv.Index, m.Pv.Index]));
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
    public Task An_underfunded_balance_responsible_party_cannot_pay_a_long_imbalance() => fx.IsolatedAsync(async () =>
    {
        var m = await TradeAsync(slackDepositMicro: 0);
        var end = P.SlotEnd(0);
        // The PV over-delivers 100 Wh: the BRP owes 100 x 0.04 but has no free funds.
        await _h.SucceedAsync(end, fx.Market.ReportReadings(fx.Operator, [_h.Reading(m.Pv, 0, 0, 1200)]));
        var error = await _h.RevertsAsync<Settlement__BrpInsolventError>(end, fx.Market.Settle(fx.Operator, 0, [m.Pv.Index]));
        Assert.Equal(new BigInteger(100 * 40_000L), error.NeededNano);
        Assert.Equal(BigInteger.Zero, error.AvailableNano);
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
        var charge = (BigInteger)10_000 * 360_000;
        var debt = Assert.Single(outcome.Events<DebtIncurredEventDTO>());
        Assert.Equal(charge - 1_000_000, debt.DebtNano);
        var account = await fx.Market.AccountAsync(thief.Index);
        Assert.Equal((BigInteger.Zero, charge - 1_000_000), (account.BalanceNano, account.DebtNano));
        Assert.Equal(slackBefore + 1_000_000, (await fx.Market.AccountAsync(m.Slack.Index)).BalanceNano);

        await _h.RevertsAsync<Escrow__InDebtError>(end, fx.Market.Withdraw(thief.Trader, thief.Index, 1, thief.Trader.Address));
        await _h.RevertsAsync<Escrow__InDebtError>(end, fx.Market.SubmitIntraday(thief.Trader, thief.Index, 30, _h.EveryHourSlot(1, 1), null));

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
        var prices = await fx.Market.QueryAsync<ImbalancePricesFunction, ImbalancePricesOutputDTO>(new() { Slot = slot });
        return ((long)prices.ShortPrice, (long)prices.LongPrice);
    }
}
