using System.Globalization;
using MicroMarket.Market;
using MicroMarket.Market.Clearing;
using MicroMarket.Market.Orders;
using MicroMarket.Simulation;

namespace MicroMarket.Agents.Tests.Simulation;

/// <summary>
/// Reads a run directory's tables back and checks the run's invariants from them alone: energy
/// balance per slot, money per slot, every book re-cleared by the C# reference.
/// </summary>
internal static class RunDirectoryChecks
{
    public static List<Dictionary<string, string>> Read(string directory, string file)
    {
        var lines = File.ReadAllLines(Path.Combine(directory, file));
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second)).ToList();
    }

    public static double Number(this Dictionary<string, string> row, string column) =>
        row[column].Length == 0 ? 0 : double.Parse(row[column], CultureInfo.InvariantCulture);

    public static decimal Money(this Dictionary<string, string> row, string column) =>
        row[column].Length == 0 ? 0 : decimal.Parse(row[column], CultureInfo.InvariantCulture);

    /// <summary>
    /// Generation (slack or grid supply included) = consumption + losses + ballast, per slot: the
    /// run's own residual to 1e-6 kWh, and the printed columns (each rounded to 1e-6) to 3e-6.
    /// </summary>
    public static void EnergyBalances(string directory)
    {
        var slots = Read(directory, "slots.csv").Where(s => s["generation_kwh"].Length > 0).ToList();
        Assert.NotEmpty(slots);
        Assert.All(slots, s =>
        {
            Assert.True(Math.Abs(s.Number("balance_residual_kwh")) <= 1e-6, $"slot {s["slot"]}: residual {s["balance_residual_kwh"]} kWh");
            Assert.True(Math.Abs(s.Number("generation_kwh") - s.Number("consumption_kwh") - s.Number("losses_kwh") - s.Number("ballast_kwh")) <= 3e-6,
                $"slot {s["slot"]}: the printed energies do not balance");
        });
    }

    /// <summary>
    /// In every settled slot, to the nano-token: the trade payments sum to zero (the clearing house
    /// returns to zero), and the imbalance payments and missing-reading fees with the debt incurred
    /// sum to zero (the units against the BRP, which receives only what was paid).
    /// </summary>
    public static void MoneyBalances(string directory)
    {
        var slots = Read(directory, "units.csv").Where(r => r["trade_tokens"].Length > 0).GroupBy(r => r["slot"]).ToList();
        Assert.NotEmpty(slots);
        foreach (var slot in slots)
        {
            Assert.Equal(0m, slot.Sum(r => r.Money("trade_tokens")));
            Assert.Equal(0m, slot.Sum(r => r.Money("imbalance_tokens") + r.Money("fee_tokens") + r.Money("debt_incurred_tokens")));
        }
    }

    /// <summary>Every book in orders.csv, cleared by the C# reference, gives the price and volume in slots.csv and every fill in orders.csv.</summary>
    public static int ClearingMatchesReference(string directory)
    {
        var slots = Read(directory, "slots.csv").ToDictionary(s => int.Parse(s["slot"], CultureInfo.InvariantCulture));
        var books = 0;
        foreach (var book in Read(directory, "orders.csv").GroupBy(o => (o["stage"], int.Parse(o["slot"], CultureInfo.InvariantCulture))))
        {
            var orders = book.Select(o => (Order: new Order(
                long.Parse(o["order_id"], CultureInfo.InvariantCulture),
                o["side"] == "buy" ? OrderSide.Buy : OrderSide.Sell,
                Price.FromTokens(o.Money("price")).MicroPerKwh,
                uint.Parse(o["quantity_wh"], CultureInfo.InvariantCulture)), Fill: ulong.Parse(o["fill_wh"], CultureInfo.InvariantCulture))).ToList();
            var reference = ReferenceClearing.Clear(new OrderBook(orders.Select(o => o.Order)));
            var prefix = book.Key.Item1 == "day-ahead" ? "da" : "id";
            var slot = slots[book.Key.Item2];
            Assert.Equal(reference.VolumeWh, (ulong)slot.Number($"{prefix}_volume_wh"));
            Assert.Equal(reference.PriceMicroPerKwh, slot[$"{prefix}_price"].Length == 0 ? null : Price.FromTokens(slot.Money($"{prefix}_price")).MicroPerKwh);
            Assert.All(orders, o => Assert.Equal(reference.FilledWh(o.Order.Id), o.Fill));
            books++;
        }
        return books;
    }
}
