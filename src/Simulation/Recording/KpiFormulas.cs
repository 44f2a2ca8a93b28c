using MicroMarket.Market;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Model;

namespace MicroMarket.Simulation.Recording;

/// <summary>The KPIs' formulas (docs/kpis.md): the run's tables in, the KPIs summary.json holds out.</summary>
public static class KpiFormulas
{
    /// <summary>
    /// Computes the KPIs from the tables; <paramref name="baselinePrices"/> gives each slot's no-market price
    /// to import and to export a kWh (the balance-responsible party's, <see cref="BalanceResponsibleParty.At"/>).
    /// With a genset the island's energy is what the genset really cost per kWh it served over the run
    /// (<see cref="GensetEconomics"/>), which only the run knows: that is the baseline's import price in every slot.
    /// </summary>
    public static RunKpis From(RunTables tables, Scenario scenario, Func<int, SupplierPrices> baselinePrices)
    {
        var gensets = scenario.Units.OfType<SlackUnit>().Where(s => s.Technology is SlackTechnology.Diesel or SlackTechnology.Chp).ToList();
        var genset = GensetEconomics.Of(tables, gensets.Select(s => (decimal?)s.FuelPrice).FirstOrDefault());
        Func<int, SupplierPrices> baseline = genset?.AverageCostPerUsefulKwh is { } islandCost ? slot => baselinePrices(slot) with { Import = islandCost } : baselinePrices;
        var delivered = tables.UnitRows.Where(r => r.ImportWh is not null).ToList();
        var local = delivered.Where(r => !r.Unit.IsBalanceResponsible).ToList();
        var prosumers = delivered.Where(r => r.Unit.Kind == UnitKind.Prosumer).ToList();
        var slots = tables.SlotRows.Where(s => s.Physics is not null).ToList();
        // A dark island (a blackout) has no voltage to judge: its buses read 0 pu.
        var energised = slots.Where(s => s.Physics!.Outcome != BalanceOutcome.Blackout).ToList();
        var sums = new SummedKpis();
        foreach (var s in slots)
        {
            sums.AddSlot(s.DayAheadVolumeWh, s.IntradayVolumeWh, s.DayAheadPrice, s.IntradayPrice, s.Physics!.CurtailedKwh, s.Physics.BallastKwh, s.Physics.GensetState);
        }
        foreach (var r in delivered)
        {
            sums.AddUnit(r.Unit.Kind, r.ImportWh!.Value, r.ExportWh!.Value, r.DeviationWh, r.State?.ConsumedKwh, r.State?.GeneratedKwh);
        }
        var spreads = slots.Where(s => s.DayAheadPrice is not null && s.IntradayPrice is not null).Select(s => s.IntradayPrice!.Value - s.DayAheadPrice!.Value).ToList();
        var soldLocally = Energy.KwhOf(local.Sum(r => r.DayAheadSoldWh + r.IntradaySoldWh));
        var boughtTotal = Energy.KwhOf(delivered.Sum(r => r.DayAheadBoughtWh + r.IntradayBoughtWh));
        var gas = tables.TransactionRows.Sum(t => t.GasUsed);
        var participants = Math.Max(1, tables.Units.Count);
        // The days the run delivered, not those it was scheduled for: a run stopped after 10 of 365 days spent its
        // gas on those 10 (and the next day's orders). A run that delivered no slot has no per-day figure.
        var days = slots.Count / (double)scenario.Time.SlotsPerDay;
        var bills = BillsOf(delivered, baseline);
        var (localBills, importKwh) = LocalImport(bills);
        return new RunKpis(
            sums.ConsumptionKwh,
            sums.LocalGenerationKwh,
            sums.ExternalSupplyKwh,
            sums.SelfSufficiency,
            sums.SelfConsumption,
            Round6(boughtTotal > 0 ? Math.Min(1, soldLocally / boughtTotal) : null),
            sums.DayAheadPrice,
            sums.IntradayPrice,
            spreads.Count > 0 ? Money(spreads.Average()) : null,
            sums.DayAheadVolumeKwh,
            sums.IntradayVolumeKwh,
            sums.ImbalanceVolumeKwh,
            Money(-local.Sum(r => (r.ImbalanceTokens ?? 0) + (r.FeeTokens ?? 0))),
            Round6(Energy.KwhOf(delivered.Where(r => r.Unit.Kind == UnitKind.Slack).Sum(r => r.ExportWh!.Value - r.ImportWh!.Value))),
            Round6(delivered.Sum(r => r.State?.FuelUnits ?? 0)),
            Money(GensetEconomics.FuelCost(delivered, scenario.Units.OfType<SlackUnit>().Select(u => u.FuelPrice).FirstOrDefault())),
            Round6(delivered.Sum(r => r.State?.Co2Kg ?? 0)),
            Round6(delivered.Where(r => r.Unit.Kind == UnitKind.Ev).Sum(r => r.State?.UnmetEnergyKwh ?? 0)),
            Round6(delivered.Where(r => r.Unit.Kind == UnitKind.FlexibleLoad).Sum(r => r.State?.UnmetEnergyKwh ?? 0)),
            Round6(prosumers.Sum(r => r.State?.UnmetEnergyKwh ?? 0)),
            sums.CurtailedKwh,
            Round6(slots.Sum(s => s.Physics!.NotServedKwh)),
            Round6(slots.Sum(s => s.Physics!.LossesKwh)),
            Round6(energised.Count > 0 ? energised.Min(s => s.Physics!.MinVoltagePu) : null),
            Round6(energised.Count > 0 ? energised.Max(s => s.Physics!.MaxVoltagePu) : null),
            slots.Sum(s => s.Physics!.VoltageViolations),
            gas,
            tables.TransactionRows.Count,
            Round6(days > 0 ? (double)gas / participants / days : null),
            Round6(days > 0 ? (double)tables.TransactionRows.Count / participants / days : null),
            bills,
            genset,
            gensets.FirstOrDefault()?.Genset?.Fuel.FuelUnit,
            importKwh > 0 ? Money(localBills.Sum(b => b.NetBill) / (decimal)importKwh) : null,
            importKwh > 0 ? Money(localBills.Sum(b => b.Baseline) / (decimal)importKwh) : null);
    }

    /// <summary>The local participants' bills (every unit but the balance-responsible party) and the energy they imported, kWh, as the bills print it.</summary>
    private static (List<ParticipantBill> Bills, double ImportKwh) LocalImport(List<ParticipantBill> bills)
    {
        var local = bills.Where(b => !UnitKinds.IsBalanceResponsible(b.Kind)).ToList();
        return (local, local.Sum(b => b.ImportKwh));
    }

    /// <summary>Every money value (and mean price) in summary.json, to the micro-token: one rounding for all of them.</summary>
    internal static decimal Money(decimal tokens) => RunPrecision.Money(tokens);

    /// <summary>Energies, fuel and ratios to 1e-6: the same precision for every one of them.</summary>
    private static double Round6(double value) => RunPrecision.Quantity(value);

    private static double? Round6(double? value) => RunPrecision.Quantity(value);

    /// <summary>
    /// The no-market bill of a unit's <paramref name="rows"/>, net metering per unit: in each slot its metered import at the
    /// slot's import price minus its export at the export price, summed (exact in decimals: whole Wh times micro-token prices).
    /// </summary>
    public static decimal Baseline(IEnumerable<UnitSlotRow> rows, Func<int, SupplierPrices> prices) =>
        rows.Sum(r => ((r.ImportWh ?? 0) * prices(r.Slot).Import - (r.ExportWh ?? 0) * prices(r.Slot).Export) / 1000m);

    /// <summary>Net bill = what the unit paid minus what it received (trades, imbalance with missing-reading fees, the uplift); baseline as <see cref="Baseline"/>.</summary>
    private static List<ParticipantBill> BillsOf(IEnumerable<UnitSlotRow> delivered, Func<int, SupplierPrices> baseline) =>
        delivered.GroupBy(r => r.Unit).OrderBy(g => g.Key.Index).Select(g =>
        {
            var trade = -g.Sum(r => r.TradeTokens ?? 0);
            var imbalance = -g.Sum(r => (r.ImbalanceTokens ?? 0) + (r.FeeTokens ?? 0));
            var uplift = -g.Sum(r => r.UpliftTokens ?? 0);
            var import = Energy.KwhOf(g.Sum(r => r.ImportWh ?? 0));
            var export = Energy.KwhOf(g.Sum(r => r.ExportWh ?? 0));
            var reference = Baseline(g, baseline);
            return new ParticipantBill(g.Key.Id, g.Key.Kind, Money(trade + imbalance + uplift), Money(trade), Money(imbalance),
                Money(reference), Round6(import), Round6(export), Money(uplift));
        }).ToList();
}
