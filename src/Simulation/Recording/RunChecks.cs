using System.Numerics;
using MicroMarket.Market;
using MicroMarket.Market.Clearing;
using MicroMarket.Market.Contracts;
using MicroMarket.Market.Contracts.MicroMarketDefinition;
using MicroMarket.Market.Orders;
using MicroMarket.RunFormat;

namespace MicroMarket.Simulation.Recording;

/// <summary>Checks the run's invariants against the chain and the independent C# reference at the end of every run.</summary>
public static class RunChecks
{
    /// <summary>The largest energy residual of a slot that still balances, kWh.</summary>
    private const double EnergyTolerance = 1e-6;

    public static async Task<RunVerification> CheckAsync(RunTables tables, MarketClient market, IReadOnlyDictionary<string, BigInteger> depositsNano)
    {
        var residual = tables.SlotRows.Where(r => r.Physics is not null).Select(r => Math.Abs(r.Physics!.ResidualKwh)).DefaultIfEmpty(0).Max();

        var accounts = await market.QueryManyAsync<AccountFunction, AccountOutputDTO>(
            tables.Units.Select(u => new AccountFunction { Unit = u.Index }).ToList()).ConfigureAwait(false);
        var balances = accounts.Aggregate(BigInteger.Zero, (sum, a) => sum + a.ReturnValue1.BalanceNano);
        var change = balances - tables.Units.Aggregate(BigInteger.Zero, (sum, u) => sum + depositsNano[u.Id]);
        var held = await market.TokenBalanceAsync(market.MarketAddress).ConfigureAwait(false) * NanoTokens.PerMicro;
        var house = await market.ClearingHouseNanoAsync().ConfigureAwait(false);
        var fund = await market.QueryValueAsync<ClaimsFundNanoFunction, BigInteger>(new()).ConfigureAwait(false);

        var (books, clearingMismatches) = CheckClearing(tables);
        var (readings, readingMismatches) = await CheckReadingsAsync(tables, market).ConfigureAwait(false);
        var energyBalanced = residual <= EnergyTolerance;
        var moneyConserved = held == balances + house + fund && change == -house - fund;
        return new RunVerification(energyBalanced, residual, moneyConserved, held, balances, house, fund, change, books, clearingMismatches, readings, readingMismatches,
            energyBalanced && moneyConserved && clearingMismatches == 0 && readingMismatches == 0);
    }

    /// <summary>Rebuilds every slot's book from the orders the units submitted and clears it with the C# reference.</summary>
    private static (int Books, int Mismatches) CheckClearing(RunTables tables)
    {
        var cleared = tables.SlotRows.ToDictionary(r => r.Slot);
        var books = 0;
        var mismatches = 0;
        foreach (var book in tables.Orders.GroupBy(o => (o.Stage, o.Slot)))
        {
            if (!cleared.TryGetValue(book.Key.Slot, out var slot))
            {
                continue;
            }
            var (price, volume) = book.Key.Stage == MarketStage.DayAhead ? (slot.DayAheadPrice, slot.DayAheadVolumeWh) : (slot.IntradayPrice, slot.IntradayVolumeWh);
            if (volume is null)
            {
                continue; // never cleared (an interrupted run)
            }
            books++;
            var reference = ReferenceClearing.Clear(new OrderBook(book.Select(o =>
                new Order(OrderIds.Of(o.UnitIndex, o.Side, o.Step), o.Side, o.PriceMicroPerKwh, o.QuantityWh, o.UnitIndex))));
            var same = (long)reference.VolumeWh == volume
                && (reference.PriceMicroPerKwh is null ? price is null : price == new Price(reference.PriceMicroPerKwh.Value).Tokens)
                && book.All(o => reference.FilledWh(OrderIds.Of(o.UnitIndex, o.Side, o.Step)) == o.FillWh);
            mismatches += same ? 0 : 1;
        }
        return (books, mismatches);
    }

    /// <summary>Reads every delivered slot's meter records back from the chain and compares them with what the physics metered.</summary>
    private static async Task<(int Readings, int Mismatches)> CheckReadingsAsync(RunTables tables, MarketClient market)
    {
        var delivered = tables.UnitRows.Where(r => r.ImportWh is not null).OrderBy(r => r.Slot).ThenBy(r => r.Unit.Index).ToList();
        var records = await market.QueryManyAsync<MeterRecordFunction, MeterRecordOutputDTO>(
            delivered.Select(r => new MeterRecordFunction { Slot = (uint)r.Slot, Unit = r.Unit.Index }).ToList()).ConfigureAwait(false);
        var mismatches = delivered.Zip(records).Count(p =>
            !p.Second.ReturnValue1.Reported || (long)p.Second.ReturnValue1.ImportWh != p.First.ImportWh || (long)p.Second.ReturnValue1.ExportWh != p.First.ExportWh);
        return (delivered.Count, mismatches);
    }
}
