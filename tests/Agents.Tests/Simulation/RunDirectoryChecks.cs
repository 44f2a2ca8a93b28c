using System.Globalization;
using MicroMarket.Market;
using MicroMarket.Market.Clearing;
using MicroMarket.Market.Orders;
using MicroMarket.RunFormat;
using MicroMarket.Simulation;

namespace MicroMarket.Agents.Tests.Simulation;

/// <summary>
/// Reads a run directory's tables back and checks the run's invariants from them alone: energy
/// balance per slot, money per slot, every book re-cleared by the C# reference.
/// </summary>
internal static class RunDirectoryChecks
{
    public static List<CsvRecord> Read(string directory, string file) => CsvTableReader.Open(Path.Combine(directory, file)).Records().ToList();

    /// <summary>A number, 0 where the cell is empty ("not applicable").</summary>
    public static double Number(this CsvRecord row, string column) => row.NullableDouble(column) ?? 0;

    /// <summary>Tokens, 0 where the cell is empty ("not applicable").</summary>
    public static decimal Money(this CsvRecord row, string column) => row.NullableDecimal(column) ?? 0;

    /// <summary>
    /// Generation (slack or grid supply included) = consumption + losses + ballast, per slot: the
    /// run's own residual to 1e-6 kWh, and the printed columns (each rounded to 1e-6) to 3e-6.
    /// </summary>
    public static void EnergyBalances(string directory)
    {
        var slots = Read(directory, RunDirectory.Slots).Where(s => s.Text(SlotsCsv.GenerationKwh).Length > 0).ToList();
        Assert.NotEmpty(slots);
        Assert.All(slots, s =>
        {
            Assert.True(Math.Abs(s.Number(SlotsCsv.BalanceResidualKwh)) <= 1e-6, $"slot {s.Text(SlotsCsv.Slot)}: residual {s.Text(SlotsCsv.BalanceResidualKwh)} kWh");
            Assert.True(Math.Abs(s.Number(SlotsCsv.GenerationKwh) - s.Number(SlotsCsv.ConsumptionKwh) - s.Number(SlotsCsv.LossesKwh) - s.Number(SlotsCsv.BallastKwh)) <= 3e-6,
                $"slot {s.Text(SlotsCsv.Slot)}: the printed energies do not balance");
        });
    }

    /// <summary>
    /// The island's operation from the tables alone: a grid-forming unit named in every energised slot (the genset when
    /// it runs); a ballast only while the genset runs and every battery is at its maximum SoC (to 1e-3, their
    /// <paramref name="socMax"/>); the genset's runs at least <paramref name="minUpSlots"/> long and its stops at least
    /// <paramref name="minDownSlots"/> unless an emergency start ends them (runs cut by the horizon are not judged).
    /// Returns the number of starts.
    /// </summary>
    public static int IslandOperation(string directory, string gensetId, IReadOnlyDictionary<string, double> socMax, int minUpSlots, int minDownSlots)
    {
        var slots = Read(directory, RunDirectory.Slots).Where(s => s.Text(SlotsCsv.GenerationKwh).Length > 0).ToList();
        var soc = Read(directory, RunDirectory.Units).Where(u => socMax.ContainsKey(u.RequiredText(UnitsCsv.Unit)))
            .ToLookup(u => u.Int(UnitsCsv.Slot), u => (Unit: u.RequiredText(UnitsCsv.Unit), Soc: u.Number(UnitsCsv.StateOfCharge)));
        foreach (var s in slots)
        {
            var slot = s.Int(SlotsCsv.Slot);
            var state = s.RequiredText(SlotsCsv.GensetState);
            var dark = s.RequiredText(SlotsCsv.BalanceOutcome) == "Blackout";
            Assert.True(dark == (s.Text(SlotsCsv.GridFormer).Length == 0), $"slot {slot}: grid former '{s.Text(SlotsCsv.GridFormer)}' in a {s.Text(SlotsCsv.BalanceOutcome)} slot");
            Assert.True(state == "off" || s.Text(SlotsCsv.GridFormer) == gensetId, $"slot {slot}: the running genset does not form the grid");
            if (s.Number(SlotsCsv.BallastKwh) > 0)
            {
                Assert.True(state != "off", $"slot {slot}: ballast without a running genset");
                Assert.All(soc[slot], b => Assert.True(b.Soc >= socMax[b.Unit] - 1e-3, $"slot {slot}: ballast while {b.Unit} is at SoC {b.Soc}"));
            }
        }
        var runs = new List<(bool Running, int Length, bool EndsRun, bool EndedByEmergency)>();
        for (var i = 0; i < slots.Count;)
        {
            var running = slots[i].RequiredText(SlotsCsv.GensetState) != "off";
            var j = i;
            while (j < slots.Count && (slots[j].RequiredText(SlotsCsv.GensetState) != "off") == running)
            {
                j++;
            }
            runs.Add((running, j - i, j == slots.Count, j < slots.Count && slots[j].RequiredText(SlotsCsv.GensetState) == "emergency-start"));
            i = j;
        }
        Assert.All(runs.Where(r => !r.EndsRun), r => Assert.True(r.Running ? r.Length >= minUpSlots : r.Length >= minDownSlots || r.EndedByEmergency || r == runs[0],
            $"a {(r.Running ? "run" : "stop")} of {r.Length} slots"));
        return slots.Count(s => s.RequiredText(SlotsCsv.GensetState) is "start" or "emergency-start");
    }

    /// <summary>
    /// In every settled slot, to the nano-token: the trade payments sum to zero (the clearing house
    /// returns to zero), the imbalance payments and missing-reading fees with the debt incurred
    /// sum to zero (the units against the BRP, which receives only what was paid), and so does the
    /// uplift (the units' shares against the BRP, which is owed what a unit could not pay).
    /// </summary>
    public static void MoneyBalances(string directory)
    {
        var slots = Read(directory, RunDirectory.Units).Where(r => r.Text(UnitsCsv.TradeTokens).Length > 0).GroupBy(r => r.Int(UnitsCsv.Slot)).ToList();
        Assert.NotEmpty(slots);
        foreach (var slot in slots)
        {
            Assert.Equal(0m, slot.Sum(r => r.Money(UnitsCsv.TradeTokens)));
            Assert.Equal(0m, slot.Sum(r => r.Money(UnitsCsv.ImbalanceTokens) + r.Money(UnitsCsv.FeeTokens) + r.Money(UnitsCsv.DebtIncurredTokens)));
            Assert.Equal(0m, slot.Sum(r => r.Money(UnitsCsv.UpliftTokens)));
        }
    }

    /// <summary>
    /// Issue 12, requirement 5, from the tables: a unit the island balance curtailed (or shed) is settled as if it had
    /// delivered its schedule for the curtailed (shed) part and no further. Its settled deviation is its raw deviation
    /// (metered minus scheduled net export) with the curtailment added back to a shortfall (the shedding taken off a
    /// surplus), never past zero; a shortfall beyond what was curtailed is its own forecast error. To 1 Wh (the order
    /// is recorded on chain in whole Wh). Returns the energy waived, kWh.
    /// </summary>
    public static double OrderedCurtailmentIsNotImbalance(string directory)
    {
        var ordered = Read(directory, RunDirectory.Units).Where(r => r.Text(UnitsCsv.MeteredImportWh).Length > 0 && r.Text(UnitsCsv.ReadingMissing) == "false"
            && (r.Number(UnitsCsv.CurtailedKwh) > 0 || r.Number(UnitsCsv.NotServedKwh) > 0)).ToList();
        var waivedWh = 0.0;
        foreach (var r in ordered)
        {
            var raw = r.Number(UnitsCsv.MeteredExportWh) - r.Number(UnitsCsv.MeteredImportWh) - r.Number(UnitsCsv.ScheduledNetExportWh);
            var curtailedWh = Math.Round(r.Number(UnitsCsv.CurtailedKwh) * 1000);
            var shedWh = Math.Round(r.Number(UnitsCsv.NotServedKwh) * 1000);
            var expected = raw < 0 ? Math.Min(0, raw + curtailedWh) : Math.Max(0, raw - shedWh);
            waivedWh += Math.Abs(raw - expected);
            Assert.True(Math.Abs(r.Number(UnitsCsv.DeviationWh) - expected) <= 1,
                $"slot {r.Text(UnitsCsv.Slot)}, {r.Text(UnitsCsv.Unit)}: deviation {r.Text(UnitsCsv.DeviationWh)} Wh, expected {expected} (raw {raw}, curtailed {curtailedWh}, shed {shedWh})");
        }
        return waivedWh / 1000;
    }

    /// <summary>
    /// The genset block of summary.json recomputed from the tables alone (docs/kpis.md, "Genset
    /// economics"), and the make-whole promise: over the run its revenue and uplift cover its fuel,
    /// short of at most a nano-token per unit and day (the rounding of the shares the BRP forgoes).
    /// </summary>
    public static GensetKpis GensetEconomics(string directory, decimal fuelPrice)
    {
        var genset = RunJson.Read<RunSummary>(directory, RunDirectory.Summary).Kpis.Genset;
        Assert.NotNull(genset);
        var units = Read(directory, RunDirectory.Units);
        var slack = units.Where(r => r.Text(UnitsCsv.Kind) == "slack" && r.Text(UnitsCsv.MeteredExportWh).Length > 0).ToList();
        var ballast = Read(directory, RunDirectory.Slots).ToDictionary(s => s.Int(SlotsCsv.Slot), s => s.Number(SlotsCsv.BallastKwh));
        var fuelCost = (decimal)slack.Sum(r => r.Number(UnitsCsv.Fuel)) * fuelPrice;
        var revenue = slack.Sum(r => r.Money(UnitsCsv.TradeTokens) + r.Money(UnitsCsv.ImbalanceTokens) + r.Money(UnitsCsv.FeeTokens));
        var uplift = slack.Sum(r => r.Money(UnitsCsv.UpliftTokens));
        var usefulKwh = slack.Sum(r => r.Number(UnitsCsv.MeteredExportWh)) / 1000 - ballast.Values.Sum();
        var ballastFuel = slack.Where(r => r.Number(UnitsCsv.MeteredExportWh) > 0)
            .Sum(r => r.Number(UnitsCsv.Fuel) * ballast.GetValueOrDefault(r.Int(UnitsCsv.Slot)) / (r.Number(UnitsCsv.MeteredExportWh) / 1000));
        // Fuel is printed to 1e-6 units a slot: the recomputed costs agree within that rounding.
        var tolerance = slack.Count * 5e-7 * (double)fuelPrice + 1e-6;
        Assert.InRange((double)genset.FuelCost, (double)fuelCost - tolerance, (double)fuelCost + tolerance);
        Assert.Equal(decimal.Round(revenue, 6), genset.Revenue);
        Assert.Equal(decimal.Round(uplift, 6), genset.Uplift);
        Assert.InRange((double)genset.BallastFuelCost, ballastFuel * (double)fuelPrice - tolerance, ballastFuel * (double)fuelPrice + tolerance);
        if (fuelCost == 0)
        {
            // A genset that never ran has no cost to recover and served nothing.
            Assert.Equal((0m, (decimal?)null), (genset.Uplift, genset.CostRecoveryRatio));
            return genset;
        }
        Assert.InRange((double)genset.AverageCostPerUsefulKwh!.Value, ((double)fuelCost - tolerance) / usefulKwh - 1e-6, ((double)fuelCost + tolerance) / usefulKwh + 1e-6);
        Assert.InRange((double)genset.CostRecoveryRatio!.Value, (double)(revenue + uplift) / ((double)fuelCost + tolerance) - 1e-6, (double)(revenue + uplift) / ((double)fuelCost - tolerance) + 1e-6);
        var days = units.Select(r => r.Int(UnitsCsv.Slot)).Distinct().Count() / 96.0;
        var dust = (decimal)(Math.Ceiling(days) * units.Select(r => r.Text(UnitsCsv.Unit)).Distinct().Count()) / 1_000_000_000m;
        Assert.True(revenue + uplift >= genset.FuelCost - dust - 0.000001m, $"revenue {revenue} + uplift {uplift} < fuel cost {genset.FuelCost}");
        return genset;
    }

    /// <summary>Every book in orders.csv, cleared by the C# reference, gives the price and volume in slots.csv and every fill in orders.csv.</summary>
    public static int ClearingMatchesReference(string directory)
    {
        var slots = Read(directory, RunDirectory.Slots).ToDictionary(s => s.Int(SlotsCsv.Slot));
        var books = 0;
        foreach (var book in Read(directory, RunDirectory.Orders).GroupBy(o => (Stage: o.Text(OrdersCsv.Stage), Slot: o.Int(OrdersCsv.Slot))))
        {
            var orders = book.Select(o => (Order: new Order(
                o.NullableLong(OrdersCsv.OrderId)!.Value,
                o.Text(OrdersCsv.Side) == OrdersCsv.Buy ? OrderSide.Buy : OrderSide.Sell,
                Price.FromTokens(o.Decimal(OrdersCsv.Price)).MicroPerKwh,
                uint.Parse(o.Text(OrdersCsv.QuantityWh), CultureInfo.InvariantCulture)), Fill: ulong.Parse(o.Text(OrdersCsv.FillWh), CultureInfo.InvariantCulture))).ToList();
            var reference = ReferenceClearing.Clear(new OrderBook(orders.Select(o => o.Order)));
            var (priceColumn, volumeColumn) = book.Key.Stage == OrdersCsv.DayAhead
                ? (SlotsCsv.DayAheadPrice, SlotsCsv.DayAheadVolumeWh)
                : (SlotsCsv.IntradayPrice, SlotsCsv.IntradayVolumeWh);
            var slot = slots[book.Key.Slot];
            Assert.Equal(reference.VolumeWh, (ulong)slot.Number(volumeColumn));
            Assert.Equal(reference.PriceMicroPerKwh, slot.NullableDecimal(priceColumn) is { } price ? Price.FromTokens(price).MicroPerKwh : null);
            Assert.All(orders, o => Assert.Equal(reference.FilledWh(o.Order.Id), o.Fill));
            books++;
        }
        return books;
    }
}
