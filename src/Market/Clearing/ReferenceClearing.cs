using MicroMarket.RunFormat;
namespace MicroMarket.Market.Clearing;

/// <summary>
/// The market's clearing rule for one slot, transcribed step by step so that it can be checked line
/// by line against the rule text. It is the independent reference that differential tests compare
/// with the contract, so it uses the contract's integer units and exact integer arithmetic only.
/// </summary>
/// <remarks>
/// The rule, with the names used below:
/// <list type="number">
/// <item>D(p) = Wh of buys priced at or above p; S(p) = Wh of sells priced at or below p.</item>
/// <item>Cleared volume V = max over all order prices p of min(D(p), S(p)). If V = 0 there is no price and no fill.</item>
/// <item>Merit order: buys by price descending, sells by price ascending, ties by id ascending.
/// The first V Wh of each side are inside, the rest outside.</item>
/// <item>b_m / a_m = price of the last buy / sell at least partly inside. b_x = highest buy price with
/// Wh outside, a_x = lowest sell price with Wh outside; either may be none.</item>
/// <item>lo = max(a_m, b_x), hi = min(b_m, a_x), ignoring none; clearing price = floor((lo + hi) / 2).</item>
/// <item>Orders strictly better than the price (buys above, sells below) fill completely. The rest of V on
/// each side is shared among the orders at the price, pro rata to quantity and rounded down; the
/// leftover Wh go one each to the largest fractional parts, ties to the lower id.</item>
/// </list>
/// </remarks>
public static class ReferenceClearing
{
    /// <summary>Clears one slot's order book.</summary>
    public static ClearingResult Clear(OrderBook book)
    {
        ArgumentNullException.ThrowIfNull(book);

        // Step 3's merit order comes first because steps 1 and 2 read the sorted sides as well.
        // Ids are unique across the book, so (price, id) orders each side totally and nothing
        // depends on the order in which the orders were submitted.
        var buys = book.Orders
            .Where(order => order.Side == OrderSide.Buy)
            .OrderByDescending(order => order.PriceMicroPerKwh)
            .ThenBy(order => order.Id)
            .ToList();
        var sells = book.Orders
            .Where(order => order.Side == OrderSide.Sell)
            .OrderBy(order => order.PriceMicroPerKwh)
            .ThenBy(order => order.Id)
            .ToList();

        // Steps 1 and 2.
        var volumeWh = ClearedVolumeWh(buys, sells);
        if (volumeWh == 0)
        {
            return ClearingResult.NoTrade;
        }

        // Step 3.
        var buyPositions = SplitInsideOutside(buys, volumeWh);
        var sellPositions = SplitInsideOutside(sells, volumeWh);

        // Step 4. Each side holds at least V Wh (V <= D(p) <= all buys, V <= S(p) <= all sells)
        // and V > 0, so each side has an order at least partly inside and b_m, a_m exist.
        // Max and Min of an empty sequence of uint? are null: that is "none".
        var marginalBuyPrice = buyPositions.Last(position => position.InsideWh > 0).Order.PriceMicroPerKwh;
        var marginalSellPrice = sellPositions.Last(position => position.InsideWh > 0).Order.PriceMicroPerKwh;
        var highestOutsideBuyPrice = buyPositions
            .Where(position => position.OutsideWh > 0)
            .Max(position => (uint?)position.Order.PriceMicroPerKwh);
        var lowestOutsideSellPrice = sellPositions
            .Where(position => position.OutsideWh > 0)
            .Min(position => (uint?)position.Order.PriceMicroPerKwh);

        // Step 5. lo <= hi always holds, so the price is between them: if p* attains V, the first V Wh
        // of buys are all priced >= p* and of sells <= p*, so a_m <= p* <= b_m; merit order gives
        // b_x <= b_m and a_m <= a_x; and b_x > a_x would make both D(a_x) and S(a_x) exceed V.
        // lo + hi can exceed uint's range, so the sum is taken in ulong; the half fits in uint again.
        var lo = highestOutsideBuyPrice is { } bx ? Math.Max(marginalSellPrice, bx) : marginalSellPrice;
        var hi = lowestOutsideSellPrice is { } ax ? Math.Min(marginalBuyPrice, ax) : marginalBuyPrice;
        var priceMicroPerKwh = (uint)(((ulong)lo + hi) / 2);

        // Step 6.
        var buyFills = FillSide(buys, volumeWh, priceMicroPerKwh, buy => buy.PriceMicroPerKwh > priceMicroPerKwh);
        var sellFills = FillSide(sells, volumeWh, priceMicroPerKwh, sell => sell.PriceMicroPerKwh < priceMicroPerKwh);
        return new ClearingResult(priceMicroPerKwh, volumeWh, buyFills.Concat(sellFills));
    }

    /// <summary>
    /// Steps 1 and 2. D and S change only at order prices, so the order prices are the only
    /// candidates; V is the largest min(D(p), S(p)) among them.
    /// </summary>
    private static ulong ClearedVolumeWh(List<Order> buysByMerit, List<Order> sellsByMerit)
    {
        var pricesAscending = buysByMerit.Concat(sellsByMerit)
            .Select(order => order.PriceMicroPerKwh)
            .Distinct()
            .Order()
            .ToArray();
        var demandWh = DemandWh(buysByMerit, pricesAscending);
        var supplyWh = SupplyWh(sellsByMerit, pricesAscending);

        ulong volumeWh = 0;
        for (var i = 0; i < pricesAscending.Length; i++)
        {
            volumeWh = Math.Max(volumeWh, Math.Min(demandWh[i], supplyWh[i]));
        }
        return volumeWh;
    }

    /// <summary>
    /// D(p) for each p of <paramref name="pricesAscending"/>: Wh of buys priced at or above p. Walks the
    /// prices downwards, adding buys as they come in merit order (price descending).
    /// </summary>
    private static ulong[] DemandWh(List<Order> buysByMerit, uint[] pricesAscending)
    {
        var demandWh = new ulong[pricesAscending.Length];
        ulong atOrAboveWh = 0;
        var next = 0;
        for (var i = pricesAscending.Length - 1; i >= 0; i--)
        {
            for (; next < buysByMerit.Count && buysByMerit[next].PriceMicroPerKwh >= pricesAscending[i]; next++)
            {
                atOrAboveWh += buysByMerit[next].QuantityWh;
            }
            demandWh[i] = atOrAboveWh;
        }
        return demandWh;
    }

    /// <summary>
    /// S(p) for each p of <paramref name="pricesAscending"/>: Wh of sells priced at or below p. Walks the
    /// prices upwards, adding sells as they come in merit order (price ascending).
    /// </summary>
    private static ulong[] SupplyWh(List<Order> sellsByMerit, uint[] pricesAscending)
    {
        var supplyWh = new ulong[pricesAscending.Length];
        ulong atOrBelowWh = 0;
        var next = 0;
        for (var i = 0; i < pricesAscending.Length; i++)
        {
            for (; next < sellsByMerit.Count && sellsByMerit[next].PriceMicroPerKwh <= pricesAscending[i]; next++)
            {
                atOrBelowWh += sellsByMerit[next].QuantityWh;
            }
            supplyWh[i] = atOrBelowWh;
        }
        return supplyWh;
    }

    /// <summary>Step 3: hands the first V Wh of one side's merit order out as "inside".</summary>
    private static List<MeritPosition> SplitInsideOutside(List<Order> meritOrder, ulong volumeWh)
    {
        var positions = new List<MeritPosition>(meritOrder.Count);
        var remainingWh = volumeWh;
        foreach (var order in meritOrder)
        {
            var insideWh = Math.Min(order.QuantityWh, remainingWh);
            remainingWh -= insideWh;
            positions.Add(new MeritPosition(order, insideWh, order.QuantityWh - insideWh));
        }
        return positions;
    }

    /// <summary>
    /// Step 6 for one side: orders strictly better than the price fill completely, the orders at the
    /// price share the rest of V, all others get nothing.
    /// </summary>
    private static IEnumerable<Fill> FillSide(
        List<Order> side, ulong volumeWh, uint priceMicroPerKwh, Func<Order, bool> isStrictlyBetterThanPrice)
    {
        var strictlyBetter = side.Where(isStrictlyBetterThanPrice).ToList();
        var atPrice = side.Where(order => order.PriceMicroPerKwh == priceMicroPerKwh).ToList();

        // The strictly better orders hold at most V Wh: for buys, price >= lo >= b_x, so a buy priced
        // above the price is priced above b_x, the highest buy price with Wh outside, and is wholly
        // inside (sells mirror this with a_x). So the subtraction cannot go below zero; `checked`
        // would make it loud if it did. Conversely every inside buy is priced >= b_m >= hi >= price,
        // so the better and at-price orders together hold at least V Wh: the rest fits at the price.
        var restWh = checked(volumeWh - TotalWh(strictlyBetter));
        return strictlyBetter
            .Select(order => new Fill(order.Id, order.QuantityWh))
            .Concat(ShareAtPrice(atPrice, restWh));
    }

    /// <summary>
    /// Step 6's split among the orders at the clearing price: each gets floor(rest * q / Q) of the
    /// rest, where Q is their total quantity; the leftover Wh go one each to the orders with the
    /// largest fractional parts, ties to the lower id. Only non-zero fills are returned.
    /// </summary>
    private static IEnumerable<Fill> ShareAtPrice(List<Order> atPrice, ulong restWh)
    {
        // Nothing to share; this also covers "no order at the price", where Q would be 0.
        if (restWh == 0)
        {
            return [];
        }

        // rest * q reaches about 2^32 Wh per order times the side's total Wh, beyond 64 bits,
        // so the product and the division are exact in UInt128.
        var atPriceWh = TotalWh(atPrice);
        var shares = atPrice
            .Select(order =>
            {
                var numerator = (UInt128)restWh * order.QuantityWh;
                return new ProRataShare(order, (ulong)(numerator / atPriceWh), (ulong)(numerator % atPriceWh));
            })
            .ToList();

        // Every fractional part is Remainder / Q with the same Q, so ordering by remainder orders by
        // fractional part. The leftover equals the sum of the fractional parts, each below 1, so it
        // is smaller than the number of orders sharing and no order receives more than one extra Wh.
        var leftoverWh = restWh - shares.Aggregate(0UL, (total, share) => total + share.RoundedDownWh);
        var receiveOneMore = shares
            .OrderByDescending(share => share.Remainder)
            .ThenBy(share => share.Order.Id)
            .Take(checked((int)leftoverWh))
            .Select(share => share.Order.Id)
            .ToHashSet();

        return shares
            .Select(share => new Fill(share.Order.Id, share.RoundedDownWh + (receiveOneMore.Contains(share.Order.Id) ? 1UL : 0UL)))
            .Where(fill => fill.QuantityWh > 0);
    }

    private static ulong TotalWh(IEnumerable<Order> orders) =>
        orders.Aggregate(0UL, (total, order) => total + order.QuantityWh);

    /// <summary>One order's place in its side's merit order: how much of it is inside the first V Wh.</summary>
    private sealed record MeritPosition(Order Order, ulong InsideWh, ulong OutsideWh);

    /// <summary>An at-price order's exact share rest * q / Q as a rounded-down quotient and a remainder.</summary>
    private sealed record ProRataShare(Order Order, ulong RoundedDownWh, ulong Remainder);
}
