using MicroMarket.RunFormat;
using System.Collections.Immutable;

namespace MicroMarket.Market.Clearing;

/// <summary>
/// All orders submitted for one slot, buys and sells together, in submission order. Ids are unique
/// across the whole book, so a fill can be reported by order id alone. Zero quantities cannot
/// reach a book: <see cref="Order"/> already rejects them.
/// <para>
/// No self-trade: a participant's buys and sells must not cross (its highest buy price below its
/// lowest sell price), the rule the contract enforces on submission. A buy fills only at or below
/// its price and a sell only at or above its price, so a participant whose orders do not cross is
/// never filled on both sides of one slot: it never trades with itself, and no self-matched volume
/// enters the clearing price or volume. Orders without a participant are not checked.
/// </para>
/// </summary>
public sealed class OrderBook
{
    /// <exception cref="ArgumentException">An order is null, two orders share an id, or a participant's orders cross.</exception>
    public OrderBook(params IEnumerable<Order> orders)
    {
        ArgumentNullException.ThrowIfNull(orders);
        var all = orders.ToImmutableArray();
        var ids = new HashSet<long>();
        foreach (var order in all)
        {
            if (order is null)
            {
                throw new ArgumentException("The order book contains a null order.", nameof(orders));
            }
            if (!ids.Add(order.Id))
            {
                throw new ArgumentException(
                    $"Order id {order.Id} appears more than once; ids must be unique across the slot's buys and sells.",
                    nameof(orders));
            }
        }
        foreach (var participant in all.Where(o => o.Participant is not null).GroupBy(o => o.Participant))
        {
            var highestBuy = participant.Where(o => o.Side == OrderSide.Buy).Max(o => (uint?)o.PriceMicroPerKwh);
            var lowestSell = participant.Where(o => o.Side == OrderSide.Sell).Min(o => (uint?)o.PriceMicroPerKwh);
            if (highestBuy >= lowestSell)
            {
                throw new ArgumentException(
                    $"Participant {participant.Key} buys at {highestBuy} and sells at {lowestSell}: a participant's buys must be priced below its sells (its orders never trade with each other).",
                    nameof(orders));
            }
        }
        Orders = all;
    }

    /// <summary>The orders in the order they were given; clearing does not depend on this order.</summary>
    public ImmutableArray<Order> Orders { get; }
}
