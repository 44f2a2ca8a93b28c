using System.Numerics;
using MicroMarket.Market.Contracts.MicroMarketDefinition;
using MicroMarket.Market.Orders;
using MicroMarket.Market.Tests.Chain;
using MicroMarket.RunFormat;

namespace MicroMarket.Market.Tests.Contracts;

[Collection(AnvilCollection.Name)]
public sealed class AuctionTests(AnvilFixture fx)
{
    private const long T = AnvilFixture.Deployed + 100;
    private static readonly long DayAheadGate = AnvilFixture.Parameters.DayAheadGate(0);
    private readonly MarketHarness _h = new(fx);

    [Fact]
    public Task Orders_replace_earlier_ones_until_the_gate_and_collateral_follows() => fx.IsolatedAsync(async () =>
    {
        var unit = (await _h.RegisterAsync(T, new UnitSetup("load")))[0];
        await _h.SucceedAsync(T, fx.Market.SubmitDayAhead(unit.Trader, unit.Index, 0, _h.EveryDaySlot(200_000, 1000), null));
        Assert.Equal((BigInteger)96 * 200_000 * 1000, (await fx.Market.AccountAsync(unit.Index)).LockedNano);

        await _h.SucceedAsync(DayAheadGate - 1, fx.Market.SubmitDayAhead(unit.Trader, unit.Index, 0, _h.EveryDaySlot(100_000, 300), null));
        Assert.Equal((BigInteger)96 * 100_000 * 300, (await fx.Market.AccountAsync(unit.Index)).LockedNano);
        var (buy, _) = await Curves(MarketStage.DayAhead, 5, unit.Index);
        Assert.Equal(OrderCurve.Single(100_000, 300), buy);

        // An empty side withdraws that side's orders and their collateral.
        await _h.SucceedAsync(DayAheadGate - 1, fx.Market.SubmitDayAhead(unit.Trader, unit.Index, 0, null, null));
        Assert.Equal(BigInteger.Zero, (await fx.Market.AccountAsync(unit.Index)).LockedNano);
    });

    [Fact]
    public Task Day_ahead_orders_after_the_gate_are_rejected() => fx.IsolatedAsync(async () =>
    {
        var unit = (await _h.RegisterAsync(T, new UnitSetup("load")))[0];
        var error = await _h.RevertsAsync<Auction__GateClosedError>(DayAheadGate,
            fx.Market.SubmitDayAhead(unit.Trader, unit.Index, 0, _h.EveryDaySlot(100_000, 10), null));
        Assert.Equal((byte)MarketStage.DayAhead, error.Stage);
        Assert.Equal(0u, error.Period);
        Assert.Equal((ulong)DayAheadGate, error.Gate);
    });

    [Fact]
    public Task Intraday_orders_close_an_hour_before_delivery() => fx.IsolatedAsync(async () =>
    {
        var unit = (await _h.RegisterAsync(T, new UnitSetup("load")))[0];
        var hour = 5u;
        var gate = fx.Market.Parameters.IntradayGate(hour);
        await _h.SucceedAsync(gate - 1, fx.Market.SubmitIntraday(unit.Trader, unit.Index, hour, _h.EveryHourSlot(150_000, 20), null));
        var error = await _h.RevertsAsync<Auction__GateClosedError>(gate,
            fx.Market.SubmitIntraday(unit.Trader, unit.Index, hour, _h.EveryHourSlot(150_000, 30), null));
        Assert.Equal((byte)MarketStage.Intraday, error.Stage);
        Assert.Equal(hour, error.Period);
        Assert.Equal((ulong)gate, error.Gate);
    });

    [Fact]
    public Task A_bid_without_collateral_is_rejected() => fx.IsolatedAsync(async () =>
    {
        var unit = (await _h.RegisterAsync(T, new UnitSetup("poor", MarginNano: 5_000, DepositMicro: 1_000)))[0];
        // 96 slots x 1 000 Wh x 0.10 token/kWh = 9.6 tokens, against a balance of 0.001 token.
        var error = await _h.RevertsAsync<Escrow__InsufficientCollateralError>(T,
            fx.Market.SubmitDayAhead(unit.Trader, unit.Index, 0, _h.EveryDaySlot(100_000, 1000), null));
        Assert.Equal((BigInteger)96 * 100_000 * 1000 + 5_000, error.RequiredNano);
        Assert.Equal(MarketHarness.Nano(1_000), error.BalanceNano);
    });

    [Fact]
    public Task An_offer_locks_what_its_non_delivery_can_cost() => fx.IsolatedAsync(async () =>
    {
        // Finding "sell orders are free options": an offer at 0.10 can cost (cap - 0.10) per kWh
        // if not delivered (short at up to the cap, paid at least 0.10), so that is what it locks.
        var cap = (BigInteger)fx.Market.Parameters.PriceCapMicroPerKwh;
        var poor = (await _h.RegisterAsync(T, new UnitSetup("poor-pv", UnitKind.Pv, DepositMicro: 1_000)))[0];
        var error = await _h.RevertsAsync<Escrow__InsufficientCollateralError>(T,
            fx.Market.SubmitDayAhead(poor.Trader, poor.Index, 0, null, _h.EveryDaySlot(100_000, 1000)));
        Assert.Equal(96 * (cap - 100_000) * 1000, error.RequiredNano);

        var pv = (await _h.RegisterAsync(T, new UnitSetup("pv", UnitKind.Pv)))[0];
        await _h.SucceedAsync(T, fx.Market.SubmitDayAhead(pv.Trader, pv.Index, 0, null, _h.EveryDaySlot(100_000, 1000)));
        Assert.Equal(96 * (cap - 100_000) * 1000, (await fx.Market.AccountAsync(pv.Index)).LockedNano);

        // The balance-responsible party carries the system's balance and pays no imbalance: its offers lock nothing.
        var slack = (await _h.RegisterAsync(T, new UnitSetup("slack", UnitKind.Slack, BalanceResponsible: true, DepositMicro: 0)))[0];
        await _h.SucceedAsync(T, fx.Market.SubmitDayAhead(slack.Trader, slack.Index, 0, null, _h.EveryDaySlot(300_000, 5000)));
        Assert.Equal(BigInteger.Zero, (await fx.Market.AccountAsync(slack.Index)).LockedNano);
    });

    [Fact]
    public Task Offers_and_bids_are_capped_at_the_rating_over_both_auctions() => fx.IsolatedAsync(async () =>
    {
        // Finding "sell orders are free options": a broke unit offered 4 GWh in one slot.
        var unit = (await _h.RegisterAsync(T, new UnitSetup("battery", UnitKind.Battery, MaxWhPerSlot: 1500)))[0];
        var over = await _h.RevertsAsync<Auction__AboveRatingError>(T,
            fx.Market.SubmitDayAhead(unit.Trader, unit.Index, 0, null, _h.EveryDaySlot(0, 4_000_000)));
        Assert.Equal((0u, BigInteger.One, new BigInteger(4_000_000), 1500u), (over.Slot, over.Side, over.QuantityWh, over.RatingWh));
        // Four steps count together.
        var steps = new OrderCurve([new(10_000, 400), new(20_000, 400), new(30_000, 400), new(40_000, 301)]);
        await _h.RevertsAsync<Auction__AboveRatingError>(T, fx.Market.SubmitDayAhead(unit.Trader, unit.Index, 0, MarketHarness.Every(96, steps), null));

        await _h.SucceedAsync(T, fx.Market.SubmitDayAhead(unit.Trader, unit.Index, 0, _h.EveryDaySlot(100_000, 1000), _h.EveryDaySlot(200_000, 900)));
        // Intra-day adds to the day-ahead orders of the slot, per side.
        var hour = 3u;
        var opens = fx.Market.Parameters.IntradayOpens(hour);
        var buyOver = await _h.RevertsAsync<Auction__AboveRatingError>(opens,
            fx.Market.SubmitIntraday(unit.Trader, unit.Index, hour, _h.EveryHourSlot(100_000, 501), null));
        Assert.Equal((BigInteger.Zero, new BigInteger(1501)), (buyOver.Side, buyOver.QuantityWh));
        var sellOver = await _h.RevertsAsync<Auction__AboveRatingError>(opens,
            fx.Market.SubmitIntraday(unit.Trader, unit.Index, hour, null, _h.EveryHourSlot(300_000, 601)));
        Assert.Equal((BigInteger.One, new BigInteger(1501)), (sellOver.Side, sellOver.QuantityWh));
        await _h.SucceedAsync(opens, fx.Market.SubmitIntraday(unit.Trader, unit.Index, hour, _h.EveryHourSlot(100_000, 500), _h.EveryHourSlot(300_000, 600)));
    });

    [Fact]
    public Task A_units_buy_and_sell_in_one_slot_must_not_cross() => fx.IsolatedAsync(async () =>
    {
        // Finding "imbalance price moved by a 1 Wh self-trade": one unit bought and sold 1 Wh at the
        // cap in an empty intra-day book; crossing orders of one unit could only trade with each other.
        var unit = (await _h.RegisterAsync(T, new UnitSetup("mover")))[0];
        // The highest buy step against the lowest sell step.
        var buys = new OrderCurve([new(100_000, 10), new(250_000, 10)]);
        var sells = new OrderCurve([new(400_000, 10), new(250_000, 10)]);
        await _h.RevertsAsync<Auction__SelfCrossingError>(T, fx.Market.SubmitDayAhead(unit.Trader, unit.Index, 0, MarketHarness.Every(96, buys), MarketHarness.Every(96, sells)));
        // Buying below and selling above is a battery's spread: allowed.
        await _h.SucceedAsync(T, fx.Market.SubmitDayAhead(unit.Trader, unit.Index, 0, MarketHarness.Every(96, buys), _h.EveryDaySlot(250_001, 10)));
        var cap = fx.Market.Parameters.PriceCapMicroPerKwh;
        var opens = fx.Market.Parameters.IntradayOpens(0);
        var error = await _h.RevertsAsync<Auction__SelfCrossingError>(opens,
            fx.Market.SubmitIntraday(unit.Trader, unit.Index, 0, _h.EveryHourSlot(cap, 1), _h.EveryHourSlot(cap, 1)));
        Assert.Equal((0u, new BigInteger(cap), new BigInteger(cap)), (error.Slot, error.HighestBuy, error.LowestSell));
    });

    [Fact]
    public Task The_intraday_auction_opens_when_the_day_ahead_gate_closes() => fx.IsolatedAsync(async () =>
    {
        var unit = (await _h.RegisterAsync(T, new UnitSetup("load")))[0];
        var hour = 30u; // day 1
        var opens = fx.Market.Parameters.IntradayOpens(hour);
        Assert.Equal(fx.Market.Parameters.DayAheadGate(1), opens);
        var error = await _h.RevertsAsync<Auction__IntradayNotOpenError>(opens - 1,
            fx.Market.SubmitIntraday(unit.Trader, unit.Index, hour, _h.EveryHourSlot(100_000, 10), null));
        Assert.Equal((hour, (ulong)opens), (error.Hour, error.Opens));
        await _h.SucceedAsync(opens, fx.Market.SubmitIntraday(unit.Trader, unit.Index, hour, _h.EveryHourSlot(100_000, 10), null));
    });

    [Fact]
    public Task Margin_and_debt_are_checked_on_every_submission_and_suspension_stops_trading() => fx.IsolatedAsync(async () =>
    {
        var unit = (await _h.RegisterAsync(T, new UnitSetup("load", MarginNano: 1_000_000_000, DepositMicro: 1_000)))[0];
        // Balance 1 000 000 nano below the 1 000 000 000 margin: even an order that locks nothing more is refused.
        var error = await _h.RevertsAsync<Escrow__InsufficientCollateralError>(T, fx.Market.SubmitDayAhead(unit.Trader, unit.Index, 0, null, null));
        Assert.Equal(new BigInteger(1_000_000_000), error.RequiredNano);

        var other = (await _h.RegisterAsync(T, new UnitSetup("other")))[0];
        await _h.SucceedAsync(T, fx.Market.SuspendUnit(fx.Operator, other.Index));
        var suspended = await _h.RevertsAsync<Registry__UnitSuspendedError>(T, fx.Market.SubmitDayAhead(other.Trader, other.Index, 0, _h.EveryDaySlot(1, 1), null));
        Assert.Equal(other.Index, suspended.Unit);
        // A suspended unit keeps what it holds: it withdraws its free balance.
        await _h.SucceedAsync(T, fx.Market.Withdraw(other.Trader, other.Index, 1, other.Trader.Address));
        await _h.RevertsAsync<Registry__NotOperatorError>(T, fx.Market.ReinstateUnit(other.Trader, other.Index));
        await _h.SucceedAsync(T, fx.Market.ReinstateUnit(fx.Operator, other.Index));
        await _h.SucceedAsync(T, fx.Market.SubmitDayAhead(other.Trader, other.Index, 0, _h.EveryDaySlot(1, 1), null));
    });

    [Fact]
    public Task Malformed_curves_are_rejected() => fx.IsolatedAsync(async () =>
    {
        var unit = (await _h.RegisterAsync(T, new UnitSetup("load")))[0];

        var cap = fx.Market.Parameters.PriceCapMicroPerKwh;
        var tooDear = _h.EveryDaySlot(100, 10).ToList();
        tooDear[7] = new OrderCurve([new OrderStep(100, 5), new OrderStep(cap + 1, 5)]);
        var price = await _h.RevertsAsync<Auction__PriceOutOfBoundsError>(T, fx.Market.SubmitDayAhead(unit.Trader, unit.Index, 0, tooDear, null));
        Assert.Equal((7u, new BigInteger(1), cap + 1), (price.Slot, price.Step, price.Price));

        // A step with a price but no quantity is not a canonical curve (the encoder never makes one).
        var raw = new SubmitDayAheadFunction
        {
            Unit = unit.Index, Day = 0, Sells = [],
            Buys = Enumerable.Repeat(BigInteger.Zero, 96).Select((_, i) => i == 3 ? (BigInteger)500 << 32 : BigInteger.Zero).ToList(),
        };
        var canonical = await _h.RevertsAsync<Auction__NonCanonicalStepError>(T, Raw(unit, raw));
        Assert.Equal((3u, BigInteger.Zero), (canonical.Slot, canonical.Step));

        // The client refuses a wrong count itself; the contract must too.
        Assert.Throws<ArgumentException>(() => fx.Market.SubmitIntraday(unit.Trader, unit.Index, 20, null, MarketHarness.Every(3, OrderCurve.Single(1, 1))));
        var threeCurves = new SubmitIntradayFunction { Unit = unit.Index, Hour = 20, Buys = [], Sells = [BigInteger.One, BigInteger.One, BigInteger.One] };
        var count = await _h.RevertsAsync<Auction__WrongCurveCountError>(fx.Market.Parameters.IntradayOpens(20), Raw(unit, threeCurves));
        Assert.Equal(new BigInteger(4), count.Expected);
        Assert.Equal(new BigInteger(3), count.Actual);
    });

    [Fact]
    public Task Clearing_waits_for_the_gate_happens_once_and_skips_what_is_done() => fx.IsolatedAsync(async () =>
    {
        var early = await _h.RevertsAsync<Auction__GateNotClosedError>(T, fx.Market.Clear(fx.Operator, MarketStage.DayAhead, 0, 1));
        Assert.Equal((ulong)DayAheadGate, early.Gate);
        await _h.SucceedAsync(DayAheadGate, fx.Market.Clear(fx.Operator, MarketStage.DayAhead, 0, 96));
        var again = (await _h.SucceedAsync(DayAheadGate + 1, fx.Market.Clear(fx.Operator, MarketStage.DayAhead, 95, 1)))[0];
        Assert.Equal(95u, Assert.Single(again.Events<ClearingSkippedEventDTO>()).Slot);
        Assert.Empty(again.Events<SlotClearedEventDTO>());
        await _h.RevertsAsync<Auction__EmptyRangeError>(DayAheadGate + 1, fx.Market.Clear(fx.Operator, MarketStage.DayAhead, 0, 0));
    });

    [Fact]
    public Task Both_auctions_clear_with_the_same_rule_and_emit_results() => fx.IsolatedAsync(async () =>
    {
        var units = await _h.RegisterAsync(T, new UnitSetup("pv", UnitKind.Pv), new UnitSetup("load-1"), new UnitSetup("load-2"));
        var (pv, l1, l2) = (units[0], units[1], units[2]);
        // Seller 900 Wh at 0.08; buyers 600 Wh at 0.25 and 600 Wh at 0.12: V = 900, the marginal
        // buyer (0.12) is partly outside, so the price is 0.12 (lo = max(a_m, b_x) = 0.12).
        await _h.SucceedAsync(T,
            fx.Market.SubmitDayAhead(pv.Trader, pv.Index, 0, null, _h.EveryDaySlot(80_000, 900)),
            fx.Market.SubmitDayAhead(l1.Trader, l1.Index, 0, _h.EveryDaySlot(250_000, 600), null),
            fx.Market.SubmitDayAhead(l2.Trader, l2.Index, 0, _h.EveryDaySlot(120_000, 600), null));
        var hour = 10u;
        var idGate = fx.Market.Parameters.IntradayGate(hour);
        await _h.SucceedAsync(idGate - 10,
            fx.Market.SubmitIntraday(pv.Trader, pv.Index, hour, null, _h.EveryHourSlot(80_000, 900)),
            fx.Market.SubmitIntraday(l1.Trader, l1.Index, hour, _h.EveryHourSlot(250_000, 600), null),
            fx.Market.SubmitIntraday(l2.Trader, l2.Index, hour, _h.EveryHourSlot(120_000, 600), null));

        var dayAhead = (await _h.SucceedAsync(idGate, fx.Market.Clear(fx.Operator, MarketStage.DayAhead, 40, 4)))[0];
        var intraday = (await _h.SucceedAsync(idGate, fx.Market.Clear(fx.Operator, MarketStage.Intraday, 40, 4)))[0];
        var events = dayAhead.Events<SlotClearedEventDTO>().Concat(intraday.Events<SlotClearedEventDTO>()).ToList();
        Assert.Equal(8, events.Count);
        Assert.All(events, e => Assert.Equal((120_000u, 900UL), (e.Price, e.VolumeWh)));
        foreach (var stage in new[] { MarketStage.DayAhead, MarketStage.Intraday })
        {
            var (bought, _) = await fx.Market.PositionsAsync(stage, 40, 4, l2.Index);
            Assert.All(bought, b => Assert.Equal(300UL, b));
            var (_, sold) = await fx.Market.PositionsAsync(stage, 40, 4, pv.Index);
            Assert.All(sold, s => Assert.Equal(900UL, s));
        }
    });

    /// <summary>A call the client would refuse to build, encoded directly.</summary>
    private MicroMarket.Market.Chain.TxRequest Raw<TFunction>(Participant unit, TFunction function)
        where TFunction : Nethereum.Contracts.FunctionMessage, new() =>
        new(unit.Trader, fx.Market.MarketAddress, Nethereum.Contracts.FunctionMessageExtensions.GetCallData(function), label: "raw");

    [Fact]
    public Task Submission_gas_limits_cover_the_worst_case() => fx.IsolatedAsync(async () =>
    {
        // Every step of both sides, first submission (zero-to-non-zero writes); the intra-day one
        // also reads the slot's day-ahead curves for the rating bound.
        var unit = (await _h.RegisterAsync(T, new UnitSetup("battery", UnitKind.Battery, DepositMicro: 10_000_000_000)))[0];
        var buys = new OrderCurve(Enumerable.Range(1, 4).Select(k => new OrderStep((uint)(k * 10_000), (uint)(k * 100))).ToList());
        var sells = new OrderCurve(Enumerable.Range(1, 4).Select(k => new OrderStep((uint)(k * 10_000 + 50_000), (uint)(k * 100))).ToList());
        var hour = 5u;
        foreach (var (request, time) in new[]
        {
            (fx.Market.SubmitDayAhead(unit.Trader, unit.Index, 0, MarketHarness.Every(96, buys), MarketHarness.Every(96, sells)), T),
            (fx.Market.SubmitIntraday(unit.Trader, unit.Index, hour, MarketHarness.Every(4, buys), MarketHarness.Every(4, sells)), fx.Market.Parameters.IntradayOpens(hour)),
        })
        {
            var outcome = (await _h.SucceedAsync(time, request))[0];
            Assert.True(outcome.GasUsed < request.GasLimit!.Value * 0.97, $"{request.Label}: used {outcome.GasUsed} of the {request.GasLimit} limit");
        }
    });

    private async Task<(OrderCurve Buy, OrderCurve Sell)> Curves(MarketStage stage, uint slot, uint unit)
    {
        var output = await fx.Market.QueryAsync<CurvesFunction, CurvesOutputDTO>(new() { Stage = (byte)stage, Slot = slot, Unit = unit });
        return (OrderCurve.Unpack(output.Buy), OrderCurve.Unpack(output.Sell));
    }
}
