using MicroMarket.Reporting.Input;
using MicroMarket.RunFormat;
using ScottPlot;

namespace MicroMarket.Reporting.Figures;

/// <summary>A battery's or EV's state in one slot: state of charge (0..1, null while an EV is away) and charging energy (kWh, negative = discharging).</summary>
public sealed record StorageRow(int Slot, string Unit, UnitKind Kind, double? StateOfCharge, double ChargingKwh);

/// <summary>
/// Storage at work: each battery's and EV's state of charge (left axis, %) and the EVs' total charging power
/// (right axis, kW, shaded; negative is vehicle-to-grid). An EV's line breaks while it is away. With more than
/// <see cref="MaxUnitLines"/> storage units the lines would be unreadable, so each kind's mean state of charge
/// is drawn with its min-max band instead.
/// </summary>
public static class StorageFigure
{
    public const string FileName = "storage.png";
    public const int MaxUnitLines = 8;

    public static IReadOnlyList<StorageRow> Rows(IEnumerable<UnitSlotRecord> units) => units
        .Where(u => u.Kind is UnitKind.Battery or UnitKind.Ev)
        .Select(u => new StorageRow(u.Slot, u.Unit, u.Kind, u.StateOfCharge, ((u.MeteredImportWh ?? 0) - (u.MeteredExportWh ?? 0)) / 1000))
        .ToList();

    public static Plot Draw(IReadOnlyList<StorageRow> rows, TimeAxis axis)
    {
        var mean = axis.Resolution == TimeResolution.Slot ? "" : $" ({axis.Adjective} mean)";
        var plot = FigureStyle.NewPlot($"Battery and EV state of charge, EV charging{mean}", axis.Label, "state of charge (%)");
        if (rows.Count == 0)
        {
            FigureStyle.EmptyNote(plot, "no battery or EV in this run");
            return plot;
        }
        var starts = axis.BucketStarts();
        var evCharging = Series.AveragePower(axis, rows.Where(r => r.Kind == UnitKind.Ev).Select(r => (r.Slot, (double?)r.ChargingKwh)));
        if (evCharging.Any(p => p != 0))
        {
            var (x, y) = Series.Steps(starts, axis.HoursPerBucket, evCharging);
            var band = plot.Add.FillY(x, new double[x.Length], y);
            band.FillColor = FigureStyle.OfKind(UnitKind.Ev).WithAlpha(0.25);
            band.LineWidth = 0;
            band.LegendText = "EV charging power (right axis)";
            band.Axes.YAxis = plot.Axes.Right;
            plot.Axes.Right.Label.Text = "EV charging power (kW)";
        }

        var units = rows.Select(r => (r.Unit, r.Kind)).Distinct().ToList();
        if (units.Count <= MaxUnitLines)
        {
            var palette = new ScottPlot.Palettes.Category10();
            for (var i = 0; i < units.Count; i++)
            {
                var (unit, kind) = units[i];
                var soc = Series.Mean(axis, rows.Where(r => r.Unit == unit).Select(r => (r.Slot, r.StateOfCharge * 100)));
                Series.AddStepLine(plot, starts, axis.HoursPerBucket, soc, palette.GetColor(i), 2.5f, $"{unit} ({FigureStyle.NameOfKind(kind)}) SoC",
                    kind == UnitKind.Ev ? LinePattern.Dashed : LinePattern.Solid);
            }
        }
        else
        {
            foreach (var kind in units.Select(u => u.Kind).Distinct())
            {
                var values = rows.Where(r => r.Kind == kind).Select(r => (r.Slot, r.StateOfCharge * 100)).ToList();
                var (x, low) = Series.Steps(starts, axis.HoursPerBucket, Series.Min(axis, values));
                var (_, high) = Series.Steps(starts, axis.HoursPerBucket, Series.Max(axis, values));
                foreach (var (from, to) in Series.Runs(low))
                {
                    var band = plot.Add.FillY(x[from..to], low[from..to], high[from..to]);
                    band.FillColor = FigureStyle.OfKind(kind).WithAlpha(0.2);
                    band.LineWidth = 0;
                }
                var count = units.Count(u => u.Kind == kind);
                Series.AddStepLine(plot, starts, axis.HoursPerBucket, Series.Mean(axis, values), FigureStyle.OfKind(kind), 2.5f,
                    $"{FigureStyle.NameOfKind(kind)} SoC: mean and min-max of {count} unit{(count == 1 ? "" : "s")}");
            }
        }
        axis.Apply(plot);
        plot.Axes.SetLimitsY(0, 105, plot.Axes.Left);
        if (evCharging.Any(p => p != 0))
        {
            plot.Axes.SetLimitsY(Math.Min(0, evCharging.Where(double.IsFinite).Min() * 1.1), Math.Max(1, evCharging.Where(double.IsFinite).Max() * 1.1), plot.Axes.Right);
        }
        FigureStyle.LegendBelow(plot);
        return plot;
    }
}
