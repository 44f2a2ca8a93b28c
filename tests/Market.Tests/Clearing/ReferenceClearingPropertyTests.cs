using MicroMarket.RunFormat;
using System.Numerics;
using CsCheck;
using MicroMarket.Market.Clearing;
using Xunit;

namespace MicroMarket.Market.Tests.Clearing;

/// <summary>
/// Properties of the clearing rule over random books (<see cref="OrderBookGen"/>). The checks that
/// need V, lo or hi recompute them here by a different route than <see cref="ReferenceClearing"/>:
/// V by brute force over every order price, the bounds from the k-th Wh of each merit order.
/// CsCheck prints a seed and the shrunk book (as CSV) on failure.
/// </summary>
public sealed class ReferenceClearingPropertyTests
{
    private const long Iterations = 3_000;

    [Fact]
    public void Each_side_fills_exactly_the_cleared_volume()
    {
        OrderBookGen.Books.Sample(book =>
        {
            var result = ReferenceClearing.Clear(book);
            Assert.Equal(result.VolumeWh, FilledWh(book, result, OrderSide.Buy));
            Assert.Equal(result.VolumeWh, FilledWh(book, result, OrderSide.Sell));
            Assert.Equal(result.VolumeWh == 0, result.PriceMicroPerKwh is null);
        }, iter: Iterations, print: OrderBookGen.Print);
    }

    [Fact]
    public void No_participant_trades_with_itself()
    {
        OrderBookGen.BooksWithParticipants.Sample(book =>
        {
            var result = ReferenceClearing.Clear(book);
            var byId = book.Orders.ToDictionary(order => order.Id);
            var twoSided = result.Fills.Select(f => byId[f.OrderId]).GroupBy(o => o.Participant)
                .Where(g => g.Select(o => o.Side).Distinct().Count() > 1).Select(g => g.Key).ToList();
            Assert.True(twoSided.Count == 0, $"participant(s) {string.Join(", ", twoSided)} filled on both sides");
        }, iter: Iterations, print: OrderBookGen.Print);
    }

    [Fact]
    public void Fills_name_orders_of_the_book_and_never_exceed_their_quantity()
    {
        OrderBookGen.Books.Sample(book =>
        {
            var result = ReferenceClearing.Clear(book);
            var byId = book.Orders.ToDictionary(order => order.Id);
            foreach (var fill in result.Fills)
            {
                Assert.True(byId.TryGetValue(fill.OrderId, out var order), $"fill for unknown order {fill.OrderId}");
                Assert.InRange(fill.QuantityWh, 1UL, order.QuantityWh);
            }
        }, iter: Iterations, print: OrderBookGen.Print);
    }

    [Fact]
    public void Orders_better_than_the_price_fill_completely_and_worse_ones_get_nothing()
    {
        OrderBookGen.Books.Sample(book =>
        {
            var result = ReferenceClearing.Clear(book);
            if (result.PriceMicroPerKwh is not { } price)
            {
                Assert.Empty(result.Fills);
                return;
            }
            foreach (var order in book.Orders)
            {
                var better = order.Side == OrderSide.Buy ? order.PriceMicroPerKwh > price : order.PriceMicroPerKwh < price;
                var worse = order.Side == OrderSide.Buy ? order.PriceMicroPerKwh < price : order.PriceMicroPerKwh > price;
                if (better)
                {
                    Assert.Equal(order.QuantityWh, result.FilledWh(order.Id));
                }
                if (worse)
                {
                    Assert.Equal(0UL, result.FilledWh(order.Id));
                }
            }
        }, iter: Iterations, print: OrderBookGen.Print);
    }

    [Fact]
    public void Volume_is_the_brute_force_maximum_of_min_demand_supply_over_order_prices()
    {
        OrderBookGen.Books.Sample(book =>
        {
            Assert.Equal(BruteForceVolumeWh(book), ReferenceClearing.Clear(book).VolumeWh);
        }, iter: Iterations, print: OrderBookGen.Print);
    }

    [Fact]
    public void The_price_lies_between_lo_and_hi()
    {
        OrderBookGen.Books.Sample(book =>
        {
            var result = ReferenceClearing.Clear(book);
            if (result.PriceMicroPerKwh is { } price)
            {
                var (lo, hi) = NaiveBounds(book, result.VolumeWh);
                Assert.InRange(price, lo, hi);
                Assert.Equal((uint)(((ulong)lo + hi) / 2), price);
            }
        }, iter: Iterations, print: OrderBookGen.Print);
    }

    [Fact]
    public void At_price_shares_are_within_one_Wh_of_exact_pro_rata_and_leftovers_follow_the_largest_fraction()
    {
        OrderBookGen.Books.Sample(book =>
        {
            var result = ReferenceClearing.Clear(book);
            if (result.PriceMicroPerKwh is not { } price)
            {
                return;
            }
            foreach (var side in new[] { OrderSide.Buy, OrderSide.Sell })
            {
                var orders = book.Orders.Where(order => order.Side == side).ToList();
                var atPrice = orders.Where(order => order.PriceMicroPerKwh == price).ToList();
                var betterWh = orders
                    .Where(order => side == OrderSide.Buy ? order.PriceMicroPerKwh > price : order.PriceMicroPerKwh < price)
                    .Aggregate(BigInteger.Zero, (total, order) => total + order.QuantityWh);
                var restWh = result.VolumeWh - betterWh;
                var atPriceWh = atPrice.Aggregate(BigInteger.Zero, (total, order) => total + order.QuantityWh);
                if (restWh == 0)
                {
                    Assert.All(atPrice, order => Assert.Equal(0UL, result.FilledWh(order.Id)));
                    continue;
                }

                // |fill - rest * q / Q| < 1, multiplied through by Q to stay in integers.
                var shares = atPrice.Select(order => new
                {
                    order.Id,
                    Filled = (BigInteger)result.FilledWh(order.Id),
                    Exact = restWh * order.QuantityWh,
                }).ToList();
                Assert.All(shares, share => Assert.True(
                    BigInteger.Abs((share.Filled * atPriceWh) - share.Exact) < atPriceWh,
                    $"order {share.Id}: filled {share.Filled}, exact share {share.Exact}/{atPriceWh}"));

                // Whoever got the extra Wh over its rounded-down share must not have a smaller fractional
                // part than one who did not, and on equal fractions must have the lower id.
                var rounded = shares.Select(share => new
                {
                    share.Id,
                    Extra = share.Filled - (share.Exact / atPriceWh),
                    Remainder = share.Exact % atPriceWh,
                }).ToList();
                foreach (var winner in rounded.Where(share => share.Extra == 1))
                {
                    foreach (var loser in rounded.Where(share => share.Extra == 0))
                    {
                        Assert.True(
                            winner.Remainder > loser.Remainder || (winner.Remainder == loser.Remainder && winner.Id < loser.Id),
                            $"order {winner.Id} got the leftover Wh before order {loser.Id}");
                    }
                }
            }
        }, iter: Iterations, print: OrderBookGen.Print);
    }

    [Fact]
    public void Clearing_is_deterministic_and_independent_of_the_order_of_orders()
    {
        var booksAndShuffles =
            from book in OrderBookGen.Books
            from shuffled in Gen.Shuffle(book.Orders.ToArray())
            select (book, new OrderBook(shuffled));
        booksAndShuffles.Sample((book, shuffled) =>
        {
            var result = ReferenceClearing.Clear(book);
            Assert.Equal(result, ReferenceClearing.Clear(book));
            Assert.Equal(result, ReferenceClearing.Clear(shuffled));
        }, iter: Iterations, print: pair => OrderBookGen.Print(pair.Item1));
    }

    [Fact]
    public void Five_thousand_orders_clear_with_both_sides_filled_to_the_volume()
    {
        // A fixed seed: the same book every run.
        var random = new Random(5_000);
        var book = new OrderBook(Enumerable.Range(0, 5_000).Select(i => new Order(
            i,
            random.Next(2) == 0 ? OrderSide.Buy : OrderSide.Sell,
            (uint)random.Next(90_000, 110_000),
            (uint)random.Next(1, 10_000))));

        var result = ReferenceClearing.Clear(book);

        Assert.True(result.VolumeWh > 0);
        Assert.Equal(result.VolumeWh, FilledWh(book, result, OrderSide.Buy));
        Assert.Equal(result.VolumeWh, FilledWh(book, result, OrderSide.Sell));
    }

    private static ulong FilledWh(OrderBook book, ClearingResult result, OrderSide side) =>
        book.Orders
            .Where(order => order.Side == side)
            .Aggregate(0UL, (total, order) => total + result.FilledWh(order.Id));

    /// <summary>The rule's definition of V, evaluated literally: O(orders²), fine for small books.</summary>
    private static ulong BruteForceVolumeWh(OrderBook book)
    {
        ulong volumeWh = 0;
        foreach (var candidate in book.Orders)
        {
            var p = candidate.PriceMicroPerKwh;
            ulong demandWh = 0, supplyWh = 0;
            foreach (var order in book.Orders)
            {
                if (order.Side == OrderSide.Buy && order.PriceMicroPerKwh >= p)
                {
                    demandWh += order.QuantityWh;
                }
                if (order.Side == OrderSide.Sell && order.PriceMicroPerKwh <= p)
                {
                    supplyWh += order.QuantityWh;
                }
            }
            volumeWh = Math.Max(volumeWh, Math.Min(demandWh, supplyWh));
        }
        return volumeWh;
    }

    /// <summary>
    /// lo and hi from the k-th Wh of each merit order: the last inside order holds the V-th Wh (b_m,
    /// a_m) and the best-priced outside Wh is the (V+1)-th (b_x, a_x), absent if the side holds only V.
    /// </summary>
    private static (uint Lo, uint Hi) NaiveBounds(OrderBook book, ulong volumeWh)
    {
        var buys = book.Orders.Where(order => order.Side == OrderSide.Buy)
            .OrderByDescending(order => order.PriceMicroPerKwh).ThenBy(order => order.Id).ToList();
        var sells = book.Orders.Where(order => order.Side == OrderSide.Sell)
            .OrderBy(order => order.PriceMicroPerKwh).ThenBy(order => order.Id).ToList();

        var bm = PriceHoldingWh(buys, volumeWh)!.Value;
        var am = PriceHoldingWh(sells, volumeWh)!.Value;
        var bx = PriceHoldingWh(buys, volumeWh + 1);
        var ax = PriceHoldingWh(sells, volumeWh + 1);
        var lo = bx is null ? am : Math.Max(am, bx.Value);
        var hi = ax is null ? bm : Math.Min(bm, ax.Value);
        return (lo, hi);
    }

    /// <summary>Price of the order holding the k-th Wh (1-based) of a merit order, or null past its end.</summary>
    private static uint? PriceHoldingWh(List<Order> meritOrder, ulong k)
    {
        ulong throughWh = 0;
        foreach (var order in meritOrder)
        {
            throughWh += order.QuantityWh;
            if (throughWh >= k)
            {
                return order.PriceMicroPerKwh;
            }
        }
        return null;
    }
}
