namespace MicroMarket.RunFormat;

/// <summary>
/// A run's transactions of one purpose (the transactions table's purpose column): how many, and their gas. One owner
/// for the report's gas figure and the benchmark's table by purpose.
/// </summary>
public sealed record PurposeTotals(string Purpose, int Transactions, long Gas)
{
    /// <summary>The market's stages in the order a day runs them; any other purpose follows in name order.</summary>
    private static readonly string[] MarketOrder = ["DayAheadOrders", "IntradayOrders", "Clearing", "Readings", "Settlement"];

    /// <summary>Totals per purpose, the market's stages first in the order a day runs them, any other purpose after in name order; a transaction without a receipt counts no gas.</summary>
    public static IReadOnlyList<PurposeTotals> Of(IEnumerable<(string Purpose, long? Gas)> transactions) => transactions
        .GroupBy(t => t.Purpose)
        .Select(g => new PurposeTotals(g.Key, g.Count(), g.Sum(t => t.Gas ?? 0)))
        .OrderBy(r => Array.IndexOf(MarketOrder, r.Purpose) is var i && i < 0 ? int.MaxValue : i)
        .ThenBy(r => r.Purpose, StringComparer.Ordinal)
        .ToList();
}
