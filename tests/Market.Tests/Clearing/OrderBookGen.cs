using MicroMarket.RunFormat;
using CsCheck;
using MicroMarket.Market.Clearing;

namespace MicroMarket.Market.Tests.Clearing;

/// <summary>
/// Random order books shaped to reach the rule's corners: few distinct prices (so orders tie at the
/// clearing price on both sides), prices at the top of the uint range (so lo + hi overflows 32 bits),
/// quantities up to uint.MaxValue (so pro-rata products exceed 64 bits), and ids in random order
/// relative to prices (so the id tie-breaks matter).
/// </summary>
internal static class OrderBookGen
{
    private static readonly Gen<uint>[] PriceBands =
    [
        Gen.UInt[100, 108],
        Gen.UInt[uint.MaxValue - 8, uint.MaxValue],
        Gen.UInt[0, 2_000],
        Gen.UInt,
    ];

    private static readonly Gen<uint>[] QuantityMixes =
    [
        Gen.UInt[1, 12],
        Gen.Frequency((3, Gen.UInt[1, 12]), (1, Gen.UInt[1, uint.MaxValue])),
        Gen.UInt[1, uint.MaxValue],
    ];

    public static Gen<OrderBook> Books { get; } =
        from priceBand in Gen.Int[0, PriceBands.Length - 1]
        from quantityMix in Gen.Int[0, QuantityMixes.Length - 1]
        from rows in Gen.Select(Gen.Bool, PriceBands[priceBand], QuantityMixes[quantityMix]).Array[0, 40]
        from idOffset in Gen.OneOf(0L, 1_000_000L, long.MaxValue - 100)
        from ids in Gen.Shuffle(Enumerable.Range(0, rows.Length).Select(i => idOffset + i).ToArray())
        select new OrderBook(rows.Select((row, i) =>
            new Order(ids[i], row.Item1 ? OrderSide.Buy : OrderSide.Sell, row.Item2, row.Item3)));

    /// <summary>
    /// Books whose orders belong to a few participants (so many share one), each participant's buys
    /// priced below its sells as the market requires: orders that would cross are left out.
    /// </summary>
    public static Gen<OrderBook> BooksWithParticipants { get; } =
        from book in Books
        from participants in Gen.Int[0, 5].Array[book.Orders.Length]
        select new OrderBook(WithoutCrossing(book.Orders.Select((o, i) =>
            new Order(o.Id, o.Side, o.PriceMicroPerKwh, o.QuantityWh, participants[i])).ToList()));

    /// <summary>Keeps, per participant, the orders on the side of the first order's price that do not cross it.</summary>
    private static IEnumerable<Order> WithoutCrossing(List<Order> orders)
    {
        var split = new Dictionary<long, uint>();
        foreach (var order in orders)
        {
            var participant = order.Participant!.Value;
            if (!split.TryGetValue(participant, out var price))
            {
                // Buys must be priced below the split, sells at or above it.
                split[participant] = price = order.Side == OrderSide.Buy ? (order.PriceMicroPerKwh == uint.MaxValue ? uint.MaxValue : order.PriceMicroPerKwh + 1) : order.PriceMicroPerKwh;
            }
            if (order.Side == OrderSide.Buy ? order.PriceMicroPerKwh < price : order.PriceMicroPerKwh >= price)
            {
                yield return order;
            }
        }
    }

    /// <summary>A failing book printed as CSV, ready to paste into a file for <c>micromarket clear</c>.</summary>
    public static string Print(OrderBook book)
    {
        using var text = new StringWriter();
        OrderBookCsv.Write(book, text);
        return Environment.NewLine + text;
    }
}
