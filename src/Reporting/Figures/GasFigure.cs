using System.Globalization;
using MicroMarket.Reporting.Input;
using MicroMarket.RunFormat;
using ScottPlot;

namespace MicroMarket.Reporting.Figures;

/// <summary>
/// Gas per market stage: the total gas of the transactions that submitted day-ahead and intra-day orders, cleared
/// the auctions, relayed meter readings and settled, each bar labelled with its transaction count and mean gas per
/// transaction. This is the market's running cost on the chain.
/// </summary>
public static class GasFigure
{
    public const string FileName = "gas.png";

    /// <summary>The stages' readable names; any other purpose is shown as it is.</summary>
    private static readonly (string Purpose, string Name)[] Stages =
    [
        ("DayAheadOrders", "day-ahead orders"),
        ("IntradayOrders", "intra-day orders"),
        ("Clearing", "clearing"),
        ("Readings", "meter readings"),
        ("Settlement", "settlement"),
    ];

    public static IReadOnlyList<PurposeTotals> Rows(IEnumerable<TransactionRecord> transactions) =>
        PurposeTotals.Of(transactions.Select(t => (t.Purpose, t.GasUsed)));

    public static string NameOf(string purpose) => Stages.FirstOrDefault(s => s.Purpose == purpose).Name ?? purpose;

    public static Plot Draw(IReadOnlyList<PurposeTotals> rows)
    {
        var total = rows.Sum(r => r.Gas);
        var plot = FigureStyle.NewPlot($"Gas per market stage: {(total / 1e6).ToString("N1", CultureInfo.InvariantCulture)} million in {rows.Sum(r => r.Transactions).ToString("N0", CultureInfo.InvariantCulture)} transactions",
            "market stage", "gas used (million)");
        if (rows.Count == 0)
        {
            FigureStyle.EmptyNote(plot, "no transactions recorded");
            return plot;
        }
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        var bars = new List<Bar>();
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var meanThousands = row.Transactions > 0 ? row.Gas / 1e3 / row.Transactions : 0;
            bars.Add(new Bar
            {
                Position = i,
                Value = row.Gas / 1e6,
                FillColor = FigureStyle.DayAhead,
                LineWidth = 0,
                Size = 0.6,
                Label = $"{row.Transactions.ToString("N0", CultureInfo.InvariantCulture)} tx, {meanThousands.ToString("N0", CultureInfo.InvariantCulture)} k gas/tx",
            });
            ticks.AddMajor(i, NameOf(row.Purpose));
        }
        var plottable = plot.Add.Bars(bars);
        plottable.ValueLabelStyle.FontSize = 13;
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsY(0, rows.Max(r => r.Gas) / 1e6 * 1.15);
        return plot;
    }
}
