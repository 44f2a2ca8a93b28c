using System.Numerics;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;
using MicroMarket.Market.Contracts.MicroMarketDefinition;
using MicroMarket.Market.Settlement;
using MicroMarket.Market.Tests.Chain;
using MicroMarket.RunFormat;

namespace MicroMarket.Market.Tests.Contracts;

/// <summary>
/// The make-whole uplift (docs/market-rules.md): once a period's slots are closed, the operator
/// charges the slack's uncovered cost to the units pro rata to their metered import and credits it
/// to the BRP; a share beyond a unit's funds becomes its debt. Three loads imported 1, 2 and 3 kWh
/// in slot 0; the uplift is 6 tokens.
/// </summary>
[Collection(AnvilCollection.Name)]
public sealed class UpliftTests(AnvilFixture fx)
{
    private const long T = AnvilFixture.Deployed + 100;
    private static readonly MarketParameters P = AnvilFixture.Parameters;
    private static readonly BigInteger Token = 1_000_000_000;
    private readonly MarketHarness _h = new(fx);

    [Fact]
    public void The_uplift_is_split_pro_rata_to_import_rounded_down()
    {
        const uint cap = 1_000_000; // 1 token per kWh
        Assert.Equal([new(2, Token), new(5, 2 * Token), new(9, 3 * Token)],
            UpliftShares.Of(6 * Token, [(9, 3000), (2, 1000), (5, 2000), (7, 0)], cap));
        // 10 nano over three equal imports: 3 each, the BRP forgoes 1.
        Assert.Equal([3, 3, 3], UpliftShares.Of(10, [(1, 5), (2, 5), (3, 5)], cap).Select(s => (int)s.Nano));
        // Never above the price cap per kWh imported: 6 kWh at 1 token at most.
        Assert.Equal([Token, 2 * Token, 3 * Token], UpliftShares.Of(100 * Token, [(1, 1000), (2, 2000), (3, 3000)], cap).Select(s => s.Nano));
        Assert.Empty(UpliftShares.Of(0, [(1, 5)], cap));
        Assert.Empty(UpliftShares.Of(10, [(1, 0)], cap));
    }

    [Fact]
    public Task The_uplift_charges_each_share_credits_the_brp_and_what_a_unit_cannot_pay_becomes_its_debt() => fx.IsolatedAsync(async () =>
    {
        var (slack, loads) = await ClosedSlotZeroAsync();
        var before = await BalancesAsync(slack, loads);
        var shares = UpliftShares.Of(6 * Token, loads.Select((l, i) => (l.Index, (long)(i + 1) * 1000)).ToList(), P.PriceCapMicroPerKwh);
        var outcome = (await _h.SucceedAsync(P.SlotEnd(1), fx.Market.PayUplift(fx.Operator, SlotIndex.Of(0), SlotIndex.Of(1), shares)))[0];

        var charged = outcome.Events<UpliftChargedEventDTO>().ToList();
        Assert.Equal(loads.Select(l => l.Index), charged.Select(c => c.Unit));
        Assert.Equal([Token, 2 * Token, 3 * Token], charged.Select(c => c.Nano));
        Assert.All(charged, c => Assert.Equal((0u, 1u), (c.FromSlot, c.ToSlot)));
        // The third load held 1 token: 2 of its 3 became its debt to the BRP.
        Assert.Equal([BigInteger.Zero, BigInteger.Zero, 2 * Token], charged.Select(c => c.DebtNano));
        Assert.Equal(2 * Token, (await fx.Market.AccountAsync(loads[2].Index)).DebtNano);
        var after = await BalancesAsync(slack, loads);
        Assert.Equal([4 * Token, -Token, -2 * Token, -Token], after.Zip(before, (a, b) => a - b));
        Assert.InRange(outcome.GasUsed, 1, 100_000 + 60_000L * shares.Count);
    });

    [Fact]
    public Task Only_the_operator_charges_an_uplift_once_per_closed_period_within_each_units_bound() => fx.IsolatedAsync(async () =>
    {
        var (slack, loads) = await ClosedSlotZeroAsync();
        var time = P.SlotEnd(1);
        var share = new UnitUplift(loads[0].Index, Token);
        await _h.RevertsAsync<Registry__NotOperatorError>(time, fx.Market.PayUplift(loads[0].Trader, SlotIndex.Of(0), SlotIndex.Of(1), [share]));
        // Slot 1 is not settled: its period is open.
        var open = await _h.RevertsAsync<Uplift__PeriodOpenError>(time, fx.Market.PayUplift(fx.Operator, SlotIndex.Of(0), SlotIndex.Of(2), [share]));
        Assert.Equal(1u, open.Slot);
        // Never the BRP, each unit once and in order, at most its rating over the period at the price cap.
        await _h.RevertsAsync<Uplift__InvalidShareError>(time, fx.Market.PayUplift(fx.Operator, SlotIndex.Of(0), SlotIndex.Of(1), [new(slack.Index, 1)]));
        await _h.RevertsAsync<Uplift__InvalidShareError>(time, fx.Market.PayUplift(fx.Operator, SlotIndex.Of(0), SlotIndex.Of(1), [share, share]));
        var cap = (BigInteger)loads[0].Setup.MaxWhPerSlot * P.PriceCapMicroPerKwh;
        var above = await _h.RevertsAsync<Uplift__InvalidShareError>(time, fx.Market.PayUplift(fx.Operator, SlotIndex.Of(0), SlotIndex.Of(1), [new(loads[0].Index, cap + 1)]));
        Assert.Equal(cap, above.CapNano);

        await _h.SucceedAsync(time, fx.Market.PayUplift(fx.Operator, SlotIndex.Of(0), SlotIndex.Of(1), [share]));
        var again = await _h.RevertsAsync<Uplift__PeriodPaidError>(time, fx.Market.PayUplift(fx.Operator, SlotIndex.Of(0), SlotIndex.Of(1), [share]));
        Assert.Equal(1u, again.Through);
    });

    /// <summary>A BRP and three loads (the third holding 1 token), slot 0 cleared, metered and settled for all: closed.</summary>
    private async Task<(Participant Slack, IReadOnlyList<Participant> Loads)> ClosedSlotZeroAsync()
    {
        var units = await _h.RegisterAsync(T,
            new UnitSetup("slack", UnitKind.Slack, BalanceResponsible: true),
            new UnitSetup("load-1", MaxWhPerSlot: 5000), new UnitSetup("load-2", MaxWhPerSlot: 5000),
            new UnitSetup("load-3", MaxWhPerSlot: 5000, DepositMicro: 1_000_000));
        await _h.SucceedAsync(P.IntradayGate(0),
            fx.Market.Clear(fx.Operator, MarketStage.DayAhead, 0, 96), fx.Market.Clear(fx.Operator, MarketStage.Intraday, 0, 4));
        await _h.SucceedAsync(P.SlotEnd(0), fx.Market.ReportReadings(fx.Operator, units.Select(u => _h.Reading(u, 0, 0, 0)).ToList()));
        await _h.SucceedAsync(P.SlotEnd(0), fx.Market.Settle(fx.Operator, 0, units.Select(u => u.Index).ToList()));
        return (units[0], units.Skip(1).ToList());
    }

    private async Task<List<BigInteger>> BalancesAsync(Participant slack, IReadOnlyList<Participant> loads)
    {
        var balances = new List<BigInteger>();
        foreach (var unit in loads.Prepend(slack))
        {
            balances.Add((await fx.Market.AccountAsync(unit.Index)).BalanceNano);
        }
        return balances;
    }
}
