using MicroMarket.RunFormat;
using MicroMarket.Market.Clearing;
using Xunit;
using static MicroMarket.Market.Tests.Clearing.Orders;

namespace MicroMarket.Market.Tests.Clearing;

public sealed class ClearingDomainTests
{
    [Fact]
    public void An_order_must_have_at_least_1_Wh()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Buy(3, 100, 0));

        Assert.Equal("quantityWh", error.ParamName);
        Assert.Contains("Order 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_order_id_must_be_non_negative()
    {
        Assert.Equal("id", Assert.Throws<ArgumentOutOfRangeException>(() => Sell(-1, 100, 1)).ParamName);
    }

    [Fact]
    public void An_order_side_must_be_buy_or_sell()
    {
        Assert.Equal("side", Assert.Throws<ArgumentOutOfRangeException>(() => new Order(1, (OrderSide)2, 100, 1)).ParamName);
    }

    [Fact]
    public void A_book_rejects_an_id_used_twice_even_across_sides()
    {
        var error = Assert.Throws<ArgumentException>(() => new OrderBook(Buy(1, 100, 1), Buy(2, 100, 1), Sell(1, 90, 1)));

        Assert.Contains("Order id 1 appears more than once", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_book_rejects_a_participants_crossing_buy_and_sell()
    {
        var error = Assert.Throws<ArgumentException>(() => new OrderBook(
            new Order(1, OrderSide.Buy, 100, 1, participant: 4), new Order(2, OrderSide.Sell, 100, 1, participant: 4)));
        Assert.Contains("Participant 4 buys at 100 and sells at 100", error.Message, StringComparison.Ordinal);
        // Another participant's sell at that price, or the same participant's dearer sell, is fine.
        _ = new OrderBook(new Order(1, OrderSide.Buy, 100, 1, 4), new Order(2, OrderSide.Sell, 100, 1, 5), new Order(3, OrderSide.Sell, 101, 1, 4));
    }

    [Fact]
    public void A_book_rejects_a_null_order()
    {
        Assert.Throws<ArgumentException>(() => new OrderBook(Buy(1, 100, 1), null!));
    }

    [Fact]
    public void A_book_keeps_the_orders_in_the_given_order()
    {
        Assert.Equal<Order>([Sell(5, 1, 1), Buy(2, 3, 4)], new OrderBook(Sell(5, 1, 1), Buy(2, 3, 4)).Orders);
    }

    [Fact]
    public void A_result_sorts_fills_by_id_and_looks_them_up()
    {
        var result = Result(100, 8, (7, 3), (2, 5), (4, 8));

        Assert.Equal<Fill>([new Fill(2, 5), new Fill(4, 8), new Fill(7, 3)], result.Fills);
        Assert.Equal(8UL, result.FilledWh(4));
        Assert.Equal(0UL, result.FilledWh(3));
        Assert.True(result.TryGetFill(7, out var fill));
        Assert.Equal(new Fill(7, 3), fill);
        Assert.False(result.TryGetFill(1, out _));
    }

    [Fact]
    public void Results_are_equal_by_value()
    {
        Assert.Equal(Result(100, 8, (1, 4), (2, 4)), Result(100, 8, (2, 4), (1, 4)));
        Assert.Equal(Result(100, 8, (1, 4)).GetHashCode(), Result(100, 8, (1, 4)).GetHashCode());
        Assert.NotEqual(Result(100, 8, (1, 4), (2, 4)), Result(100, 8, (1, 4), (2, 3)));
        Assert.NotEqual(Result(100, 8, (1, 4)), Result(101, 8, (1, 4)));
        Assert.Equal(Result(null, 0), ClearingResult.NoTrade);
    }

    [Fact]
    public void A_result_prints_its_fills()
    {
        Assert.Equal(
            "ClearingResult { PriceMicroPerKwh = 100, VolumeWh = 8, Fills = [1: 4, 2: 4] }",
            Result(100, 8, (1, 4), (2, 4)).ToString());
    }

    [Theory]
    [InlineData(null, 5UL)]
    [InlineData(100U, 0UL)]
    public void A_result_has_a_price_exactly_when_volume_trades(uint? price, ulong volumeWh)
    {
        Assert.Throws<ArgumentException>(() => Result(price, volumeWh));
    }

    [Fact]
    public void A_result_rejects_zero_and_repeated_fills()
    {
        Assert.Throws<ArgumentException>(() => Result(100, 8, (1, 0)));
        Assert.Throws<ArgumentException>(() => Result(100, 8, (1, 4), (1, 4)));
    }
}
