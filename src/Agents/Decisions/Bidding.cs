using MicroMarket.Market.Orders;

namespace MicroMarket.Agents.Decisions;

/// <summary>A unit's traded position in one slot of one auction, as read back from the chain.</summary>
public readonly record struct SlotPosition(long BoughtWh, long SoldWh)
{
    public static SlotPosition None => default;

    /// <summary>Sold minus bought, Wh: positive means the unit is scheduled to export.</summary>
    public long NetExportWh => SoldWh - BoughtWh;

    public static SlotPosition operator +(SlotPosition a, SlotPosition b) => new(a.BoughtWh + b.BoughtWh, a.SoldWh + b.SoldWh);
}

/// <summary>Orders of one unit for consecutive slots from <see cref="FirstSlot"/>: one buy and one sell curve per slot.</summary>
public sealed record SlotOrders(int FirstSlot, IReadOnlyList<OrderCurve> Buys, IReadOnlyList<OrderCurve> Sells)
{
    public static SlotOrders None(int firstSlot, int count) =>
        new(firstSlot, Enumerable.Repeat(OrderCurve.Empty, count).ToList(), Enumerable.Repeat(OrderCurve.Empty, count).ToList());

    public int Count => Buys.Count;

    public bool IsEmpty => Buys.All(c => c.IsEmpty) && Sells.All(c => c.IsEmpty);
}

/// <summary>What a unit bid and what it expected when it bid: its forecast of its uncontrollable net export per slot, kWh.</summary>
public sealed record BidDecision(SlotOrders Orders, IReadOnlyList<double> ForecastNetExportKwh);

/// <summary>The rules a bidder reads off the market: price bounds and the imbalance penalty.</summary>
public sealed record MarketRules(decimal PriceFloor, decimal PriceCap, decimal ImbalancePenalty)
{
    /// <summary>What a short unit expects to pay per kWh of imbalance when the slot trades at <paramref name="price"/>.</summary>
    public decimal ShortPrice(decimal price) => Math.Min(PriceCap, price * (1 + ImbalancePenalty));

    /// <summary>What a long unit expects to get per kWh of imbalance.</summary>
    public decimal LongPrice(decimal price) => Math.Max(PriceFloor, price * (1 - ImbalancePenalty));

    public decimal Clamp(decimal price) => Math.Clamp(price, PriceFloor, PriceCap);
}

/// <summary>
/// Expected clearing prices, tokens per kWh, per slot of the day being planned: public information
/// every bidder has (the last traded day-ahead prices at the same time of day, or the prior).
/// </summary>
public sealed record PriceOutlook(int FirstSlot, IReadOnlyList<decimal> Prices)
{
    /// <summary>The expected price of <paramref name="slot"/>; beyond the planned day the same time of day repeats.</summary>
    public decimal At(int slot) => Prices[(((slot - FirstSlot) % Prices.Count) + Prices.Count) % Prices.Count];
}

/// <summary>Day-ahead bidding for slots [FirstSlot, FirstSlot + SlotCount) of <see cref="Day"/>, issued at the start of <see cref="IssueSlot"/>.</summary>
public sealed record DayAheadRequest(int Day, int IssueSlot, int FirstSlot, int SlotCount, PriceOutlook Outlook, MarketRules Rules);

/// <summary>
/// Intra-day bidding for the slots of <see cref="Hour"/>, issued at the start of <see cref="IssueSlot"/>, knowing the
/// unit's day-ahead positions in those slots and the day-ahead clearing prices (null where nothing traded).
/// </summary>
public sealed record IntradayRequest(
    int Hour, int IssueSlot, int FirstSlot, int SlotCount,
    IReadOnlyList<SlotPosition> DayAheadPositions, IReadOnlyList<decimal?> DayAheadPrices, PriceOutlook Outlook, MarketRules Rules)
{
    /// <summary>The price the unit expects the slot to settle around: its day-ahead price, else the outlook.</summary>
    public decimal ReferencePrice(int slot) => DayAheadPrices[slot - FirstSlot] ?? Outlook.At(slot);
}
