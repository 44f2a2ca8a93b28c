namespace MicroMarket.RunFormat;

// The market's two enumerations every layer speaks of (the contract's registry and auctions, the
// simulator, orders.csv and the report), here for the same reason as UnitKind: this project
// references nothing, so each layer can use them without depending on a layer above it.

/// <summary>The two auctions of the market; the values are the contract's <c>Stage</c> enum.</summary>
public enum MarketStage : byte
{
    DayAhead = 0,
    Intraday = 1,
}

/// <summary>Which side of the slot's market an order is on.</summary>
public enum OrderSide
{
    /// <summary>Wants energy: pays at most its price.</summary>
    Buy,

    /// <summary>Offers energy: accepts at least its price.</summary>
    Sell,
}
