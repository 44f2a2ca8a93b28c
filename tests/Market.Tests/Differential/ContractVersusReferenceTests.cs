using System.Numerics;
using CsCheck;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Clearing;
using MicroMarket.Market.Contracts;
using MicroMarket.Market.Contracts.MicroMarketDefinition;
using MicroMarket.Market.Orders;
using MicroMarket.Market.Tests.Chain;
using MicroMarket.RunFormat;

namespace MicroMarket.Market.Tests.Differential;

/// <summary>
/// The contract and the independent C# reference clear the same random books and must agree on
/// price, volume and every fill, to the Wh. One generated case is a whole delivery day: 96 slots,
/// each an independent book over the same units, submitted as the units' day-ahead curves and
/// cleared on chain. Books are drawn to hit the rule's corners: few distinct prices (ties at the
/// clearing price on both sides), prices near the top of uint32, quantities up to uint32 (pro-rata
/// products above 2^64), many units sharing a price (leftover Wh decided by fraction, then id).
/// </summary>
[Collection(AnvilCollection.Name)]
public sealed class ContractVersusReferenceTests(AnvilFixture fx)
{
    private const int Units = 10;

    private static readonly Gen<uint>[] PriceBands = [Gen.UInt[100, 104], Gen.UInt[uint.MaxValue - 4, uint.MaxValue], Gen.UInt[0, 2_000], Gen.UInt];
    private static readonly Gen<uint>[] QuantityMixes = [Gen.UInt[1, 6], Gen.Frequency((3, Gen.UInt[1, 12]), (1, Gen.UInt[1, uint.MaxValue])), Gen.UInt[1, uint.MaxValue]];

    /// <summary>
    /// One slot: per unit, a buy curve and a sell curve of 0..4 steps. A unit's own buy and sell
    /// must not cross (the market refuses the pair): where they would, one side is dropped.
    /// </summary>
    private static readonly Gen<(OrderCurve Buy, OrderCurve Sell)[]> Slot =
        from band in Gen.Int[0, PriceBands.Length - 1]
        from mix in Gen.Int[0, QuantityMixes.Length - 1]
        from curves in Gen.Select(Curve(PriceBands[band], QuantityMixes[mix]), Curve(PriceBands[band], QuantityMixes[mix]), Gen.Bool).Array[Units]
        select curves.Select(c => !OrderCurve.Cross(c.Item1, c.Item2) ? (c.Item1, c.Item2) : c.Item3 ? (c.Item1, OrderCurve.Empty) : (OrderCurve.Empty, c.Item2)).ToArray();

    [Fact]
    public Task Random_books_clear_identically_on_chain_and_in_the_reference() => fx.IsolatedAsync(async () =>
    {
        var traders = Enumerable.Range(0, Units).Select(i => EthKey.Derive("differential", i)).ToList();
        await fx.FundAsync(traders);
        var day = 0u;
        var books = 0;
        await Slot.Array[BookClearingOnChain.ParametersFor(AnvilFixture.Genesis).SlotsPerDay].SampleAsync(async slots =>
        {
            // A market of its own per day: these days are cleared, never settled, so one market's
            // storage ring would refuse to reuse a day's words after RING_DAYS of them.
            var market = await DeployFundedAsync(traders, day);
            await ClearDayAndCompare(market, traders, day, slots);
            books += slots.Length;
            day++;
        }, iter: 8, threads: 1, print: Print);
        Assert.Equal(8 * 96, books);
    });

    /// <summary>A market whose units (the traders, rated uint32) hold collateral for any curves, set up before <paramref name="day"/>'s gate.</summary>
    private async Task<MarketClient> DeployFundedAsync(IReadOnlyList<EthKey> traders, uint day)
    {
        var parameters = BookClearingOnChain.ParametersFor(AnvilFixture.Genesis);
        var time = Math.Max(AnvilFixture.Deployed + 10, parameters.DayAheadGate(day) - 600);
        var market = await MarketClient.DeployAsync(fx.Pipeline, fx.Operator, parameters, time);
        await Succeed(market, time, [market.RegisterUnits(fx.Operator, traders.Select((t, i) => new UnitRegistration(
            $"d{i}", UnitKind.Battery, t.Address, fx.Operator.Address, "b", false, uint.MaxValue, 0)).ToList())]);
        // Collateral for any curves: 96 slots x 4 steps x 2 sides x (2^32)^2 nano.
        var deposit = BigInteger.Pow(2, 64) * 96 * 8 / NanoTokens.PerMicro + 1;
        await Succeed(market, time, traders.Select(t => market.MintTokens(fx.Operator, t.Address, deposit)).ToList());
        await Succeed(market, time, traders.Select(t => market.ApproveEscrow(t, deposit)).ToList());
        await Succeed(market, time, traders.Select((t, i) => market.Deposit(t, (uint)i + 1, deposit)).ToList());
        return market;
    }

    private async Task ClearDayAndCompare(MarketClient market, IReadOnlyList<EthKey> traders, uint day, (OrderCurve Buy, OrderCurve Sell)[][] slots)
    {
        var p = market.Parameters;
        var gate = p.DayAheadGate(day);
        var submissions = traders.Select((t, u) => market.SubmitDayAhead(t, (uint)u + 1, day,
            slots.Select(s => s[u].Buy).ToList(), slots.Select(s => s[u].Sell).ToList())).ToList();
        await Succeed(market, gate - 1, submissions);
        var firstSlot = day * (uint)p.SlotsPerDay;
        await Succeed(market, gate, [
            market.Clear(fx.Operator, MarketStage.DayAhead, firstSlot, 48),
            market.Clear(fx.Operator, MarketStage.DayAhead, firstSlot + 48, 48)]);

        var results = await market.ResultsAsync(MarketStage.DayAhead, firstSlot, (uint)p.SlotsPerDay);
        var queries = Enumerable.Range(0, p.SlotsPerDay).SelectMany(s => Enumerable.Range(1, traders.Count).Select(u =>
            new StepFillsFunction { Stage = (byte)MarketStage.DayAhead, Slot = firstSlot + (uint)s, Unit = (uint)u })).ToList();
        var stepFills = await market.QueryManyAsync<StepFillsFunction, StepFillsOutputDTO>(queries);
        // The range view (what a run reads fills through) answers each slot's units as the single view does.
        var units = Enumerable.Range(1, traders.Count).Select(u => (uint)u).ToList();
        var ranged = await market.QueryManyAsync<StepFillsOfFunction, StepFillsOfOutputDTO>(
            [.. Enumerable.Range(0, p.SlotsPerDay).Select(s => new StepFillsOfFunction { Stage = (byte)MarketStage.DayAhead, Slot = firstSlot + (uint)s, Units = units })]);
        for (var s = 0; s < p.SlotsPerDay; s++)
        {
            for (var u = 0; u < traders.Count; u++)
            {
                Assert.Equal(stepFills[s * traders.Count + u].BuyWh, ranged[s].BuyWh.GetRange(u * OrderCurve.MaxSteps, OrderCurve.MaxSteps));
                Assert.Equal(stepFills[s * traders.Count + u].SellWh, ranged[s].SellWh.GetRange(u * OrderCurve.MaxSteps, OrderCurve.MaxSteps));
            }
        }
        for (var s = 0; s < slots.Length; s++)
        {
            var book = new OrderBook(slots[s].SelectMany((c, u) => c.Buy.ToOrders((uint)u + 1, OrderSide.Buy).Concat(c.Sell.ToOrders((uint)u + 1, OrderSide.Sell))));
            var expected = ReferenceClearing.Clear(book);
            var fills = new List<Fill>();
            for (var u = 0; u < traders.Count; u++)
            {
                var output = stepFills[s * traders.Count + u];
                for (var k = 0; k < OrderCurve.MaxSteps; k++)
                {
                    if (output.BuyWh[k] > 0) fills.Add(new Fill(OrderIds.Of((uint)u + 1, OrderSide.Buy, k), output.BuyWh[k]));
                    if (output.SellWh[k] > 0) fills.Add(new Fill(OrderIds.Of((uint)u + 1, OrderSide.Sell, k), output.SellWh[k]));
                }
            }
            var r = results[s];
            var actual = new ClearingResult(r.VolumeWh == 0 ? null : r.Price, r.VolumeWh, fills);
            Assert.True(expected == actual, $"slot {s} of day {day} differs:\nreference {expected}\ncontract  {actual}\nbook:{Print(book)}");
        }
    }

    /// <summary>A curve whose steps total at most uint32 Wh (a unit's rating bounds a side's total): larger draws are scaled down.</summary>
    private static Gen<OrderCurve> Curve(Gen<uint> price, Gen<uint> quantity) =>
        Gen.Select(price, quantity).Array[0, OrderCurve.MaxSteps].Select(steps =>
        {
            var total = steps.Aggregate(0UL, (sum, s) => sum + s.Item2);
            return new OrderCurve(steps.Select(s => new OrderStep(s.Item1,
                total <= uint.MaxValue ? s.Item2 : (uint)Math.Max(1UL, (ulong)((UInt128)s.Item2 * (uint.MaxValue - OrderCurve.MaxSteps) / total)))).ToList());
        });

    private static string Print((OrderCurve Buy, OrderCurve Sell)[][] day) => $"{day.Length} slots";

    private static string Print(OrderBook book)
    {
        using var text = new StringWriter();
        OrderBookCsv.Write(book, text);
        return Environment.NewLine + text;
    }

    private static async Task Succeed(MarketClient market, long time, IReadOnlyList<TxRequest> requests)
    {
        foreach (var outcome in await market.Pipeline.ExecuteAsync(requests, time))
        {
            outcome.EnsureSuccess();
        }
    }
}
