using MicroMarket.Reporting.Input;
using ScottPlot;

namespace MicroMarket.Reporting.Figures;

/// <summary>One local unit's deviation in one slot, kWh: metered minus scheduled net export (+ long, - short).</summary>
public sealed record DeviationRow(int Slot, string Unit, double DeviationKwh);

/// <summary>
/// Imbalance per slot (or bucket): the local units' long deviations (delivered more or consumed less than
/// scheduled) stacked up, short ones down, and the net as a line. The slack and the grid are the balance-responsible
/// counterparty, so, as in the imbalance KPIs, they are left out.
/// </summary>
public static class ImbalanceFigure
{
    public const string FileName = "imbalance.png";

    public static IReadOnlyList<DeviationRow> Rows(IEnumerable<UnitSlotRecord> units) => units
        .Where(u => !u.IsBalanceResponsible && u.DeviationWh is not null)
        .Select(u => new DeviationRow(u.Slot, u.Unit, u.DeviationWh!.Value / 1000))
        .ToList();

    public static Plot Draw(IReadOnlyList<DeviationRow> rows, TimeAxis axis)
    {
        var plot = FigureStyle.NewPlot($"Imbalance of the local units, {axis.Adjective}", axis.Label, $"deviation (kWh per {axis.BucketName})");
        var starts = axis.BucketStarts();
        var longs = Series.Sum(axis, rows.Where(r => r.DeviationKwh > 0).Select(r => (r.Slot, (double?)r.DeviationKwh)));
        var shorts = Series.Sum(axis, rows.Where(r => r.DeviationKwh < 0).Select(r => (r.Slot, (double?)r.DeviationKwh)));
        AddBars(plot, starts, axis.HoursPerBucket, longs, FigureStyle.LongImbalance, "long (surplus)");
        AddBars(plot, starts, axis.HoursPerBucket, shorts, FigureStyle.ShortImbalance, "short (deficit)");
        Series.AddStepLine(plot, starts, axis.HoursPerBucket, longs.Zip(shorts, (l, s) => l + s).ToArray(), FigureStyle.Ink, 1.5f, "net");
        plot.Add.HorizontalLine(0, 1, FigureStyle.Muted);
        axis.Apply(plot);
        plot.Axes.AutoScaleY();
        FigureStyle.LegendBelow(plot);
        return plot;
    }

    private static void AddBars(Plot plot, double[] starts, double width, double[] values, Color color, string legend)
    {
        var bars = plot.Add.Bars(starts.Select((s, i) => new Bar
        {
            Position = s + width / 2,
            Value = values[i],
            Size = width * 0.9,
            FillColor = color,
            LineWidth = 0,
        }).ToList());
        bars.LegendText = legend;
    }
}
