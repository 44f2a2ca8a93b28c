using System.Globalization;
using MicroMarket.Market;
using MicroMarket.Market.Clearing;
using MicroMarket.Market.Orders;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Model;
using MicroMarket.Simulation;

namespace MicroMarket.Agents.Tests.Simulation;

/// <summary>
/// Reads a run directory's tables back and checks the run's invariants from them alone: energy
/// balance per slot, money per slot, every book re-cleared by the C# reference.
/// </summary>
internal static class RunDirectoryChecks
{
    public static List<TableRecord> Read(string directory, string file) => TableReader.Open(directory, file).Records().ToList();

    /// <summary>A number, 0 where the cell is empty ("not applicable").</summary>
    public static double Number(this TableRecord row, string column) => row.NullableDouble(column) ?? 0;

    /// <summary>Tokens, 0 where the cell is empty ("not applicable").</summary>
    public static decimal Money(this TableRecord row, string column) => row.NullableDecimal(column) ?? 0;

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
    /// The make-whole uplift's split, from the tables: each day's uplift (what the BRP received, on the day's last slot)
    /// is shared by the other units but batteries pro rata to their net metered import that day (import less export, at
    /// least 0), each share rounded down to the nano-token. So storage and exporters pay nothing.
    /// Returns how many days carried an uplift.
    /// </summary>
    public static int UpliftFollowsConsumersNetImport(string directory)
    {
        var rows = Read(directory, RunDirectory.Units);
        var perDay = Read(directory, RunDirectory.Slots).GroupBy(s => s.Int(SlotsCsv.Day)).ToDictionary(g => g.Key, g => g.Select(s => s.Int(SlotsCsv.Slot)).ToHashSet());
        var days = 0;
        foreach (var (day, slots) in perDay)
        {
            var dayRows = rows.Where(r => slots.Contains(r.Int(UnitsCsv.Slot))).ToList();
            var received = dayRows.Where(r => r.Text(UnitsCsv.Kind) is "slack" or "grid").Sum(r => r.Money(UnitsCsv.UpliftTokens));
            if (received == 0)
            {
                continue;
            }
            days++;
            var units = dayRows.Where(r => r.Text(UnitsCsv.Kind) is not ("slack" or "grid" or "battery")).GroupBy(r => r.Text(UnitsCsv.Unit))
                .Select(g => (Unit: g.Key, NetImportWh: Math.Max(0, g.Sum(r => r.Number(UnitsCsv.MeteredImportWh) - r.Number(UnitsCsv.MeteredExportWh))),
                    Paid: -g.Sum(r => r.Money(UnitsCsv.UpliftTokens))))
                .ToList();
            Assert.All(dayRows.Where(r => r.Text(UnitsCsv.Kind) == "battery"), r => Assert.Equal(0m, r.Money(UnitsCsv.UpliftTokens)));
            var total = units.Sum(u => u.NetImportWh);
            foreach (var (unit, netImportWh, paid) in units)
            {
                var due = (double)received * netImportWh / total;
                Assert.True(Math.Abs((double)paid - due) <= 1e-6, $"day {day}: {unit} paid {paid} of the uplift {received}, its net import ({netImportWh} Wh of {total}) gives {due:F9}");
            }
        }
        return days;
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

    /// <summary>
    /// Every KPI and bill field of summary.json recomputed from the tables with docs/kpis.md's formulas, in code of its
    /// own (not the simulator's): storage internal, final consumption = loads + flexible loads + the EVs' net import,
    /// external supply = the grid's or a genset's export less ballast. Sums of metered Wh agree exactly, sums of the
    /// physics columns (printed to 1e-6 a row) within their rounding; money exactly, rounded to 1e-6. Fails on a KPI in
    /// summary.json that it does not check, so a KPI added later needs its check here. The scenario gives what the
    /// tables do not hold: the fuel price, the tariffs and whether the slack is a battery.
    /// </summary>
    public static void Kpis(string directory, Scenario scenario)
    {
        var summary = RunJson.Read<RunSummary>(directory, RunDirectory.Summary);
        var kpis = summary.Kpis;
        var rows = Read(directory, RunDirectory.Units).Where(r => r.Text(UnitsCsv.MeteredImportWh).Length > 0).ToList();
        var slots = Read(directory, RunDirectory.Slots).Where(s => s.Text(SlotsCsv.GenerationKwh).Length > 0).ToList();
        var transactions = Read(directory, RunDirectory.Transactions);
        var checkedKeys = new HashSet<string>();

        static double Kwh(IEnumerable<TableRecord> rows, Func<TableRecord, double> wh) => rows.Sum(wh) / 1000;
        static IEnumerable<TableRecord> Of(IEnumerable<TableRecord> rows, params string[] kinds) => rows.Where(r => kinds.Contains(r.Text(UnitsCsv.Kind)));
        void Near(string key, double? expected, double? actual, double tolerance)
        {
            checkedKeys.Add(key);
            Assert.True(expected is null ? actual is null : actual is { } a && Math.Abs(a - expected.Value) <= tolerance,
                $"{key}: summary.json has {actual}, the tables give {expected} (to {tolerance})");
        }
        void Same<T>(string key, T expected, T actual)
        {
            checkedKeys.Add(key);
            Assert.True(EqualityComparer<T>.Default.Equals(expected, actual), $"{key}: summary.json has {actual}, the tables give {expected}");
        }
        // The price forecast beside the KPIs: the mean absolute error of each slot's day-ahead expectation against the
        // price it cleared at, over every slot (delivered or not) where both are written; exact, both are micro-tokens.
        var scored = Read(directory, RunDirectory.Slots).Where(s => s.Text(SlotsCsv.ExpectedDayAheadPrice).Length > 0 && s.Text(SlotsCsv.DayAheadPrice).Length > 0).ToList();
        Assert.NotNull(summary.PriceForecast);
        Assert.Equal(scored.Count, summary.PriceForecast.Slots);
        Assert.Equal(scored.Count == 0 ? null : Math.Round(scored.Sum(s => Math.Abs(s.Money(SlotsCsv.ExpectedDayAheadPrice) - s.Money(SlotsCsv.DayAheadPrice))) / scored.Count, 6),
            summary.PriceForecast.MeanAbsoluteError);

        // The physics columns are printed to 1e-6 a row: a sum over n rows is off by at most n x 5e-7.
        var slotRounding = slots.Count * 5e-7 + 1e-9;
        var rowRounding = rows.Count * 5e-7 + 1e-9;

        // Energy: storage (batteries, EVs, a battery slack: a slack whose rows carry a state of charge) is internal.
        var outside = rows.Where(r => r.Text(UnitsCsv.Kind) == "grid" || r.Text(UnitsCsv.Kind) == "slack" && r.Text(UnitsCsv.StateOfCharge).Length == 0).ToList();
        // A prosumer's consumption and generation are what flowed behind its meter (its consumed_kwh and generated_kwh).
        var consumption = Kwh(Of(rows, "load", "flexible-load", "ev"), r => r.Number(UnitsCsv.MeteredImportWh) - r.Number(UnitsCsv.MeteredExportWh))
            + Of(rows, "prosumer").Sum(r => r.Number(UnitsCsv.ConsumedKwh));
        var generation = Kwh(Of(rows, "pv", "wind"), r => r.Number(UnitsCsv.MeteredExportWh) - r.Number(UnitsCsv.MeteredImportWh))
            + Of(rows, "prosumer").Sum(r => r.Number(UnitsCsv.GeneratedKwh));
        var curtailed = slots.Sum(s => s.Number(SlotsCsv.CurtailedKwh));
        var external = Kwh(outside, r => r.Number(UnitsCsv.MeteredExportWh)) - slots.Sum(s => s.Number(SlotsCsv.BallastKwh));
        var absorbed = Kwh(outside, r => r.Number(UnitsCsv.MeteredImportWh));
        var sold = Kwh(rows.Where(r => r.Text(UnitsCsv.Kind) is not ("slack" or "grid")), r => r.Number(UnitsCsv.DayAheadSoldWh) + r.Number(UnitsCsv.IntradaySoldWh));
        var bought = Kwh(rows, r => r.Number(UnitsCsv.DayAheadBoughtWh) + r.Number(UnitsCsv.IntradayBoughtWh));
        Near("consumption_kwh", consumption, kpis.ConsumptionKwh, rowRounding + 1e-9);
        Near("local_generation_kwh", generation, kpis.LocalGenerationKwh, rowRounding + 1e-9);
        Near("external_supply_kwh", external, kpis.ExternalSupplyKwh, slotRounding + 1e-6);
        // A ratio within 1e-5: the rounding of the physics columns moves it by far less, any other formula by far more.
        Near("self_sufficiency", consumption > 0 ? Math.Max(0, Math.Min(1, 1 - external / consumption)) : null, kpis.SelfSufficiency, 1e-5);
        Near("self_consumption", generation + curtailed > 0 ? Math.Max(0, Math.Min(1, 1 - (absorbed + curtailed) / (generation + curtailed))) : null, kpis.SelfConsumption, 1e-5);
        Near("local_trade_share", bought > 0 ? Math.Min(1, sold / bought) : null, kpis.LocalTradeShare, 1e-6);

        // Market: the clearing prices as printed (exact decimals), means rounded to the micro-token.
        foreach (var (key, column, stats) in new[] { ("day_ahead_price", SlotsCsv.DayAheadPrice, kpis.DayAheadPrice), ("intraday_price", SlotsCsv.IntradayPrice, kpis.IntradayPrice) })
        {
            var prices = slots.Where(s => s.Text(column).Length > 0).Select(s => s.Decimal(column)).ToList();
            Same($"{key}.mean", prices.Count > 0 ? decimal.Round(prices.Sum() / prices.Count, 6) : (decimal?)null, stats.Mean);
            Same($"{key}.min", prices.Count > 0 ? prices.Min() : (decimal?)null, stats.Min);
            Same($"{key}.max", prices.Count > 0 ? prices.Max() : (decimal?)null, stats.Max);
            Same($"{key}.slots", prices.Count, stats.Slots);
        }
        var spreads = slots.Where(s => s.Text(SlotsCsv.DayAheadPrice).Length > 0 && s.Text(SlotsCsv.IntradayPrice).Length > 0)
            .Select(s => s.Decimal(SlotsCsv.IntradayPrice) - s.Decimal(SlotsCsv.DayAheadPrice)).ToList();
        Same("mean_intraday_minus_day_ahead", spreads.Count > 0 ? decimal.Round(spreads.Sum() / spreads.Count, 6) : (decimal?)null, kpis.MeanIntradayMinusDayAhead);
        Near("day_ahead_volume_kwh", slots.Sum(s => s.Number(SlotsCsv.DayAheadVolumeWh)) / 1000, kpis.DayAheadVolumeKwh, 1e-9);
        Near("intraday_volume_kwh", slots.Sum(s => s.Number(SlotsCsv.IntradayVolumeWh)) / 1000, kpis.IntradayVolumeKwh, 1e-9);

        // Imbalance, balancing, fuel, adequacy, network: plain sums of their columns.
        var localRows = rows.Where(r => r.Text(UnitsCsv.Kind) is not ("slack" or "grid")).ToList();
        Near("imbalance_volume_kwh", Kwh(localRows, r => Math.Abs(r.Number(UnitsCsv.DeviationWh))), kpis.ImbalanceVolumeKwh, 1e-9);
        Same("imbalance_cost", decimal.Round(-localRows.Sum(r => r.Money(UnitsCsv.ImbalanceTokens) + r.Money(UnitsCsv.FeeTokens)), 6), kpis.ImbalanceCost);
        Near("slack_energy_kwh", Kwh(Of(rows, "slack"), r => r.Number(UnitsCsv.MeteredExportWh) - r.Number(UnitsCsv.MeteredImportWh)), kpis.SlackEnergyKwh, 1e-9);
        var fuel = rows.Sum(r => r.Number(UnitsCsv.Fuel));
        var fuelPrice = scenario.Units.OfType<SlackUnit>().Select(s => s.FuelPrice).FirstOrDefault();
        Near("fuel_units", fuel, kpis.FuelUnits, rowRounding + 1e-6);
        Near("fuel_cost", fuel * (double)fuelPrice, (double)kpis.FuelCost, (rowRounding + 1e-6) * (double)fuelPrice + 1e-6);
        // The fuel's unit is the genset technology's (docs/kpis.md): litres of diesel, kWh of gas, none for a battery or the grid.
        Same("fuel_unit", scenario.Units.OfType<SlackUnit>().Select(s => s.Technology switch { SlackTechnology.Diesel => "L", SlackTechnology.Chp => "kWh gas", _ => null }).FirstOrDefault(), kpis.FuelUnit);
        Assert.Equal(scenario.Description, summary.Description);
        Near("co2_kg", rows.Sum(r => r.Number(UnitsCsv.Co2Kg)), kpis.Co2Kg, rowRounding + 1e-6);
        Near("ev_unmet_kwh", Of(rows, "ev").Sum(r => r.Number(UnitsCsv.UnmetKwh)), kpis.EvUnmetKwh, rowRounding + 1e-6);
        Near("flexible_unmet_kwh", Of(rows, "flexible-load").Sum(r => r.Number(UnitsCsv.UnmetKwh)), kpis.FlexibleUnmetKwh, rowRounding + 1e-6);
        Near("prosumer_unmet_kwh", Of(rows, "prosumer").Sum(r => r.Number(UnitsCsv.UnmetKwh)), kpis.ProsumerUnmetKwh, rowRounding + 1e-6);
        Near("curtailed_kwh", curtailed, kpis.CurtailedKwh, slotRounding + 1e-6);
        Near("energy_not_served_kwh", slots.Sum(s => s.Number(SlotsCsv.NotServedKwh)), kpis.EnergyNotServedKwh, slotRounding + 1e-6);
        Near("losses_kwh", slots.Sum(s => s.Number(SlotsCsv.LossesKwh)), kpis.LossesKwh, slotRounding + 1e-6);
        var energised = slots.Where(s => s.Text(SlotsCsv.BalanceOutcome) != "Blackout").ToList();
        Near("min_voltage_pu", energised.Count > 0 ? energised.Min(s => s.Number(SlotsCsv.MinVoltagePu)) : null, kpis.MinVoltagePu, 1e-6);
        Near("max_voltage_pu", energised.Count > 0 ? energised.Max(s => s.Number(SlotsCsv.MaxVoltagePu)) : null, kpis.MaxVoltagePu, 1e-6);
        Same("voltage_violations", slots.Sum(s => s.Int(SlotsCsv.VoltageViolations)), kpis.VoltageViolations);

        // Chain: participants are every unit, the balance-responsible one included.
        var gas = transactions.Sum(t => t.NullableLong(TransactionsCsv.GasUsed) ?? 0);
        var participants = Read(directory, RunDirectory.Units).Select(r => r.Text(UnitsCsv.Unit)).Distinct().Count();
        Same("gas_total", gas, kpis.GasTotal);
        Same("transactions", transactions.Count, kpis.Transactions);
        var daysDelivered = summary.SlotsDelivered * scenario.Time.SlotMinutes / (24.0 * 60);
        Near("gas_per_participant_day", daysDelivered > 0 ? (double)gas / participants / daysDelivered : null, kpis.GasPerParticipantDay, 1e-6);
        Near("transactions_per_participant_day", daysDelivered > 0 ? (double)transactions.Count / participants / daysDelivered : null, kpis.TransactionsPerParticipantDay, 1e-6);

        // The genset block has its own check; its cost per useful kWh is the island's baseline price when it ran.
        var genset = scenario.Units.OfType<SlackUnit>().Any(s => s.Technology is SlackTechnology.Diesel or SlackTechnology.Chp) ? GensetEconomics(directory, fuelPrice) : null;
        Same("genset", genset is null, kpis.Genset is null);
        foreach (var field in new[] { "fuel_cost", "revenue", "uplift", "cost_recovery_ratio", "average_cost_per_useful_kwh", "ballast_fuel_cost" })
        {
            checkedKeys.Add($"genset.{field}");
        }
        // The baseline's prices per slot: grid-connected the supplier's tariff as slots.csv records it (net metering per unit,
        // slot by slot), islanded the genset's cost per useful kWh when it ran, else the slack's offer, and nothing for a surplus.
        var brp = BalanceResponsibleParty.Of(scenario);
        var tariffs = Read(directory, RunDirectory.Slots).ToDictionary(s => s.Int(SlotsCsv.Slot), s => (Buy: s.NullableDecimal(SlotsCsv.ImportPrice), Sell: s.NullableDecimal(SlotsCsv.ExportPrice)));
        var grid = scenario.Mode is GridConnectedMode;
        Assert.All(tariffs, t => Assert.True(grid ? t.Value.Buy is not null && t.Value.Sell is not null : t.Value == (null, null),
            $"slot {t.Key}: the tariff columns are {(grid ? "empty grid-connected" : "filled in an island")}"));
        decimal SlotBaseline(TableRecord row)
        {
            var slot = row.Int(UnitsCsv.Slot);
            var (buy, sell) = grid ? (tariffs[slot].Buy!.Value, tariffs[slot].Sell!.Value) : (genset?.AverageCostPerUsefulKwh ?? brp.ShortfallCost, 0m);
            return (decimal)row.Number(UnitsCsv.MeteredImportWh) / 1000 * buy - (decimal)row.Number(UnitsCsv.MeteredExportWh) / 1000 * sell;
        }

        // Bills, one per unit in index order; money to 1e-6, saving = baseline - net bill.
        var bills = rows.GroupBy(r => r.Int(UnitsCsv.Index)).OrderBy(g => g.Key).ToList();
        Same("bills", bills.Count, kpis.Bills.Count);
        foreach (var (unit, bill) in bills.Zip(kpis.Bills))
        {
            var id = unit.First().Text(UnitsCsv.Unit);
            var trade = -unit.Sum(r => r.Money(UnitsCsv.TradeTokens));
            var imbalance = -unit.Sum(r => r.Money(UnitsCsv.ImbalanceTokens) + r.Money(UnitsCsv.FeeTokens));
            var uplift = -unit.Sum(r => r.Money(UnitsCsv.UpliftTokens));
            var import = unit.Sum(r => r.Number(UnitsCsv.MeteredImportWh)) / 1000;
            var export = unit.Sum(r => r.Number(UnitsCsv.MeteredExportWh)) / 1000;
            var netBill = decimal.Round(trade + imbalance + uplift, 6);
            var baseline = decimal.Round(unit.Sum(SlotBaseline), 6);
            Same("bills.unit", id, bill.Unit);
            Same("bills.kind", unit.First().Text(UnitsCsv.Kind), UnitKinds.Name(bill.Kind));
            Same($"bills.net_bill ({id})", netBill, bill.NetBill);
            Same($"bills.trade_cost ({id})", decimal.Round(trade, 6), bill.TradeCost);
            Same($"bills.imbalance_cost ({id})", decimal.Round(imbalance, 6), bill.ImbalanceCost);
            Same($"bills.uplift_cost ({id})", decimal.Round(uplift, 6), bill.UpliftCost);
            Same($"bills.baseline ({id})", baseline, bill.Baseline);
            Same($"bills.saving ({id})", baseline - netBill, bill.Saving);
            Near($"bills.import_kwh ({id})", import, bill.ImportKwh, 1e-9);
            Near($"bills.export_kwh ({id})", export, bill.ExportKwh, 1e-9);
        }

        // What a kWh bought cost the local participants with the market and without: their bills as printed above, over
        // their import as printed, every unit but the balance-responsible party.
        var local = kpis.Bills.Where(b => b.Kind is not (UnitKind.Slack or UnitKind.Grid)).ToList();
        var localImport = local.Sum(b => b.ImportKwh);
        Same("average_bill_per_kwh", localImport > 0 ? decimal.Round(local.Sum(b => b.NetBill) / (decimal)localImport, 6) : (decimal?)null, kpis.AverageBillPerKwh);
        Same("baseline_bill_per_kwh", localImport > 0 ? decimal.Round(local.Sum(b => b.Baseline) / (decimal)localImport, 6) : (decimal?)null, kpis.BaselineBillPerKwh);

        // Every KPI summary.json holds was checked above, and every money value in it is rounded to 1e-6.
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, RunDirectory.Summary)));
        var written = json.RootElement.GetProperty("kpis").EnumerateObject().SelectMany(p => p.Value.ValueKind switch
        {
            System.Text.Json.JsonValueKind.Object => p.Value.EnumerateObject().Select(q => $"{p.Name}.{q.Name}"),
            System.Text.Json.JsonValueKind.Array => p.Value.EnumerateArray().SelectMany(b => b.EnumerateObject()).Select(q => $"{p.Name}.{q.Name}"),
            _ => [p.Name],
        }).ToHashSet();
        var covered = checkedKeys.Select(k => k.Split(' ')[0]).ToHashSet();
        Assert.Empty(written.Except(covered));
        var money = new List<decimal?> { kpis.ImbalanceCost, kpis.FuelCost, kpis.MeanIntradayMinusDayAhead, kpis.DayAheadPrice.Mean, kpis.IntradayPrice.Mean, kpis.AverageBillPerKwh, kpis.BaselineBillPerKwh };
        money.AddRange(kpis.Bills.SelectMany(b => new decimal?[] { b.NetBill, b.TradeCost, b.ImbalanceCost, b.UpliftCost, b.Baseline, b.Saving }));
        if (kpis.Genset is { } g)
        {
            money.AddRange([g.FuelCost, g.Revenue, g.Uplift, g.CostRecoveryRatio, g.AverageCostPerUsefulKwh, g.BallastFuelCost]);
        }
        Assert.All(money, m => Assert.Equal(m is { } v ? decimal.Round(v, 6) : null, m));
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
