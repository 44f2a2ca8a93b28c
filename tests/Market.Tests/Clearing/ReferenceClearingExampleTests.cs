using MicroMarket.Market.Clearing;
using Xunit;
using static MicroMarket.Market.Tests.Clearing.Orders;

namespace MicroMarket.Market.Tests.Clearing;

/// <summary>
/// Hand-computed books. Each comment derives the numbers from the rule: D(p) and S(p) at every order
/// price, V, the merit order with inside/outside Wh, b_m, a_m, b_x, a_x, lo, hi, the price and the
/// fills. "none" means the side has no Wh outside. Prices are micro-units per kWh, quantities Wh.
/// </summary>
public sealed class ReferenceClearingExampleTests
{
    [Fact]
    public void Books_that_do_not_cross_clear_nothing()
    {
        // Order prices {100, 120}.
        // p=100: D = 10 (buy 1), S = 0 (no sell <= 100): min 0.
        // p=120: D = 0 (no buy >= 120), S = 10: min 0.
        // V = 0: no price, no fills.
        var book = new OrderBook(Buy(1, 100, 10), Sell(2, 120, 10));

        Assert.Equal(ClearingResult.NoTrade, ReferenceClearing.Clear(book));
    }

    [Fact]
    public void Empty_and_one_sided_books_clear_nothing()
    {
        // No orders: no prices to scan, V = 0. Only buys: S(p) = 0 everywhere, V = 0. Likewise sells.
        Assert.Equal(ClearingResult.NoTrade, ReferenceClearing.Clear(new OrderBook()));
        Assert.Equal(ClearingResult.NoTrade, ReferenceClearing.Clear(new OrderBook(Buy(1, 100, 10), Buy(2, 200, 5))));
        Assert.Equal(ClearingResult.NoTrade, ReferenceClearing.Clear(new OrderBook(Sell(1, 1, 10), Sell(2, 2, 5))));
    }

    [Fact]
    public void A_simple_cross_clears_at_the_midpoint_with_neither_side_outside()
    {
        // Prices {100, 120}. p=100: D=10, S=10 -> 10. p=120: D=10, S=10 -> 10. V = 10.
        // Buys: 1 (10 inside). Sells: 2 (10 inside). b_m = 120, a_m = 100, b_x = none, a_x = none.
        // lo = max(100) = 100, hi = min(120) = 120, price = floor(220 / 2) = 110.
        // Buy 1 (120 > 110) and sell 2 (100 < 110) are strictly better: both fill 10.
        var book = new OrderBook(Buy(1, 120, 10), Sell(2, 100, 10));

        Assert.Equal(Result(110, 10, (1, 10), (2, 10)), ReferenceClearing.Clear(book));
    }

    [Fact]
    public void The_midpoint_rounds_down_when_lo_plus_hi_is_odd()
    {
        // As the simple cross but the buy bids 121: b_m = 121, lo = 100, hi = 121,
        // price = floor(221 / 2) = floor(110.5) = 110, strictly between the two order prices.
        var book = new OrderBook(Buy(1, 121, 10), Sell(2, 100, 10));

        Assert.Equal(Result(110, 10, (1, 10), (2, 10)), ReferenceClearing.Clear(book));
    }

    [Fact]
    public void The_midpoint_does_not_overflow_at_the_top_of_the_price_range()
    {
        // lo = a_m = 4294967294, hi = b_m = 4294967295 (uint.MaxValue); lo + hi = 8589934589 does not
        // fit in 32 bits. floor(8589934589 / 2) = 4294967294.
        var book = new OrderBook(Buy(1, uint.MaxValue, 10), Sell(2, uint.MaxValue - 1, 10));

        Assert.Equal(Result(uint.MaxValue - 1, 10, (1, 10), (2, 10)), ReferenceClearing.Clear(book));
    }

    [Fact]
    public void A_partly_inside_marginal_buy_sets_the_price_and_fills_the_rest()
    {
        // Prices {100, 120, 130}.
        // p=100: D = 5+10 = 15, S = 8 -> 8.  p=120: D = 15, S = 8 -> 8.  p=130: D = 5, S = 8 -> 5.  V = 8.
        // Buys in merit order: 1 @130 (5 inside), 2 @120 (3 inside, 7 outside). b_m = 120, b_x = 120.
        // Sells: 3 @100 (8 inside). a_m = 100, a_x = none.
        // lo = max(100, 120) = 120, hi = min(120) = 120, price = 120.
        // Buy 1 (130 > 120) fills 5; rest 8 - 5 = 3 shared at 120 by buy 2 alone: 3 * 10 / 10 = 3.
        // Sell 3 (100 < 120) fills 8.
        var book = new OrderBook(Buy(1, 130, 5), Buy(2, 120, 10), Sell(3, 100, 8));

        Assert.Equal(Result(120, 8, (1, 5), (2, 3), (3, 8)), ReferenceClearing.Clear(book));
    }

    [Fact]
    public void A_partly_inside_marginal_sell_sets_the_price_and_fills_the_rest()
    {
        // Prices {90, 100, 130}.
        // p=90: D = 8, S = 5 -> 5.  p=100: D = 8, S = 15 -> 8.  p=130: D = 8, S = 15 -> 8.  V = 8.
        // Sells in merit order: 1 @90 (5 inside), 2 @100 (3 inside, 7 outside). a_m = 100, a_x = 100.
        // Buys: 3 @130 (8 inside). b_m = 130, b_x = none.
        // lo = max(100) = 100, hi = min(130, 100) = 100, price = 100.
        // Sell 1 (90 < 100) fills 5; rest 3 at 100 goes to sell 2: 3 * 10 / 10 = 3. Buy 3 fills 8.
        var book = new OrderBook(Sell(1, 90, 5), Sell(2, 100, 10), Buy(3, 130, 8));

        Assert.Equal(Result(100, 8, (1, 5), (2, 3), (3, 8)), ReferenceClearing.Clear(book));
    }

    [Fact]
    public void An_outside_buy_raises_lo_when_no_sell_is_outside()
    {
        // Prices {100, 110, 150}.
        // p=100: D = 20, S = 10 -> 10.  p=110: D = 20, S = 10 -> 10.  p=150: D = 10, S = 10 -> 10.  V = 10.
        // Buys: 1 @150 (10 inside), 2 @110 (10 outside). b_m = 150, b_x = 110.
        // Sells: 3 @100 (10 inside). a_m = 100, a_x = none.
        // lo = max(100, 110) = 110, hi = min(150) = 150, price = floor(260 / 2) = 130.
        // Buy 1 (150 > 130) fills 10, buy 2 (110 < 130) gets nothing, sell 3 (100 < 130) fills 10.
        var book = new OrderBook(Buy(1, 150, 10), Buy(2, 110, 10), Sell(3, 100, 10));

        Assert.Equal(Result(130, 10, (1, 10), (3, 10)), ReferenceClearing.Clear(book));
    }

    [Fact]
    public void An_outside_sell_lowers_hi_when_no_buy_is_outside()
    {
        // Prices {100, 140, 150}.
        // p=100: D = 10, S = 10 -> 10.  p=140: D = 10, S = 20 -> 10.  p=150: D = 10, S = 20 -> 10.  V = 10.
        // Sells: 1 @100 (10 inside), 2 @140 (10 outside). a_m = 100, a_x = 140.
        // Buys: 3 @150 (10 inside). b_m = 150, b_x = none.
        // lo = max(100) = 100, hi = min(150, 140) = 140, price = floor(240 / 2) = 120.
        // Sell 1 (100 < 120) fills 10, sell 2 (140 > 120) nothing, buy 3 (150 > 120) fills 10.
        var book = new OrderBook(Sell(1, 100, 10), Sell(2, 140, 10), Buy(3, 150, 10));

        Assert.Equal(Result(120, 10, (1, 10), (3, 10)), ReferenceClearing.Clear(book));
    }

    [Fact]
    public void Buys_at_the_price_share_pro_rata_and_the_leftover_goes_to_the_lower_id_on_a_tie()
    {
        // Both sides have several orders at the clearing price. Only one side can be rationed there:
        // if both had Wh outside at price P, D(P) and S(P) would both exceed V, contradicting V's maximality.
        // Prices {80, 100, 120}.
        // p=80:  D = 4+3+3+3 = 13, S = 2 -> 2.
        // p=100: D = 13, S = 2+4+2 = 8 -> 8.
        // p=120: D = 4, S = 8 -> 4.  V = 8.
        // Buys in merit order (ties by id): 1 @120 (4 inside), 2 @100 (3 inside), 4 @100 (1 inside, 2 outside),
        // 6 @100 (3 outside). b_m = 100, b_x = 100.
        // Sells: 3 @80 (2 inside), 5 @100 (4 inside), 7 @100 (2 inside). a_m = 100, a_x = none.
        // lo = max(100, 100) = 100, hi = min(100) = 100, price = 100.
        // Buys: 1 (120 > 100) fills 4; rest 8 - 4 = 4 shared by 2, 4, 6 (3 Wh each, Q = 9):
        //   4 * 3 / 9 = 1 remainder 3 for each; floors sum to 3, leftover 1. All fractional parts tie
        //   at 3/9, so the lowest id, 2, gets it: 2 -> 2, 4 -> 1, 6 -> 1. Order 6 was wholly outside in
        //   merit order and still gets its share: at the price, the split is pro rata, not by merit.
        // Sells: 3 (80 < 100) fills 2; rest 8 - 2 = 6 shared by 5 and 7 (Q = 6): 6 * 4 / 6 = 4, 6 * 2 / 6 = 2.
        var book = new OrderBook(
            Buy(1, 120, 4), Buy(6, 100, 3), Buy(2, 100, 3), Buy(4, 100, 3),
            Sell(3, 80, 2), Sell(5, 100, 4), Sell(7, 100, 2));

        Assert.Equal(
            Result(100, 8, (1, 4), (2, 2), (3, 2), (4, 1), (5, 4), (6, 1), (7, 2)),
            ReferenceClearing.Clear(book));
    }

    [Fact]
    public void Sells_at_the_price_share_pro_rata_and_the_leftover_goes_to_the_largest_fractional_parts()
    {
        // Prices {90, 100, 110}.
        // p=90:  D = 10+3+2 = 15, S = 5 -> 5.
        // p=100: D = 15, S = 5+4+3+3+2 = 17 -> 15.
        // p=110: D = 10, S = 17 -> 10.  V = 15.
        // Buys: 10 @110 (10 inside), 11 @100 (3 inside), 12 @100 (2 inside). b_m = 100, b_x = none.
        // Sells: 1 @90 (5), 2 @100 (4), 3 @100 (3), 4 @100 (3 inside, cumulative 15), 5 @100 (2 outside).
        // a_m = 100, a_x = 100. lo = max(100) = 100, hi = min(100, 100) = 100, price = 100.
        // Buys: 10 (110 > 100) fills 10; rest 5 at 100 with Q = 5: 11 -> 3, 12 -> 2.
        // Sells: 1 (90 < 100) fills 5; rest 10 at 100 with Q = 4+3+3+2 = 12:
        //   2: 10*4/12 = 40/12 = 3 r 4;  3: 30/12 = 2 r 6;  4: 30/12 = 2 r 6;  5: 20/12 = 1 r 8.
        //   Floors 3+2+2+1 = 8, leftover 2: first the largest fraction, 8/12 (order 5, despite its
        //   higher id), then the tie at 6/12 between 3 and 4 goes to the lower id, 3.
        //   Fills 2 -> 3, 3 -> 3, 4 -> 2, 5 -> 2 (sum 10).
        var book = new OrderBook(
            Buy(10, 110, 10), Buy(11, 100, 3), Buy(12, 100, 2),
            Sell(1, 90, 5), Sell(2, 100, 4), Sell(3, 100, 3), Sell(4, 100, 3), Sell(5, 100, 2));

        Assert.Equal(
            Result(100, 15, (1, 5), (2, 3), (3, 3), (4, 2), (5, 2), (10, 10), (11, 3), (12, 2)),
            ReferenceClearing.Clear(book));
    }

    [Fact]
    public void Pro_rata_shares_are_exact_when_the_products_exceed_64_bits()
    {
        // Let M = 4294967295 = uint.MaxValue.
        // Prices {90, 100}. p=90: D = M + M + 1 = 8589934591 (every buy is @100 >= 90),
        //   S = M + 3000000000 = 7294967295 -> 7294967295.  p=100: the same D and S -> 7294967295.
        // V = 7294967295: every sell is inside (a_m = 90, a_x = none); buys 1 (M inside), 2 (3000000000
        // inside, rest outside), 5 (outside): b_m = 100, b_x = 100. lo = 100, hi = 100, price = 100.
        // Sells 3 and 4 (90 < 100) fill completely. No buy is above 100, so the rest R = V = 7294967295
        // is shared at 100 with Q = 2M + 1 = 8589934591. R * M = 3.13e19 > 2^64 = 1.84e19.
        //   Buys 1 and 2: R * M / Q = R/2 - R/(2Q) = 3647483647.5 - 0.4246 = 3647483647.0754 -> 3647483647.
        //   Buy 5: R * 1 / Q = 0.8492 -> 0.
        //   Floors sum to 7294967294, leftover 1 -> the largest fraction, buy 5 (0.8492 > 0.0754).
        var book = new OrderBook(
            Buy(1, 100, uint.MaxValue), Buy(2, 100, uint.MaxValue), Buy(5, 100, 1),
            Sell(3, 90, uint.MaxValue), Sell(4, 90, 3_000_000_000));

        Assert.Equal(
            Result(100, 7_294_967_295, (1, 3_647_483_647), (2, 3_647_483_647), (3, uint.MaxValue), (4, 3_000_000_000), (5, 1)),
            ReferenceClearing.Clear(book));
    }

    [Fact]
    public void When_the_sell_side_is_exhausted_every_sell_fills_and_buys_are_rationed()
    {
        // Prices {50, 60, 70, 90, 100}.
        // p=50: D = 8+5+7 = 20, S = 4 -> 4.   p=60: D = 20, S = 4 -> 4.   p=70: D = 8+5 = 13, S = 10 -> 10.
        // p=90: D = 13, S = 10 -> 10.         p=100: D = 8, S = 10 -> 8.  V = 10 = all the supply.
        // Sells: 1 @50 (4 inside), 2 @70 (6 inside). a_m = 70, a_x = none.
        // Buys: 3 @100 (8 inside), 4 @90 (2 inside, 3 outside), 5 @60 (7 outside). b_m = 90, b_x = 90.
        // lo = max(70, 90) = 90, hi = min(90) = 90, price = 90.
        // Buy 3 (100 > 90) fills 8; rest 2 at 90 goes to buy 4 (2 * 5 / 5 = 2); buy 5 (60 < 90) nothing.
        // Sells 1 and 2 (both < 90) fill 4 and 6.
        var book = new OrderBook(
            Sell(1, 50, 4), Sell(2, 70, 6), Buy(3, 100, 8), Buy(4, 90, 5), Buy(5, 60, 7));

        Assert.Equal(Result(90, 10, (1, 4), (2, 6), (3, 8), (4, 2)), ReferenceClearing.Clear(book));
    }

    [Fact]
    public void Equal_prices_on_both_sides_clear_at_that_price()
    {
        // Price {100}. D(100) = 10, S(100) = 10, V = 10. b_m = a_m = 100, nothing outside.
        // lo = hi = 100, price 100. No order is strictly better; the rest 10 on each side is shared at
        // 100 by one order each: 10 * 10 / 10 = 10.
        var book = new OrderBook(Buy(1, 100, 10), Sell(2, 100, 10));

        Assert.Equal(Result(100, 10, (1, 10), (2, 10)), ReferenceClearing.Clear(book));
    }

    [Fact]
    public void Equal_prices_with_more_demand_ration_the_buy()
    {
        // Price {100}. D(100) = 10, S(100) = 6, V = 6. Buy 1: 6 inside, 4 outside, so b_m = b_x = 100;
        // sell 2 wholly inside, a_m = 100, a_x = none. lo = max(100, 100), hi = min(100): price 100.
        // Buy 1 gets 6 * 10 / 10 = 6 of its 10; sell 2 gets 6 * 6 / 6 = 6.
        var book = new OrderBook(Buy(1, 100, 10), Sell(2, 100, 6));

        Assert.Equal(Result(100, 6, (1, 6), (2, 6)), ReferenceClearing.Clear(book));
    }
}
