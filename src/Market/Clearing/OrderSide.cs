namespace MicroMarket.Market.Clearing;

/// <summary>Which side of the slot's market an order is on.</summary>
public enum OrderSide
{
    /// <summary>Wants energy: pays at most its price.</summary>
    Buy,

    /// <summary>Offers energy: accepts at least its price.</summary>
    Sell,
}
