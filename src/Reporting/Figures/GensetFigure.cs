using System.Globalization;
using MicroMarket.Reporting.Input;
using MicroMarket.RunFormat;
using ScottPlot;

namespace MicroMarket.Reporting.Figures;

/// <summary>The island genset in a delivered slot: its energy (kWh), commitment, and the spinning reserve required and held (kW).</summary>
public sealed record GensetRow(int Slot, double OutputKwh, GensetState State, double ReserveRequiredKw, double ReserveKw);

/// <summary>A genset start: planned by the controller, or an emergency start by the balance within the slot.</summary>
public sealed record GensetStart(int Slot, bool Emergency);

/// <summary>A grid-forming store's state of charge (0..1) in a slot.</summary>
public sealed record FormerSocRow(int Slot, string Unit, double StateOfCharge);

/// <summary>
/// The island genset at work: its output (average power per bucket), each start marked on the time axis (planned
/// and emergency starts apart), the spinning reserve held against the reserve required, and on the right axis the
/// state of charge of the storage that formed the grid while the genset was off. Drawn only for a run whose
/// slots record a genset state, i.e. an island with a genset.
/// </summary>
public static class GensetFigure
{
    public const string FileName = "genset.png";

    private static readonly Color Output = FigureStyle.OfKind(UnitKind.Slack);
    private static readonly Color ReserveHeld = FigureStyle.LongImbalance;
    private static readonly Color ReserveRequired = FigureStyle.Ink;

    public static IReadOnlyList<GensetRow> Rows(IEnumerable<SlotRecord> slots) => slots
        .Where(s => s.Physics?.Genset is not null)
        .Select(s => new GensetRow(s.Slot, s.Physics!.SourceKwh, s.Physics.Genset!.Value, s.Physics.ReserveRequiredKw, s.Physics.ReserveKw))
        .ToList();

    /// <summary>One per start: the state says start only in the slot the genset started in.</summary>
    public static IReadOnlyList<GensetStart> Starts(IEnumerable<GensetRow> rows) => rows
        .Where(r => r.State is GensetState.Start or GensetState.EmergencyStart)
        .Select(r => new GensetStart(r.Slot, r.State == GensetState.EmergencyStart))
        .ToList();

    /// <summary>The state of charge of every unit but the genset (the slack) that formed the grid in some slot, over the whole run.</summary>
    public static IReadOnlyList<FormerSocRow> FormerSoc(IEnumerable<SlotRecord> slots, IEnumerable<UnitSlotRecord> units)
    {
        var formers = slots.Select(s => s.Physics?.GridFormer).OfType<string>().Where(f => f.Length > 0).ToHashSet();
        return units
            .Where(u => u.Kind != UnitKind.Slack && formers.Contains(u.Unit) && u.StateOfCharge is not null)
            .Select(u => new FormerSocRow(u.Slot, u.Unit, u.StateOfCharge!.Value))
            .ToList();
    }

    public static Plot Draw(IReadOnlyList<GensetRow> rows, IReadOnlyList<FormerSocRow> soc, TimeAxis axis)
    {
        var starts = Starts(rows);
        var emergency = starts.Count(s => s.Emergency);
        var hours = rows.Count(r => r.State != GensetState.Off) * TimeAxis.HoursPerSlot;
        var plot = FigureStyle.NewPlot(
            $"Genset: {Count(starts.Count, "start")} ({emergency.ToString(CultureInfo.InvariantCulture)} emergency), {hours.ToString("0.##", CultureInfo.InvariantCulture)} h running",
            axis.Label, "power (kW)");
        var bucketStarts = axis.BucketStarts();
        var coarse = axis.Resolution != TimeResolution.Slot;

        var output = Series.Mean(axis, rows.Select(r => (r.Slot, (double?)(r.OutputKwh / TimeAxis.HoursPerSlot))));
        Series.AddStepLine(plot, bucketStarts, axis.HoursPerBucket, output, Output, 2.5f, coarse ? $"genset output ({axis.Adjective} mean)" : "genset output");
        // Over a bucket the reserve that matters is the thinnest held against the largest required.
        var (held, required) = coarse
            ? (Series.Min(axis, rows.Select(r => (r.Slot, (double?)r.ReserveKw))), Series.Max(axis, rows.Select(r => (r.Slot, (double?)r.ReserveRequiredKw))))
            : (Series.Mean(axis, rows.Select(r => (r.Slot, (double?)r.ReserveKw))), Series.Mean(axis, rows.Select(r => (r.Slot, (double?)r.ReserveRequiredKw))));
        var per = coarse ? $" (lowest per {axis.BucketName})" : "";
        Series.AddStepLine(plot, bucketStarts, axis.HoursPerBucket, held, ReserveHeld, 1.5f, $"spinning reserve held{per}");
        Series.AddStepLine(plot, bucketStarts, axis.HoursPerBucket, required, ReserveRequired, 1.5f,
            $"spinning reserve required{(coarse ? $" (highest per {axis.BucketName})" : "")}", LinePattern.Dashed);

        // Starts are events, marked at the start of their slot whatever the resolution.
        foreach (var (isEmergency, shape, color, legend) in new[]
        {
            (false, MarkerShape.FilledTriangleUp, Output, "planned start"),
            (true, MarkerShape.FilledDiamond, FigureStyle.Ink, "emergency start"),
        })
        {
            var at = starts.Where(s => s.Emergency == isEmergency).Select(s => s.Slot * TimeAxis.HoursPerSlot).ToArray();
            if (at.Length > 0)
            {
                var markers = plot.Add.Markers(at, new double[at.Length], shape, 11, color);
                markers.LegendText = legend;
            }
        }

        var palette = new ScottPlot.Palettes.Category10();
        var units = soc.Select(s => s.Unit).Distinct().ToList();
        for (var i = 0; i < units.Count; i++)
        {
            var values = Series.Mean(axis, soc.Where(s => s.Unit == units[i]).Select(s => (s.Slot, (double?)(s.StateOfCharge * 100))));
            foreach (var line in Series.AddStepLine(plot, bucketStarts, axis.HoursPerBucket, values, palette.GetColor(4 + i), 1.5f,
                $"{units[i]} state of charge, grid former (right axis)", LinePattern.Dotted))
            {
                line.Axes.YAxis = plot.Axes.Right;
            }
        }
        if (units.Count > 0)
        {
            plot.Axes.Right.Label.Text = "state of charge (%)";
            plot.Axes.SetLimitsY(0, 105, plot.Axes.Right);
        }

        axis.Apply(plot);
        var top = output.Concat(held).Concat(required).Where(double.IsFinite).DefaultIfEmpty(0).Max();
        plot.Axes.SetLimitsY(-0.04 * Math.Max(1, top), Math.Max(1, top) * 1.08, plot.Axes.Left);
        FigureStyle.LegendBelow(plot);
        return plot;
    }

    private static string Count(int n, string noun) => $"{n.ToString("N0", CultureInfo.InvariantCulture)} {noun}{(n == 1 ? "" : "s")}";
}
