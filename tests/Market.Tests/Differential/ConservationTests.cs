using System.Numerics;
using CsCheck;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;
using MicroMarket.Market.Contracts.MicroMarketDefinition;
using MicroMarket.Market.Orders;
using MicroMarket.Market.Tests.Chain;
using MicroMarket.Market.Tests.Contracts;
using SettlementTotalSupply = MicroMarket.Market.Contracts.SettlementTokenDefinition.TotalSupplyFunction;

namespace MicroMarket.Market.Tests.Differential;

/// <summary>
/// Random days of deposits, withdrawals, day-ahead and intra-day orders, readings (some missing,
/// some short, some long) and settlements in random order with repeated attempts. After every
/// block: the token supply is unchanged, the escrow holds exactly what it owes
/// (tokens x 1000 = sum of balances + clearing house), every (slot, unit) is settled at most once,
/// and once a slot is fully settled the clearing house is back to zero.
/// </summary>
[Collection(AnvilCollection.Name)]
public sealed class ConservationTests(AnvilFixture fx)
{
    private const int SettledSlots = 8;
    private readonly MarketHarness _h = new(fx);

    [Fact]
    public Task Tokens_are_conserved_and_nothing_settles_twice() => fx.IsolatedAsync(async () =>
    {
        var t0 = AnvilFixture.Deployed + 100;
        var units = await _h.RegisterAsync(t0,
            new UnitSetup("slack", UnitKind.Slack, BalanceResponsible: true, DepositMicro: 1_000_000_000),
            new UnitSetup("pv", UnitKind.Pv, MaxWhPerSlot: 5000, MarginNano: 50_000_000),
            new UnitSetup("battery", UnitKind.Battery, MaxWhPerSlot: 5000, MarginNano: 50_000_000),
            new UnitSetup("load-1", MaxWhPerSlot: 5000, DepositMicro: 20_000_000),
            new UnitSetup("load-2", MaxWhPerSlot: 5000, DepositMicro: 3_000),
            new UnitSetup("ev", UnitKind.Ev, MaxWhPerSlot: 5000, DepositMicro: 8_000_000));
        var supply = await TotalSupply();
        var holders = units.Select(u => u.Trader.Address).Append(fx.Market.MarketAddress).Append(fx.Operator.Address).ToList();
        var day = 0u;
        var settlements = 0;
        await Gen.Int.SampleAsync(async seed =>
        {
            settlements += await RunDay(units, day++, new Random(seed), async () =>
            {
                Assert.Equal(supply, await TotalSupply());
                var held = await fx.Market.TokenBalanceAsync(fx.Market.MarketAddress);
                var owed = BigInteger.Zero;
                foreach (var u in units)
                {
                    var account = await fx.Market.AccountAsync(u.Index);
                    Assert.True(account.BalanceNano >= account.LockedNano, $"{u.Setup.Id}: balance below locked collateral");
                    owed += account.BalanceNano;
                }
                Assert.Equal(held * MarketClient.NanoPerMicro, owed + await fx.Market.ClearingHouseNanoAsync());
                var tokens = BigInteger.Zero;
                foreach (var holder in holders)
                {
                    tokens += await fx.Market.TokenBalanceAsync(holder);
                }
                Assert.Equal(supply, tokens);
            });
        }, iter: 3, threads: 1, print: seed => $"seed {seed}");
        Assert.Equal(3 * SettledSlots * units.Count, settlements);
    });

    /// <summary>Trades, meters and settles the first slots of <paramref name="day"/>; returns the number of settlements.</summary>
    private async Task<int> RunDay(IReadOnlyList<Participant> units, uint day, Random random, Func<Task> checkInvariants)
    {
        var p = fx.Market.Parameters;
        var market = fx.Market;
        var gate = p.DayAheadGate(day);
        var firstSlot = day * (uint)p.SlotsPerDay;

        await Attempt(gate - 3600, units.Where(_ => random.Next(3) == 0).Select(u => market.Withdraw(u.Trader, u.Index, random.Next(1, 2_000_000), u.Trader.Address)));
        await checkInvariants();
        await Attempt(gate - 3000, units.Select(u => market.SubmitDayAhead(u.Trader, u.Index, day,
            Curves(random, p.SlotsPerDay, u.Setup.Kind is UnitKind.Load or UnitKind.Ev or UnitKind.Battery or UnitKind.Slack),
            Curves(random, p.SlotsPerDay, u.Setup.Kind is UnitKind.Pv or UnitKind.Battery or UnitKind.Slack))));
        await checkInvariants();
        var hour = firstSlot / (uint)p.SlotsPerHour;
        for (var h = hour; h < hour + SettledSlots / p.SlotsPerHour; h++)
        {
            await Attempt(p.IntradayGate(h) - 60, units.Where(_ => random.Next(2) == 0).Select(u => market.SubmitIntraday(u.Trader, u.Index, h,
                Curves(random, p.SlotsPerHour, random.Next(2) == 0), Curves(random, p.SlotsPerHour, random.Next(2) == 0))));
            await checkInvariants();
        }
        var lastGate = p.IntradayGate(hour + SettledSlots / p.SlotsPerHour - 1);
        await _h.SucceedAsync(lastGate,
            market.Clear(fx.Operator, MarketStage.DayAhead, firstSlot, (uint)p.SlotsPerDay),
            market.Clear(fx.Operator, MarketStage.Intraday, firstSlot, SettledSlots));

        var settlements = 0;
        for (var s = firstSlot; s < firstSlot + SettledSlots; s++)
        {
            var readings = units.Where(_ => random.Next(5) > 0)
                .Select(u => _h.Reading(u, s, (ulong)random.Next(0, 3000), (ulong)random.Next(0, 3000))).ToList();
            await _h.SucceedAsync(p.SlotEnd(s), market.ReportReadings(fx.Operator, readings));
            // Settle in a random order, some units twice: the second attempt must revert.
            var order = units.OrderBy(_ => random.Next()).ToList();
            foreach (var u in order.Concat(order.Take(2)))
            {
                var outcome = (await fx.Pipeline.ExecuteAsync([market.Settle(fx.Operator, s, [u.Index])], p.ReadingDeadline(s)))[0];
                if (outcome.Succeeded)
                {
                    settlements++;
                }
                else
                {
                    Assert.True(Assert.IsType<ContractRevertException>(outcome.Failure).Is<Settlement__AlreadySettledError>(), outcome.Failure!.Message);
                }
                await checkInvariants();
            }
            Assert.Equal(BigInteger.Zero, await market.ClearingHouseNanoAsync());
            await Attempt(p.ReadingDeadline(s), units.Where(_ => random.Next(4) == 0).Select(u => market.Deposit(u.Trader, u.Index, 1)));
        }
        return settlements;
    }

    /// <summary>Executes requests that may legitimately revert (no collateral, no free balance, no tokens).</summary>
    private async Task Attempt(long time, IEnumerable<TxRequest> requests)
    {
        foreach (var outcome in await fx.Pipeline.ExecuteAsync(requests.ToList(), time))
        {
            Assert.True(outcome.Succeeded || outcome.Failure is ContractRevertException, outcome.Failure?.Message);
        }
    }

    private static IReadOnlyList<OrderCurve>? Curves(Random random, int slots, bool present) =>
        !present ? null : Enumerable.Range(0, slots).Select(_ => new OrderCurve(
            Enumerable.Range(0, random.Next(0, 3)).Select(_ => new OrderStep((uint)random.Next(0, 600_000), (uint)random.Next(1, 2500))).ToList())).ToList();

    private Task<BigInteger> TotalSupply() =>
        fx.Market.QueryValueAsync<SettlementTotalSupply, BigInteger>(new(), fx.Market.TokenAddress);
}
