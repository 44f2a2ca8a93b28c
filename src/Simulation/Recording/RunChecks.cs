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

    /// <summary>
    /// Compares every delivered slot's meter record on chain with what was metered. The contract
    /// reuses a day's storage a few days later (its storage ring), so the rounds read each day's
    /// records back once the day is settled; what they have not (the last day, an interrupted
    /// run's) is read here, still held.
    /// </summary>
    private static async Task<(int Readings, int Mismatches)> CheckReadingsAsync(RunTables tables, MarketClient market)
    {
        var delivered = tables.UnitRows.Where(r => r.ImportWh is not null).ToList();
        var unread = delivered.Where(r => r.ChainReadingAgrees is null).OrderBy(r => r.Slot).ThenBy(r => r.Unit.Index).ToList();
        if (unread.Count > 0)
        {
            tables.Apply(await ReadMeterRecordsAsync(market, unread.Select(r => (r.Slot, r.Unit.Index, r.Unit.Id)).ToList()).ConfigureAwait(false));
        }
        return (delivered.Count, delivered.Count(r => r.ChainReadingAgrees != true));
    }

    /// <summary>
    /// The meter records of (slot, unit index, unit id), as the contract stores them: a call per slot for all its units
    /// (the contract's meterRecords), the calls in one batch. A day of 56 units is 96 calls, not 5 376: Anvil takes some
    /// 80 us to answer a call, so a call per record cost 0.43 s a day.
    /// </summary>
    public static async Task<RunEvents.MeterRecordsRead> ReadMeterRecordsAsync(MarketClient market, IReadOnlyList<(int Slot, uint Unit, string UnitId)> keys)
    {
        var slots = keys.GroupBy(k => k.Slot).ToList();
        var answers = await market.QueryManyAsync<MeterRecordsFunction, MeterRecordsOutputDTO>(
            [.. slots.Select(g => new MeterRecordsFunction { Slot = (uint)g.Key, Units = [.. g.Select(k => k.Unit)] })]).ConfigureAwait(false);
        return new RunEvents.MeterRecordsRead([.. slots.Zip(answers, (g, a) => g.Zip(a.Records, (k, r) =>
            new RunEvents.ChainMeterRecord(k.Slot, k.UnitId, r.Reported, (long)r.ImportWh, (long)r.ExportWh))).SelectMany(x => x)]);
    }
}
