using System.Numerics;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Clearing;
using MicroMarket.Market.Contracts.MicroMarketDefinition;
using MicroMarket.Market.Orders;

namespace MicroMarket.Market.Contracts;

/// <summary>
/// Clears one order book through the real contract path on an Anvil chain: units registered, their
/// buy collateral minted and deposited, the orders submitted as day-ahead curves for slot 0, the
/// gate passed, the slot cleared, and every fill read back from the contract.
/// <para>
/// The book's ids are arbitrary; the contract's ids are unit &lt;&lt; 3 | side &lt;&lt; 2 | step. Orders
/// are placed in ascending id order, four per unit and side (unit k takes buys 4k..4k+3 and sells
/// 4k..4k+3), so the contract's id order on each side is the book's id order and every tie-break
/// of the rule is decided the same way.
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

    /// <param name="market">A market deployed with <see cref="ParametersFor"/>, whose day 0 gate is still open.</param>
    public static async Task<ClearingResult> ClearAsync(MarketClient market, EthKey operatorKey, OrderBook book, CancellationToken cancellationToken = default)
    {
        var p = market.Parameters;
        var buys = book.Orders.Where(o => o.Side == OrderSide.Buy).OrderBy(o => o.Id).ToList();
        var sells = book.Orders.Where(o => o.Side == OrderSide.Sell).OrderBy(o => o.Id).ToList();
        var unitCount = (Math.Max(buys.Count, sells.Count) + OrderCurve.MaxSteps - 1) / OrderCurve.MaxSteps;
        var firstUnit = await market.UnitCountAsync().ConfigureAwait(false) + 1;
        var placements = new Dictionary<long, long>(); // contract order id -> book order id
        var units = Enumerable.Range(0, unitCount).Select(k =>
        {
            var index = firstUnit + (uint)k;
            var buy = Place(buys, k, index, OrderSide.Buy, placements);
            var sell = Place(sells, k, index, OrderSide.Sell, placements);
            return (Index: index, Trader: EthKey.Derive($"book-{market.MarketAddress}", k), Buy: buy, Sell: sell);
        }).ToList();
        if (unitCount == 0)
        {
            return ClearingResult.NoTrade;
        }

        var now = await market.Chain.GetLatestTimestampAsync().ConfigureAwait(false) + 1;
        await market.Chain.SetBalancesAsync(units.Select(u => u.Trader.Address), BigInteger.Pow(10, 24)).ConfigureAwait(false);
        await SucceedAsync(market, now, [market.RegisterUnits(operatorKey, units.Select(u => new UnitRegistration(
            $"book-{u.Index}", UnitKind.Load, u.Trader.Address, operatorKey.Address, "book", false, uint.MaxValue, 0)).ToList())], cancellationToken).ConfigureAwait(false);
        var funded = units.Where(u => !u.Buy.IsEmpty).Select(u => (u.Index, u.Trader, Micro: CeilDiv(u.Buy.ValueNano, MarketClient.NanoPerMicro))).ToList();
        await SucceedAsync(market, now, funded.Select(u => market.MintTokens(operatorKey, u.Trader.Address, u.Micro)).ToList(), cancellationToken).ConfigureAwait(false);
        await SucceedAsync(market, now, funded.Select(u => market.ApproveEscrow(u.Trader, u.Micro)).ToList(), cancellationToken).ConfigureAwait(false);
        await SucceedAsync(market, now, funded.Select(u => market.Deposit(u.Trader, u.Index, u.Micro)).ToList(), cancellationToken).ConfigureAwait(false);
        await SucceedAsync(market, now, units.Select(u => market.SubmitDayAhead(u.Trader, u.Index, 0,
            SlotZero(u.Buy, p.SlotsPerDay), SlotZero(u.Sell, p.SlotsPerDay))).ToList(), cancellationToken).ConfigureAwait(false);
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
            AddFills(fills, output.BuyWh, unit.Index, OrderSide.Buy, placements);
            AddFills(fills, output.SellWh, unit.Index, OrderSide.Sell, placements);
        }
        return new ClearingResult(result.Price, result.VolumeWh, fills);
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
