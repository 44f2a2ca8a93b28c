using System.Numerics;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Clearing;
using MicroMarket.Market.Contracts.MicroMarketDefinition;
using MicroMarket.Market.Orders;
using MicroMarket.RunFormat;

namespace MicroMarket.Market.Contracts;

/// <summary>
/// Clears one order book through the real contract path on an Anvil chain: units registered, their
/// buy collateral minted and deposited, the orders submitted as day-ahead curves for slot 0, the
/// gate passed, the slot cleared, and every fill read back from the contract.
/// <para>
/// The book's ids are arbitrary; the contract's ids are unit &lt;&lt; 3 | side &lt;&lt; 2 | step. Orders
/// are placed in ascending id order, four per unit, buys and sells on separate units (a unit's own
/// buy and sell may not cross), so the contract's id order on each side is the book's id order and
/// every tie-break of the rule is decided the same way.
/// </para>
/// </summary>
public static class BookClearingOnChain
{
    /// <summary>The market a book is cleared in: any uint32 price is admissible.</summary>
    public static MarketParameters ParametersFor(long genesisUnixSeconds) => new()
    {
        GenesisUnixSeconds = genesisUnixSeconds,
        PriceFloorMicroPerKwh = 0,
        PriceCapMicroPerKwh = uint.MaxValue,
    };

    /// <summary>
    /// Why the contract cannot take <paramref name="book"/> as one slot (null when it can): each side's orders go to units
    /// of <see cref="OrderCurve.MaxSteps"/> steps, and the registry holds at most <see cref="MarketClient.MaxUnits"/> units.
    /// </summary>
    public static string? WhyNotAdmitted(OrderBook book)
    {
        var units = UnitsFor(book.Orders.Count(o => o.Side == OrderSide.Buy)) + UnitsFor(book.Orders.Count(o => o.Side == OrderSide.Sell));
        return units <= MarketClient.MaxUnits ? null
            : $"the book needs {units} units ({OrderCurve.MaxSteps} orders of one side per unit) and the contract registers at most {MarketClient.MaxUnits}: " +
              $"at most {MarketClient.MaxUnits * OrderCurve.MaxSteps} orders, buys and sells each rounded up to a multiple of {OrderCurve.MaxSteps}";
    }

    private static int UnitsFor(int orders) => (orders + OrderCurve.MaxSteps - 1) / OrderCurve.MaxSteps;

    /// <param name="market">A market deployed with <see cref="ParametersFor"/>, whose day 0 gate is still open.</param>
    public static async Task<ClearingResult> ClearAsync(MarketClient market, EthKey operatorKey, OrderBook book, CancellationToken cancellationToken = default)
    {
        var p = market.Parameters;
        var firstUnit = await market.UnitCountAsync().ConfigureAwait(false) + 1;
        var placements = new Dictionary<long, long>(); // contract order id -> book order id
        // Buys and sells go to separate units (buy units first): a unit's own buy and sell must not cross.
        var units = Units(book, OrderSide.Buy, firstUnit, placements);
        units.AddRange(Units(book, OrderSide.Sell, firstUnit + (uint)units.Count, placements));
        if (units.Count == 0)
        {
            return ClearingResult.NoTrade;
        }
        var traders = units.Select((u, k) => EthKey.Derive($"book-{market.MarketAddress}", k)).ToList();

        var now = await market.Chain.GetLatestTimestampAsync().ConfigureAwait(false) + 1;
        await market.Chain.SetBalancesAsync(traders.Select(t => t.Address), BigInteger.Pow(10, 24)).ConfigureAwait(false);
        await SucceedAsync(market, now, units.Chunk(MarketClient.UnitsPerRegistration).Select(chunk => market.RegisterUnits(operatorKey, chunk.Select(u => new UnitRegistration(
            $"book-{u.Index}", UnitKind.Load, traders[(int)(u.Index - firstUnit)].Address, operatorKey.Address, "book", false, uint.MaxValue, 0)).ToList())).ToList(), cancellationToken).ConfigureAwait(false);
        var funded = units.Select(u => (u.Index, Trader: traders[(int)(u.Index - firstUnit)],
            Micro: CeilDiv(u.Curve.CollateralNano(u.Side, p.PriceCapMicroPerKwh), NanoTokens.PerMicro))).Where(u => u.Micro > 0).ToList();
        await SucceedAsync(market, now, funded.Select(u => market.MintTokens(operatorKey, u.Trader.Address, u.Micro)).ToList(), cancellationToken).ConfigureAwait(false);
        await SucceedAsync(market, now, funded.Select(u => market.ApproveEscrow(u.Trader, u.Micro)).ToList(), cancellationToken).ConfigureAwait(false);
        await SucceedAsync(market, now, funded.Select(u => market.Deposit(u.Trader, u.Index, u.Micro)).ToList(), cancellationToken).ConfigureAwait(false);
        await SucceedAsync(market, now, units.Select(u => market.SubmitDayAhead(traders[(int)(u.Index - firstUnit)], u.Index, 0,
            u.Side == OrderSide.Buy ? SlotZero(u.Curve, p.SlotsPerDay) : null, u.Side == OrderSide.Sell ? SlotZero(u.Curve, p.SlotsPerDay) : null)).ToList(), cancellationToken).ConfigureAwait(false);
        await SucceedAsync(market, Math.Max(now, p.DayAheadGate(0)), [market.Clear(operatorKey, MarketStage.DayAhead, 0, 1)], cancellationToken).ConfigureAwait(false);

        var result = (await market.ResultsAsync(MarketStage.DayAhead, 0, 1).ConfigureAwait(false))[0];
        if (result.VolumeWh == 0)
        {
            return ClearingResult.NoTrade;
        }
        var stepFills = await market.QueryManyAsync<StepFillsFunction, StepFillsOutputDTO>(
            units.Select(u => new StepFillsFunction { Stage = (byte)MarketStage.DayAhead, Slot = 0, Unit = u.Index }).ToList()).ConfigureAwait(false);
        var fills = new List<Fill>();
        foreach (var (unit, output) in units.Zip(stepFills))
        {
            AddFills(fills, unit.Side == OrderSide.Buy ? output.BuyWh : output.SellWh, unit.Index, unit.Side, placements);
        }
        return new ClearingResult(result.Price, result.VolumeWh, fills);
    }

    /// <summary>One side's orders in ascending id order, four per unit, so the contract's id order on the side is the book's.</summary>
    private static List<(uint Index, OrderSide Side, OrderCurve Curve)> Units(OrderBook book, OrderSide side, uint firstIndex, Dictionary<long, long> placements)
    {
        var orders = book.Orders.Where(o => o.Side == side).OrderBy(o => o.Id).ToList();
        return Enumerable.Range(0, UnitsFor(orders.Count))
            .Select(k => (firstIndex + (uint)k, side, Place(orders, k, firstIndex + (uint)k, side, placements))).ToList();
    }

    private static OrderCurve Place(List<Order> side, int unitOffset, uint unitIndex, OrderSide orderSide, Dictionary<long, long> placements)
    {
        var steps = side.Skip(unitOffset * OrderCurve.MaxSteps).Take(OrderCurve.MaxSteps).ToList();
        for (var k = 0; k < steps.Count; k++)
        {
            placements[OrderIds.Of(unitIndex, orderSide, k)] = steps[k].Id;
        }
        return new OrderCurve(steps.Select(o => new OrderStep(o.PriceMicroPerKwh, o.QuantityWh)).ToList());
    }

    private static void AddFills(List<Fill> fills, IReadOnlyList<ulong> stepFills, uint unit, OrderSide side, Dictionary<long, long> placements)
    {
        for (var k = 0; k < stepFills.Count; k++)
        {
            if (stepFills[k] > 0)
            {
                fills.Add(new Fill(placements[OrderIds.Of(unit, side, k)], stepFills[k]));
            }
        }
    }

    private static List<OrderCurve> SlotZero(OrderCurve curve, int slotsPerDay) =>
        Enumerable.Range(0, slotsPerDay).Select(s => s == 0 ? curve : OrderCurve.Empty).ToList();

    private static BigInteger CeilDiv(BigInteger value, long divisor) => (value + divisor - 1) / divisor;

    private static async Task SucceedAsync(MarketClient market, long time, IReadOnlyList<TxRequest> requests, CancellationToken cancellationToken)
    {
        foreach (var outcome in await market.Pipeline.ExecuteAsync(requests, time, cancellationToken).ConfigureAwait(false))
        {
            outcome.EnsureSuccess();
        }
    }
}
