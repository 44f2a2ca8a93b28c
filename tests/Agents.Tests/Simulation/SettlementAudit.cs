using System.Globalization;
using System.Numerics;
using System.Text.Json;
using MicroMarket.Market;
using MicroMarket.RunFormat;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;
using MicroMarket.Market.Contracts.MicroMarketDefinition;

namespace MicroMarket.Agents.Tests.Simulation;

/// <summary>
/// Holds a run directory's money to what its chain says, read back after the run from the chain's
/// own events and storage, independently of the recorder: every (slot, unit) settled once; each
/// unit's trade, imbalance, fee, debt, deviation and missing flag in units.csv are its Settled
/// event's; the balance-responsible party's imbalance and fee are the others' counterpart (it
/// receives what they paid, less the debt they could not pay); every settled slot's short and long
/// prices in slots.csv are the contract's; each unit's uplift is what the chain charged it, and
/// the BRP's what it was credited. Then the run's own money balance holds too.
/// Shared with the cluster tests (linked into Node.Tests).
/// </summary>
internal static class SettlementAudit
{
    /// <summary>Audits <paramref name="run"/> against the chain at <paramref name="rpc"/>; returns the (slot, unit id) settled with a missing reading.</summary>
    public static async Task<IReadOnlySet<(int Slot, string Unit)>> AgreesWithChainAsync(Uri rpc, string run, MarketParameters parameters)
    {
        using var chainJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, RunDirectory.Chain)));
        using var chain = await ChainConnection.ConnectAsync(rpc);
        var market = new MarketClient(new TransactionPipeline(chain), chainJson.RootElement.GetProperty("market").GetString()!,
            chainJson.RootElement.GetProperty("token").GetString()!, parameters);
        var registered = await market.EventsAsync<UnitRegisteredEventDTO>();
        var ids = chainJson.RootElement.GetProperty("units").EnumerateArray().ToDictionary(u => u.GetProperty("index").GetUInt32(), u => u.GetProperty("id").GetString()!);
        var brp = registered.Where(r => r.BalanceResponsible).Select(r => ids[r.Unit]).SingleOrDefault();
        var settled = await market.EventsAsync<SettledEventDTO>();
        Assert.All(settled.GroupBy(s => (s.Slot, s.Unit)), g => Assert.Single(g));

        var rows = RunDirectoryChecks.Read(run, RunDirectory.Units).Where(r => r.Text(UnitsCsv.TradeTokens).Length > 0).ToDictionary(r => (Slot: Int(r.Text(UnitsCsv.Slot)), Unit: r.Text(UnitsCsv.Unit)));
        var events = settled.ToDictionary(s => (Slot: (int)s.Slot, Unit: ids[s.Unit]));
        Assert.Equal(events.Keys.Order(), rows.Keys.Order());
        foreach (var ((slot, unit), e) in events)
        {
            var row = rows[(slot, unit)];
            var where = $"slot {slot}, {unit}";
            Assert.True(Tokens(e.TradeNano) == row.Money(UnitsCsv.TradeTokens), $"{where}: trade {row.Text(UnitsCsv.TradeTokens)}, chain {e.TradeNano} nano");
            Assert.True(((long)e.DeviationWh).ToString(CultureInfo.InvariantCulture) == row.Text(UnitsCsv.DeviationWh), $"{where}: deviation {row.Text(UnitsCsv.DeviationWh)}, chain {e.DeviationWh}");
            Assert.True((e.ReadingMissing ? "true" : "false") == row.Text(UnitsCsv.ReadingMissing), $"{where}: reading_missing {row.Text(UnitsCsv.ReadingMissing)}, chain {e.ReadingMissing}");
            if (unit == brp)
            {
                continue;
            }
            Assert.True(Tokens(e.ImbalanceNano) == row.Money(UnitsCsv.ImbalanceTokens), $"{where}: imbalance {row.Text(UnitsCsv.ImbalanceTokens)}, chain {e.ImbalanceNano} nano");
            Assert.True(-Tokens(e.FeeNano) == row.Money(UnitsCsv.FeeTokens), $"{where}: fee {row.Text(UnitsCsv.FeeTokens)}, chain {e.FeeNano} nano");
            Assert.True(Tokens(e.DebtNano) == row.Money(UnitsCsv.DebtIncurredTokens), $"{where}: debt {row.Text(UnitsCsv.DebtIncurredTokens)}, chain {e.DebtNano} nano");
        }
        if (brp is not null)
        {
            foreach (var slot in events.Keys.Select(k => k.Slot).Distinct())
            {
                var others = events.Where(p => p.Key.Slot == slot && p.Key.Unit != brp).Select(p => p.Value).ToList();
                var row = rows[(slot, brp)];
                Assert.True(Tokens(-others.Aggregate(BigInteger.Zero, (s, e) => s + e.ImbalanceNano + e.DebtNano)) == row.Money(UnitsCsv.ImbalanceTokens),
                    $"slot {slot}: the BRP's imbalance {row.Text(UnitsCsv.ImbalanceTokens)} is not the counterpart of the others'");
                Assert.True(Tokens(others.Aggregate(BigInteger.Zero, (s, e) => s + e.FeeNano)) == row.Money(UnitsCsv.FeeTokens),
                    $"slot {slot}: the BRP's fees {row.Text(UnitsCsv.FeeTokens)} are not what the others paid");
            }
        }

        // Every uplift share the chain charged is the unit's in units.csv, and the BRP's is their sum.
        var uplifts = await market.EventsAsync<UpliftChargedEventDTO>();
        var allRows = RunDirectoryChecks.Read(run, RunDirectory.Units);
        foreach (var unit in ids.Values)
        {
            var charged = uplifts.Where(e => ids[e.Unit] == unit).Aggregate(BigInteger.Zero, (s, e) => s + e.Nano);
            var expected = unit == brp ? Tokens(uplifts.Aggregate(BigInteger.Zero, (s, e) => s + e.Nano)) : -Tokens(charged);
            Assert.True(expected == allRows.Where(r => r.Text(UnitsCsv.Unit) == unit).Sum(r => r.Money(UnitsCsv.UpliftTokens)),
                $"{unit}: uplift in units.csv is not the chain's {expected} tokens");
        }

        var slots = RunDirectoryChecks.Read(run, RunDirectory.Slots).ToDictionary(s => s.Int(SlotsCsv.Slot));
        foreach (var slot in events.Keys.Select(k => k.Slot).Distinct())
        {
            var prices = await market.ImbalancePricesAsync((uint)slot);
            Assert.True(PriceTokens(prices.Short.MicroPerKwh) == slots[slot].Money(SlotsCsv.ShortPrice), $"slot {slot}: short price {slots[slot].Text(SlotsCsv.ShortPrice)}, contract {prices.Short.MicroPerKwh} micro/kWh");
            Assert.True(PriceTokens(prices.Long.MicroPerKwh) == slots[slot].Money(SlotsCsv.LongPrice), $"slot {slot}: long price {slots[slot].Text(SlotsCsv.LongPrice)}, contract {prices.Long.MicroPerKwh} micro/kWh");
        }
        RunDirectoryChecks.MoneyBalances(run);
        return events.Where(p => p.Value.ReadingMissing).Select(p => p.Key).ToHashSet();
    }

    // The conversions are written out here rather than taken from the simulator, so the audit does not share its code.
    private static decimal Tokens(BigInteger nano) => (decimal)nano / 1_000_000_000m;

    private static decimal PriceTokens(uint microPerKwh) => microPerKwh / 1_000_000m;

    private static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);
}
