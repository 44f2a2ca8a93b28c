using System.Numerics;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;
using MicroMarket.Market.Contracts.MicroMarketDefinition;
using MicroMarket.Market.Orders;
using MicroMarket.Market.Tests.Chain;
using MicroMarket.RunFormat;
using Xunit.Abstractions;

namespace MicroMarket.Market.Tests.Contracts;

/// <summary>
/// The market-rules review's findings that have no natural home among the rule-by-rule tests,
/// each reproduced as an attack against the contract: it must fail on the contracts the review
/// read and pass on these. The others are named in AuctionTests, MeteringTests, SettlementTests and
/// RegistryAndEscrowTests; docs/market-rules.md lists them all in its threat table.
/// </summary>
[Collection(AnvilCollection.Name)]
public sealed class AttackTests(AnvilFixture fx, ITestOutputHelper output)
{
    private const long T = AnvilFixture.Deployed + 100;
    private static readonly MarketParameters P = AnvilFixture.Parameters;
    private readonly MarketHarness _h = new(fx);

    [Fact]
    public Task A_1_Wh_trade_between_two_colluding_units_barely_moves_the_imbalance_price() => fx.IsolatedAsync(async () =>
    {
        // Finding "imbalance price moved by a 1 Wh self-trade": 1 Wh at the cap in an empty
        // intra-day book set the short price to 3 000 000 instead of 360 000. A unit can no longer
        // match itself; two colluding units can still trade, but the minimum volume (1 000 Wh)
        // bounds what 1 Wh moves: R = (3 000 000 x 1 + 300 000 x 999) / 1 000 = 302 700.
        var units = await _h.RegisterAsync(T, new UnitSetup("sybil-a"), new UnitSetup("sybil-b"), new UnitSetup("slack", UnitKind.Slack, BalanceResponsible: true));
        var cap = P.PriceCapMicroPerKwh;
        var opens = P.IntradayOpens(0);
        await _h.SucceedAsync(opens,
            fx.Market.SubmitIntraday(units[0].Trader, units[0].Index, 0, _h.EveryHourSlot(cap, 1), null),
            fx.Market.SubmitIntraday(units[1].Trader, units[1].Index, 0, null, _h.EveryHourSlot(cap, 1)));
        await _h.SucceedAsync(P.IntradayGate(1),
            fx.Market.Clear(fx.Operator, MarketStage.DayAhead, 0, 8), fx.Market.Clear(fx.Operator, MarketStage.Intraday, 0, 8));
        var moved = await fx.Market.ImbalancePricesAsync(0);
        Assert.Equal((302_700u, 363_240u), (moved.Reference.MicroPerKwh, moved.Short.MicroPerKwh));
        // Without the trade: the fallback 300 000, short 360 000. One Wh moved it by 0.9 %.
        var untouched = await fx.Market.ImbalancePricesAsync(5);
        Assert.Equal((300_000u, 360_000u), (untouched.Reference.MicroPerKwh, untouched.Short.MicroPerKwh));
    });

    [Fact]
    public Task A_clearing_range_survives_a_slot_cleared_first_by_someone_else() => fx.IsolatedAsync(async () =>
    {
        // Finding "all-or-nothing batches that anyone can pre-empt": clearing slot 95 first made
        // the operator's clear(0, 96) revert.
        var griefer = EthKey.Derive("griefer", 2);
        await fx.FundAsync([griefer]);
        var gate = P.DayAheadGate(0);
        await _h.SucceedAsync(gate, fx.Market.Clear(griefer, MarketStage.DayAhead, 95, 1));
        var range = (await _h.SucceedAsync(gate, fx.Market.Clear(fx.Operator, MarketStage.DayAhead, 0, 96)))[0];
        Assert.Equal(95, range.Events<SlotClearedEventDTO>().Count());
        Assert.Equal(95u, Assert.Single(range.Events<ClearingSkippedEventDTO>()).Slot);
    });

    [Fact]
    public Task Debt_is_repaid_from_every_later_credit_and_blocks_selling_too() => fx.IsolatedAsync(async () =>
    {
        // Finding (lower): "debt is repaid only by deposits, never netted against later credits,
        // and a unit in debt can still sell".
        var units = await _h.RegisterAsync(T,
            new UnitSetup("seller", UnitKind.Pv, MaxWhPerSlot: 2000, DepositMicro: 11_000_000),
            new UnitSetup("buyer", MaxWhPerSlot: 2000),
            new UnitSetup("slack", UnitKind.Slack, BalanceResponsible: true));
        var (seller, buyer, slack) = (units[0], units[1], units[2]);
        // The seller sells 1 000 Wh at 0.30 in hour 1 only, which locks 4 x (3.00 - 0.30) x 1 kWh =
        // 10.8 of its 11 tokens, and meters 2 000 Wh of import in slot 0: short by 0.72 tokens.
        var day = Enumerable.Range(0, P.SlotsPerDay).Select(s => s is >= 4 and < 8 ? OrderCurve.Single(300_000, 1000) : OrderCurve.Empty).ToList();
        await _h.SucceedAsync(T,
            fx.Market.SubmitDayAhead(seller.Trader, seller.Index, 0, null, day),
            fx.Market.SubmitDayAhead(buyer.Trader, buyer.Index, 0, _h.EveryDaySlot(400_000, 1000), null));
        await _h.SucceedAsync(P.IntradayGate(1), fx.Market.Clear(fx.Operator, MarketStage.DayAhead, 0, 96), fx.Market.Clear(fx.Operator, MarketStage.Intraday, 0, 8));
        await _h.SucceedAsync(P.SlotEnd(0), fx.Market.ReportReadings(fx.Operator, [_h.Reading(seller, 0, 2000, 0)]));
        await _h.SucceedAsync(P.SlotEnd(0), fx.Market.Settle(fx.Operator, 0, [seller.Index]));
        var debt = (await fx.Market.AccountAsync(seller.Index)).DebtNano;
        Assert.True(debt > 0);
        // In debt, it may not offer either.
        await _h.RevertsAsync<Escrow__InDebtError>(P.SlotEnd(0), fx.Market.SubmitIntraday(seller.Trader, seller.Index, 2, null, _h.EveryHourSlot(300_000, 10)));
        // Its delivered sale in slot 4 (1 000 Wh at 0.35, the midpoint of 0.30 and 0.40) is credited to its debt first.
        var slackBefore = (await fx.Market.AccountAsync(slack.Index)).BalanceNano;
        await _h.SucceedAsync(P.SlotEnd(4), fx.Market.ReportReadings(fx.Operator, [_h.Reading(seller, 4, 0, 1000)]));
        var settled = (await _h.SucceedAsync(P.SlotEnd(4), fx.Market.Settle(fx.Operator, 4, [seller.Index])))[0];
        var repaid = Assert.Single(settled.Events<DebtRepaidEventDTO>()).RepaidNano;
        Assert.Equal(BigInteger.Min(debt, 1000 * 350_000), repaid);
        Assert.Equal(debt - repaid, (await fx.Market.AccountAsync(seller.Index)).DebtNano);
        Assert.Equal(slackBefore + repaid, (await fx.Market.AccountAsync(slack.Index)).BalanceNano);
    });

    [Fact]
    public Task A_deposit_too_large_for_the_books_reverts_instead_of_truncating() => fx.IsolatedAsync(async () =>
    {
        // Finding (lower): "uint128(nano - repaid) truncates silently (a huge deposit breaks conservation)".
        var unit = (await _h.RegisterAsync(T, new UnitSetup("whale", DepositMicro: 0)))[0];
        var huge = BigInteger.Pow(2, 128) / NanoTokens.PerMicro + 1;
        await _h.SucceedAsync(T, fx.Market.MintTokens(fx.Operator, unit.Trader.Address, huge), fx.Market.ApproveEscrow(unit.Trader, huge));
        var error = await _h.RevertsAsync<SafeCastOverflowedUintDowncastError>(T, fx.Market.Deposit(unit.Trader, unit.Index, huge));
        Assert.Equal(128, (int)error.Bits);
    });

    [Fact]
    public Task The_largest_book_the_contract_admits_clears_under_the_per_transaction_gas_cap() => fx.IsolatedAsync(async () =>
    {
        // Finding "clearing not bounded by the 2^24 per-transaction gas cap": 1 200 units x 8
        // orders cost 18.75 M gas, so that slot (and its collateral) could never be cleared. Now the
        // registry holds at most MAX_UNITS units and every one of them may place four buy and four
        // sell steps: this builds that book in several shapes and clears each under 90 % of 2^24.
        var market = await MarketClient.DeployAsync(fx.Pipeline, fx.Operator, P, T);
        var max = (int)await market.QueryValueAsync<MAX_UNITSFunction, BigInteger>(new());
        var traders = Enumerable.Range(0, max).Select(i => EthKey.Derive("worst-slot", i)).ToList();
        await fx.FundAsync(traders);
        var meter = EthKey.Derive("worst-slot-meter", 0).Address;
        foreach (var chunk in Enumerable.Range(0, max).Chunk(128))
        {
            await _h.SucceedAsync(T, market.RegisterUnits(fx.Operator, chunk.Select(i => new UnitRegistration(
                $"w{i}", UnitKind.Battery, traders[i].Address, meter, "b", false, 100_000, 0)).ToList()));
        }
        const long deposit = 1_000_000_000;
        await Each(market, T, traders.Select(t => market.MintTokens(fx.Operator, t.Address, deposit)));
        await Each(market, T, traders.Select(t => market.ApproveEscrow(t, deposit)));
        await Each(market, T, traders.Select((t, i) => market.Deposit(t, (uint)i + 1, deposit)));
        var random = new Random(20261203);
        var shapes = new Func<int, int, (OrderCurve Buy, OrderCurve Sell)>[]
        {
            // Random prices: a typical deep book.
            (unit, k) => Book(random, 100_000, 200_000, 150_000, 250_000),
            // Two groups of units a step apart, all orders at four prices: the largest at-price
            // shares (every order pro-rata, leftovers ranked by a full sort).
            (unit, k) => unit % 2 == 0 ? Flat(random, 100_000, 100_002) : Flat(random, 99_998, 100_000),
            // Every buy above every sell of other units: the match walks the whole book.
            (unit, k) => unit % 2 == 0 ? Flat(random, 200_000, 300_000) : Flat(random, 50_000, 60_000),
        };
        for (var shape = 0; shape < shapes.Length; shape++)
        {
            var hour = (uint)(2 + shape);
            var curves = Enumerable.Range(0, max).Select(u => shapes[shape](u, 0)).ToList();
            Assert.Equal(2 * max * OrderCurve.MaxSteps, curves.Sum(c => c.Buy.Steps.Count + c.Sell.Steps.Count));
            await Each(market, P.IntradayOpens(hour), traders.Select((t, u) => market.SubmitIntraday(t, (uint)u + 1, hour,
                MarketHarness.Every(P.SlotsPerHour, curves[u].Buy), MarketHarness.Every(P.SlotsPerHour, curves[u].Sell))));
        }
        var gasUsed = new List<long>();
        for (var shape = 0; shape < shapes.Length; shape++)
        {
            var hour = (uint)(2 + shape);
            var clear = (await _h.SucceedAsync(P.IntradayGate(hour), market.Clear(fx.Operator, MarketStage.Intraday, hour * (uint)P.SlotsPerHour, 1)))[0];
            Assert.True(Assert.Single(clear.Events<SlotClearedEventDTO>()).VolumeWh > 0);
            gasUsed.Add(clear.GasUsed);
        }
        var limit = (long)(0.9 * (1 << 24));
        output.WriteLine($"{max} units x 8 orders, clearing gas per shape: {string.Join(", ", gasUsed)} (limit {limit})");
        Assert.True(gasUsed.Max() < limit, $"clearing gas per shape: {string.Join(", ", gasUsed)}; limit {limit}");
    });

    /// <summary>Four buy steps in [buyLow, buyHigh) and four sell steps in [sellLow, sellHigh), buys below sells.</summary>
    private static (OrderCurve Buy, OrderCurve Sell) Book(Random random, int buyLow, int buyHigh, int sellLow, int sellHigh)
    {
        var buys = Steps(random, buyLow, buyHigh);
        var lowestSell = Math.Max(sellLow, (int)buys.Steps.Max(s => s.PriceMicroPerKwh) + 1);
        return (buys, Steps(random, lowestSell, Math.Max(lowestSell + 1, sellHigh)));
    }

    /// <summary>Four buy steps at <paramref name="buyPrice"/> and four sell steps at <paramref name="sellPrice"/>.</summary>
    private static (OrderCurve Buy, OrderCurve Sell) Flat(Random random, int buyPrice, int sellPrice) =>
        (Steps(random, buyPrice, buyPrice + 1), Steps(random, sellPrice, sellPrice + 1));

    private static OrderCurve Steps(Random random, int low, int high) =>
        new(Enumerable.Range(0, OrderCurve.MaxSteps).Select(_ => new OrderStep((uint)random.Next(low, high), (uint)random.Next(1, 2_000))).ToList());

    private async Task Each(MarketClient market, long time, IEnumerable<TxRequest> requests)
    {
        foreach (var outcome in await market.Pipeline.ExecuteAsync(requests.ToList(), time))
        {
            outcome.EnsureSuccess();
        }
    }
}
