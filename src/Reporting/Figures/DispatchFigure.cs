using MicroMarket.Reporting.Input;
using MicroMarket.RunFormat;
using ScottPlot;

namespace MicroMarket.Reporting.Figures;

/// <summary>Metered energy of one unit kind in one slot, kWh: what it fed into the feeder and what it took from it.</summary>
public sealed record KindFlowRow(int Slot, UnitKind Kind, double ExportKwh, double ImportKwh);

/// <summary>A slot's energy dumped into the island's ballast load, kWh.</summary>
public sealed record BallastRow(int Slot, double BallastKwh);

/// <summary>
/// Who supplied the feeder: average power per unit kind (metered export, stacked), against the local consumption
/// (the metered import of every unit but the slack and the grid: loads, flexible loads, EV and battery charging).
/// The gap between the stack and the consumption line is losses, energy absorbed upstream and, in an island,
/// the ballast, which gets its own dashed line.
/// </summary>
public static class DispatchFigure
{
    public const string FileName = "dispatch.png";

    /// <summary>Stacking order, bottom up: the balancing units first, the variable renewables on top.</summary>
    private static readonly UnitKind[] StackOrder = [UnitKind.Slack, UnitKind.Grid, UnitKind.Battery, UnitKind.Ev, UnitKind.FlexibleLoad, UnitKind.Load, UnitKind.Wind, UnitKind.Pv];

    public static IReadOnlyList<KindFlowRow> Rows(IEnumerable<UnitSlotRecord> units) => units
        .Where(u => u.MeteredImportWh is not null)
        .GroupBy(u => (u.Slot, u.Kind))
        .Select(g => new KindFlowRow(g.Key.Slot, g.Key.Kind, g.Sum(u => u.MeteredExportWh ?? 0) / 1000, g.Where(u => !u.IsBalanceResponsible).Sum(u => u.MeteredImportWh ?? 0) / 1000))
        .OrderBy(r => r.Slot).ThenBy(r => r.Kind)
        .ToList();

    public static IReadOnlyList<BallastRow> Ballast(IEnumerable<SlotRecord> slots) => slots
        .Where(s => s.Physics is not null)
        .Select(s => new BallastRow(s.Slot, s.Physics!.BallastKwh))
        .ToList();

    public static Plot Draw(IReadOnlyList<KindFlowRow> flows, IReadOnlyList<BallastRow> ballast, TimeAxis axis)
    {
        var mean = axis.Resolution == TimeResolution.Slot ? "" : $" ({axis.Adjective} mean)";
        var plot = FigureStyle.NewPlot($"Dispatch by unit kind{mean}", axis.Label, "average power (kW)");
        var starts = axis.BucketStarts();
        double[] Power(IEnumerable<(int Slot, double? Kwh)> energy) => Series.Sum(axis, energy).Select(kwh => kwh / axis.HoursPerBucket).ToArray();

        var bottom = new double[axis.Buckets];
        var kinds = flows.Select(f => f.Kind).Distinct().OrderBy(k => Array.IndexOf(StackOrder, k));
        foreach (var kind in kinds)
        {
            var supply = Power(flows.Where(f => f.Kind == kind).Select(f => (f.Slot, (double?)f.ExportKwh)));
            if (supply.All(p => p <= 0))
            {
                continue;
            }
            var top = bottom.Zip(supply, (b, s) => b + s).ToArray();
            var (x, lower) = Series.Steps(starts, axis.HoursPerBucket, bottom);
            var (_, upper) = Series.Steps(starts, axis.HoursPerBucket, top);
            var band = plot.Add.FillY(x, lower, upper);
            band.FillColor = FigureStyle.OfKind(kind).WithAlpha(0.85);
            band.LineWidth = 0;
            band.LegendText = $"{FigureStyle.NameOfKind(kind)} supply";
            bottom = top;
        }

        var consumption = Power(flows.Select(f => (f.Slot, (double?)f.ImportKwh)));
        Series.AddStepLine(plot, starts, axis.HoursPerBucket, consumption, FigureStyle.Ink, 2.5f, "local consumption");
        var dumped = Power(ballast.Select(b => (b.Slot, (double?)b.BallastKwh)));
        if (dumped.Any(p => p > 0))
        {
            Series.AddStepLine(plot, starts, axis.HoursPerBucket, consumption.Zip(dumped, (c, d) => c + d).ToArray(), FigureStyle.Ink, 1.5f,
                "consumption + ballast (dumped)", LinePattern.Dashed);
        }
        axis.Apply(plot);
        plot.Axes.AutoScaleY();
        plot.Axes.SetLimitsY(0, plot.Axes.GetLimits().Top);
        FigureStyle.LegendBelow(plot);
        return plot;
    }
}
