using System.Globalization;
using MicroMarket.Reporting.Input;
using ScottPlot;

namespace MicroMarket.Reporting.Figures;

/// <summary>A delivered slot's lowest and highest LV phase voltage over all energised buses, pu, and how many bus-phases lay outside the limits.</summary>
public sealed record VoltageRow(int Slot, double MinPu, double MaxPu, int Violations);

/// <summary>
/// The feeder's voltage envelope: per slot (or bucket) the band from the lowest to the highest LV phase voltage.
/// The 0.90 and 1.10 pu limits are drawn when they are near the data; a feeder that stays within a few per mille
/// of 1 pu would otherwise be flattened into a line, so then they are named in the title instead. Blackout slots
/// (no grid former, nothing energised) leave gaps and are counted in the title.
/// </summary>
public static class VoltageFigure
{
    public const string FileName = "voltage.png";
    public const double LowLimitPu = 0.90;
    public const double HighLimitPu = 1.10;

    private const double LimitShownWithinPu = 0.03;

    /// <summary>The energised slots: a blackout's buses are written as 0 pu, which is no voltage the feeder held.</summary>
    public static IReadOnlyList<VoltageRow> Rows(IEnumerable<SlotRecord> slots) => slots
        .Where(s => s.Physics is { IsBlackout: false })
        .Select(s => new VoltageRow(s.Slot, s.Physics!.MinVoltagePu, s.Physics.MaxVoltagePu, s.Physics.VoltageViolations))
        .ToList();

    public static int Blackouts(IEnumerable<SlotRecord> slots) => slots.Count(s => s.Physics is { IsBlackout: true });

    public static Plot Draw(IReadOnlyList<VoltageRow> rows, int blackouts, TimeAxis axis)
    {
        var violations = rows.Sum(r => r.Violations);
        var dark = blackouts > 0 ? $"; {blackouts.ToString("N0", CultureInfo.InvariantCulture)} blackout slot{(blackouts == 1 ? "" : "s")} left out" : "";
        var plot = FigureStyle.NewPlot($"Voltage envelope, {axis.Adjective}: {violations.ToString("N0", CultureInfo.InvariantCulture)} slot-node pairs outside {LowLimitPu:0.00}-{HighLimitPu:0.00} pu{dark}",
            axis.Label, "phase voltage (pu)");
        if (rows.Count == 0)
        {
            FigureStyle.EmptyNote(plot, blackouts > 0 ? "no slot was energised" : "no slot was delivered");
            return plot;
        }
        var starts = axis.BucketStarts();
        var (x, low) = Series.Steps(starts, axis.HoursPerBucket, Series.Min(axis, rows.Select(r => (r.Slot, (double?)r.MinPu))));
        var (_, high) = Series.Steps(starts, axis.HoursPerBucket, Series.Max(axis, rows.Select(r => (r.Slot, (double?)r.MaxPu))));
        var first = true;
        foreach (var (from, to) in Series.Runs(low))
        {
            var band = plot.Add.FillY(x[from..to], low[from..to], high[from..to]);
            band.FillColor = FigureStyle.DayAhead.WithAlpha(0.3);
            band.LineWidth = 0;
            if (first)
            {
                band.LegendText = "range over all LV bus-phases";
                first = false;
            }
            plot.Add.ScatterLine(x[from..to], low[from..to], FigureStyle.DayAhead).LineWidth = 1.5f;
            plot.Add.ScatterLine(x[from..to], high[from..to], FigureStyle.DayAhead).LineWidth = 1.5f;
        }
        var (min, max) = (rows.Min(r => r.MinPu), rows.Max(r => r.MaxPu));
        foreach (var limit in new[] { LowLimitPu, HighLimitPu })
        {
            if (limit > min - LimitShownWithinPu && limit < max + LimitShownWithinPu)
            {
                var line = plot.Add.HorizontalLine(limit, 1.5f, FigureStyle.ShortImbalance, LinePattern.Dashed);
                line.LegendText = $"limit {limit:0.00} pu";
            }
        }
        axis.Apply(plot);
        plot.Axes.AutoScaleY();
        FigureStyle.LegendBelow(plot);
        return plot;
    }
}
