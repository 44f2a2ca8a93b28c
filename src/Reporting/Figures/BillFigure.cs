using MicroMarket.RunFormat;
using ScottPlot;

namespace MicroMarket.Reporting.Figures;

/// <summary>One participant's net bill over the run and its no-market baseline, tokens (positive = pays, negative = earns).</summary>
public sealed record BillRow(string Unit, UnitKind Kind, double NetBill, double Baseline);

/// <summary>
/// What each participant paid on the market (trades and imbalance, net) beside what it would have paid without
/// the market (its metered energy at the tariffs, or at the slack's price in an island), as horizontal bars with
/// values, one pair per participant (a prosumer is one participant: its household, PV, battery and EV share a meter); the
/// figure grows with the number of participants so every name stays readable. The balance-responsible party (the upstream
/// supplier or the island's slack) is every other participant's counterparty, so its bill is about all of theirs
/// together: it is named under the axis instead of drawn, where its bar would squash every other to a sliver.
/// </summary>
public static class BillFigure
{
    public const string FileName = "bills.png";

    private const int RowHeightPx = 46;
    private const int ChromeHeightPx = 200;

    public static IReadOnlyList<BillRow> Rows(IEnumerable<ParticipantBill> bills) =>
        bills.Select(b => new BillRow(b.Unit, b.Kind, (double)b.NetBill, (double)b.Baseline)).ToList();

    /// <summary>The figure height that gives every participant a readable row.</summary>
    public static int HeightPx(int participants) => Math.Max(FigureStyle.HeightPx, ChromeHeightPx + RowHeightPx * participants);

    public static Plot Draw(IReadOnlyList<BillRow> rows)
    {
        var brp = rows.Where(r => UnitKinds.IsBalanceResponsible(r.Kind)).ToList();
        var axis = "tokens over the run (positive = pays, negative = earns)" + string.Concat(brp.Select(r =>
            $"\n{r.Unit} ({FigureStyle.NameOfKind(r.Kind)}, the balance-responsible party, not drawn): net bill {Tokens(r.NetBill)}, baseline {Tokens(r.Baseline)}"));
        var plot = FigureStyle.NewPlot("Net bill per participant: market vs no-market baseline", axis, "");
        rows = [.. rows.Where(r => !UnitKinds.IsBalanceResponsible(r.Kind))];
        if (rows.Count == 0)
        {
            FigureStyle.EmptyNote(plot, "no participant was billed");
            return plot;
        }
        var market = new List<Bar>();
        var baseline = new List<Bar>();
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (var i = 0; i < rows.Count; i++)
        {
            // Top to bottom in the order of the bills (unit index), so the first participant is read first.
            var centre = rows.Count - 1 - i;
            market.Add(HorizontalBar(centre + 0.18, rows[i].NetBill, FigureStyle.DayAhead));
            baseline.Add(HorizontalBar(centre - 0.18, rows[i].Baseline, FigureStyle.Muted));
            ticks.AddMajor(centre, $"{rows[i].Unit} ({FigureStyle.NameOfKind(rows[i].Kind)})");
        }
        var marketBars = plot.Add.Bars(market);
        marketBars.LegendText = "net bill with the market";
        var baselineBars = plot.Add.Bars(baseline);
        baselineBars.LegendText = "no-market baseline";
        foreach (var bars in new[] { marketBars, baselineBars })
        {
            bars.ValueLabelStyle.FontSize = 12;
        }
        plot.Axes.Left.TickGenerator = ticks;
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.AutoScale();
        // Wide horizontal margins: the value labels sit beyond the bar ends and must stay inside the frame.
        plot.Axes.Margins(0.18, 0.03);
        plot.Add.VerticalLine(0, 1, FigureStyle.Ink);
        FigureStyle.LegendBelow(plot);
        return plot;
    }

    private static Bar HorizontalBar(double position, double value, Color color) => new()
    {
        Position = position,
        Value = value,
        Size = 0.34,
        FillColor = color,
        LineWidth = 0,
        Orientation = Orientation.Horizontal,
        Label = Tokens(value),
    };

    private static string Tokens(double value) => value.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
}
