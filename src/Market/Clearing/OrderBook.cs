using System.Collections.Immutable;

namespace MicroMarket.Market.Clearing;

/// <summary>
/// All orders submitted for one slot, buys and sells together, in submission order. Ids are unique
/// across the whole book, so a fill can be reported by order id alone. Zero quantities cannot
/// reach a book: <see cref="Order"/> already rejects them.
/// </summary>
public sealed class OrderBook
{
    /// <exception cref="ArgumentException">An order is null or two orders share an id.</exception>
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
        Orders = all;
    }

    /// <summary>The orders in the order they were given; clearing does not depend on this order.</summary>
    public ImmutableArray<Order> Orders { get; }
}
