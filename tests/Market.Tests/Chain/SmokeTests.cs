using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;
using MicroMarket.Market.Orders;

namespace MicroMarket.Market.Tests.Chain;

[Collection(AnvilCollection.Name)]
public sealed class SmokeTests(AnvilFixture fx)
{
    [Fact]
    public Task A_day_trades_and_settles() => fx.IsolatedAsync(async () =>
    {
        var market = fx.Market;
        var op = fx.Operator;
        var seller = EthKey.Derive("smoke", 1);
        var buyer = EthKey.Derive("smoke", 2);
        var slack = EthKey.Derive("smoke", 3);
        await fx.Chain.SetBalancesAsync([seller.Address, buyer.Address, slack.Address], System.Numerics.BigInteger.Pow(10, 24));
        var units = new[]
        {
            new UnitRegistration("pv-1", UnitKind.Pv, seller.Address, seller.Address, "b1", false, 10_000, 1_000_000),
            new UnitRegistration("load-1", UnitKind.Load, buyer.Address, buyer.Address, "b2", false, 10_000, 1_000_000),
            new UnitRegistration("slack", UnitKind.Slack, slack.Address, slack.Address, "b0", true, 100_000, 0),
        };
        var now = AnvilFixture.ChainStart + 120;
        (await fx.Pipeline.ExecuteAsync(market.RegisterUnits(op, units), now)).EnsureSuccess();
        var mint = new[] { seller, buyer, slack }.Select(k => market.MintTokens(op, k.Address, 1_000_000_000)).ToList();
        foreach (var o in await fx.Pipeline.ExecuteAsync(mint, now + 1)) o.EnsureSuccess();
        var approve = new[] { seller, buyer, slack }.Select(k => market.ApproveEscrow(k, 1_000_000_000)).ToList();
        foreach (var o in await fx.Pipeline.ExecuteAsync(approve, now + 2)) o.EnsureSuccess();
        var deposit = new[] { seller, buyer, slack }.Select((k, i) => market.Deposit(k, (uint)i + 1, 500_000_000)).ToList();
        foreach (var o in await fx.Pipeline.ExecuteAsync(deposit, now + 3)) o.EnsureSuccess();

        var slots = fx.Market.Parameters.SlotsPerDay;
        var sells = Enumerable.Range(0, slots).Select(_ => OrderCurve.Single(100_000, 1000)).ToList();
        var buys = Enumerable.Range(0, slots).Select(_ => OrderCurve.Single(300_000, 800)).ToList();
        var submit = new[]
        {
            market.SubmitDayAhead(seller, 1, 0, null, sells),
            market.SubmitDayAhead(buyer, 2, 0, buys, null),
        };
        var submitted = await fx.Pipeline.ExecuteAsync(submit, now + 4);
        foreach (var o in submitted) o.EnsureSuccess();
        Assert.All(submitted, o => Assert.True(o.GasUsed > 100_000));

        var early = (await fx.Pipeline.ExecuteAsync([market.Clear(op, MarketStage.DayAhead, 0, 4)], now + 5))[0];
        var error = Assert.IsType<ContractRevertException>(early.Failure);
        var gateError = error.As<MicroMarket.Market.Contracts.MicroMarketDefinition.Auction__GateNotClosedError>();
        Assert.Equal((ulong)fx.Market.Parameters.DayAheadGate(0), gateError.Gate);
        var afterGate = fx.Market.Parameters.DayAheadGate(0) + 1;
        (await fx.Pipeline.ExecuteAsync(market.Clear(op, MarketStage.DayAhead, 0, 4), afterGate)).EnsureSuccess();
        var results = await market.ResultsAsync(MarketStage.DayAhead, 0, 4);
        Assert.All(results, r => { Assert.True(r.Cleared); Assert.Equal(800UL, r.VolumeWh); Assert.Equal(100_000U, r.Price); });
        var positions = await market.PositionsAsync(MarketStage.DayAhead, 0, 4, 2);
        Assert.All(positions.BoughtWh, b => Assert.Equal(800UL, b));
    });
}
