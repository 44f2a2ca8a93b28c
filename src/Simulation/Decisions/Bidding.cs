using MicroMarket.Simulation;
using MicroMarket.Market;
using MicroMarket.Market.Orders;
using MicroMarket.Market.Settlement;

namespace MicroMarket.Simulation.Decisions;

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

    /// <summary>The buy and sell curve of <paramref name="slot"/>, or null outside these orders' slots.</summary>
    public (OrderCurve Buy, OrderCurve Sell)? At(int slot) =>
        slot >= FirstSlot && slot < FirstSlot + Count ? (Buys[slot - FirstSlot], Sells[slot - FirstSlot]) : null;
}

/// <summary>
/// The orders the market admits from one unit, as its contract checks them (docs/market-rules.md):
/// in each slot its buy and sell must not cross (highest buy below lowest sell: a unit never trades
/// with itself), and per side the quantity over both auctions stays within its rating. A strategy
/// proposes; this trims what would be refused, so that one unit's overreach never costs it the
/// whole submission: sell steps at or below its highest buy go (its buy is what it needs), and a
/// side beyond the rating loses its least attractive steps first (the cheapest buys, the dearest sells).
/// </summary>
public static class AdmissibleOrders
{
    /// <param name="orders">What the strategy proposes.</param>
    /// <param name="ratingWh">The unit's registered rating per slot.</param>
    /// <param name="dayAhead">For intra-day orders, the day-ahead orders the unit placed (those of the same slots count against the rating); none day-ahead.</param>
    public static SlotOrders Of(SlotOrders orders, long ratingWh, IEnumerable<SlotOrders>? dayAhead = null)
    {
        var buys = new List<OrderCurve>(orders.Count);
        var sells = new List<OrderCurve>(orders.Count);
        for (var i = 0; i < orders.Count; i++)
        {
            var slot = orders.FirstSlot + i;
            var (buy, sell) = (orders.Buys[i], orders.Sells[i]);
            if (OrderCurve.Cross(buy, sell))
            {
                var highestBuy = buy.Steps.Max(s => s.PriceMicroPerKwh);
                sell = new OrderCurve(sell.Steps.Where(s => s.PriceMicroPerKwh > highestBuy).ToList());
            }
            var placed = dayAhead?.Select(d => d.At(slot)).FirstOrDefault(p => p is not null);
            var (placedBuyWh, placedSellWh) = placed is { } p ? (p.Buy.TotalWh, p.Sell.TotalWh) : (0UL, 0UL);
            buys.Add(Within(buy, ratingWh - (long)placedBuyWh, descending: true));
            sells.Add(Within(sell, ratingWh - (long)placedSellWh, descending: false));
        }
        return new SlotOrders(orders.FirstSlot, buys, sells);
    }

    /// <summary>The curve's steps in merit order (buys dearest first, sells cheapest first) up to <paramref name="limitWh"/>, the last one cut.</summary>
    private static OrderCurve Within(OrderCurve curve, long limitWh, bool descending)
    {
        if ((long)curve.TotalWh <= limitWh)
        {
            return curve;
        }
        var ordered = descending ? curve.Steps.OrderByDescending(s => s.PriceMicroPerKwh) : curve.Steps.OrderBy(s => s.PriceMicroPerKwh);
        var kept = new List<OrderStep>();
        var left = Math.Max(0, limitWh);
        foreach (var step in ordered)
        {
            var take = (uint)Math.Min(step.QuantityWh, left);
            if (take > 0)
            {
                kept.Add(step with { QuantityWh = take });
            }
            left -= take;
        }
        return new OrderCurve(kept);
    }
}

/// <summary>What a unit bid and what it expected when it bid: its forecast of its uncontrollable net export per slot, kWh.</summary>
public sealed record BidDecision(SlotOrders Orders, IReadOnlyList<double> ForecastNetExportKwh);

/// <summary>
/// The rules a bidder reads off the market, as deployed: price bounds, and the imbalance prices it
/// expects, by the contract's own rule (<see cref="ImbalancePricing"/>) for a slot that trades enough
/// volume at <c>reference</c>.
/// </summary>
public sealed record MarketRules(MarketParameters Market)
{
    /// <summary>
    /// The smallest gap between a unit's day-ahead position and its latest expectation, Wh, that is worth an intra-day
    /// transaction (the scenario's <c>market.intraday_min_correction_wh</c>; 0: every gap is).
    /// </summary>
    public long IntradayMinCorrectionWh { get; init; }

    public decimal PriceFloor => new Price(Market.PriceFloorMicroPerKwh).Tokens;

    public decimal PriceCap => new Price(Market.PriceCapMicroPerKwh).Tokens;

    /// <summary>What a short unit expects to pay per kWh of imbalance when the slot trades at <paramref name="reference"/>.</summary>
    public decimal ShortPrice(decimal reference) => Expected(reference).Short.Tokens;

    /// <summary>What a long unit expects to get per kWh of imbalance.</summary>
    public decimal LongPrice(decimal reference) => Expected(reference).Long.Tokens;

    public decimal Clamp(decimal price) => Math.Clamp(price, PriceFloor, PriceCap);

    /// <summary>
    /// What a unit bids for energy it must take by a deadline (an EV's departure, a job's window's end) in a slot
    /// expected at <paramref name="expected"/>: its owner's willingness to pay, or the short imbalance price it
    /// expects there when that is higher. Bought or not, the energy is drawn by the deadline (the forced minimum),
    /// unbought at the imbalance price and all at once at the end: a bid below that only makes it dearer and
    /// piles every such unit into the deadline's last slots (the island's EVs, bidding 0.45 against a genset
    /// at 0.52, charged at full power before leaving).
    /// </summary>
    public decimal MustBuyPrice(decimal willingness, decimal expected) => Clamp(Math.Max(willingness, ShortPrice(expected)));

    private ImbalancePrices Expected(decimal reference) =>
        ImbalancePricing.For(Market, Price.FromTokens(Clamp(reference)).MicroPerKwh, Math.Max(1, Market.ImbalanceMinVolumeWh), 0, 0);
}

/// <summary>
/// Expected clearing prices, tokens per kWh, per slot of the day being planned: public information
/// every bidder has, the shared <see cref="PriceForecaster"/>'s expectation.
/// </summary>
public sealed record PriceOutlook(int FirstSlot, IReadOnlyList<decimal> Prices)
{
    /// <summary>How far off the expectation has typically been, tokens per kWh: its mean absolute error so far (0 before any).</summary>
    public decimal Uncertainty { get; init; }

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
