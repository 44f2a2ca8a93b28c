using MicroMarket.Agents.Actors;

namespace MicroMarket.Agents.Tests.Actors;

/// <summary>The operator's instructions a slot's balance implies: what a unit was curtailed or shed by, within its rating.</summary>
public sealed class OperatorOrdersTests
{
    private const long Rating = 10_000;

    [Fact]
    public void A_curtailed_producer_is_ordered_what_the_balance_took_not_its_forecast_shortfall()
    {
        // Proposed (available) 1500 Wh, curtailed to 500: 1000 Wh ordered, whatever it sold.
        Assert.Equal((1000L, 0L), OperatorOrders.Of(1500, 500, Rating));
        Assert.Equal((0L, 0L), OperatorOrders.Of(1500, 1500, Rating));
    }

    [Fact]
    public void A_shed_consumer_is_ordered_what_the_balance_took()
    {
        Assert.Equal((0L, 1000L), OperatorOrders.Of(-1500, -500, Rating));
        Assert.Equal((0L, 1500L), OperatorOrders.Of(-1500, 0, Rating));
    }

    [Fact]
    public void An_order_is_within_the_rating_and_never_negative()
    {
        Assert.Equal((Rating, 0L), OperatorOrders.Of(3 * Rating, 0, Rating));
        // Pushed beyond its proposal (export above it, import above it): no order.
        Assert.Equal((0L, 0L), OperatorOrders.Of(1500, 2000, Rating));
        Assert.Equal((0L, 0L), OperatorOrders.Of(-1500, -2000, Rating));
    }

    [Fact]
    public void Storage_the_balance_moved_supplied_or_absorbed_the_difference_on_order()
    {
        // Scheduled to charge 500 Wh, made to discharge 1000: 1500 Wh supplied on order.
        Assert.Equal((0L, 1500L), OperatorOrders.Balancing(-500, 1000, Rating));
        // Meant to discharge 800, made to charge 200: 1000 Wh absorbed on order.
        Assert.Equal((1000L, 0L), OperatorOrders.Balancing(800, -200, Rating));
        Assert.Equal((0L, 0L), OperatorOrders.Balancing(800, 800, Rating));
        Assert.Equal((Rating, 0L), OperatorOrders.Balancing(Rating, -Rating, Rating));
    }
}
