using MicroMarket.RunFormat;
using MicroMarket.Reporting.Input;
using ScottPlot;

namespace MicroMarket.Reporting.Figures;

/// <summary>One run's prices for an overlay: its label and its per-slot prices.</summary>
public sealed record RunPrices(string Run, IReadOnlyList<SlotPriceRow> Prices);

/// <summary>One run's bills for an overlay: its label and its participants' bills.</summary>
public sealed record RunBills(string Run, IReadOnlyList<BillRow> Bills);

/// <summary>
/// One run's operation for the storage and dispatch overlays, as the single-run report computes it: its label, its
/// batteries' and EVs' slot rows (<see cref="StorageFigure.Rows"/>), its metered flows per unit kind
/// (<see cref="DispatchFigure.Rows"/>), the balance's energies per delivered slot (<see cref="DispatchFigure.Balance"/>)
/// and whether its slack is a genset (its slots record a genset state, <see cref="GensetFigure.Rows"/>).
/// </summary>
public sealed record RunOperation(string Run, IReadOnlyList<StorageRow> Storage, IReadOnlyList<KindFlowRow> Flows, IReadOnlyList<BalanceRow> Balance, bool SlackIsGenset)
{
    public static RunOperation Of(string run, RunData data) => new(run, StorageFigure.Rows(data.UnitSlots), DispatchFigure.Rows(data.UnitSlots),
        DispatchFigure.Balance(data.Slots, data.Participants), GensetFigure.Rows(data.Slots).Count > 0);
}

/// <summary>
/// The figures of a comparison of market designs: one stage's clearing price of every run on one time axis, every
/// participant's net bill in every run with each run's baseline marked, the storage's mean state of charge of every
/// run, and every run's supply from outside the feeder against its storage's net charging, so a design's effect on
/// prices, on who pays what and on how the feeder was run can be read off one picture.
/// </summary>
public static class ComparisonFigures
{
    public static string PriceFileName(MarketStage stage) => stage == MarketStage.DayAhead ? "compare-day-ahead-price.png" : "compare-intraday-price.png";

    public const string BillFileName = "compare-bills.png";

    public const string StorageFileName = "compare-storage.png";

    public const string DispatchFileName = "compare-dispatch.png";

    /// <summary>Every figure a comparison writes into figures/: what a later comparison in the same folder replaces.</summary>
    public static IReadOnlyList<string> FileNames { get; } =
        [PriceFileName(MarketStage.DayAhead), PriceFileName(MarketStage.Intraday), BillFileName, StorageFileName, DispatchFileName];

    private static readonly ScottPlot.Palettes.Category10 RunColours = new();

    public static Color ColourOf(int run) => RunColours.GetColor(run);

    public static Plot DrawPrices(IReadOnlyList<RunPrices> runs, MarketStage stage, TimeAxis axis)
    {
        var mean = axis.Resolution == TimeResolution.Slot ? "" : $" ({axis.Adjective} mean)";
        var plot = FigureStyle.NewPlot($"{(stage == MarketStage.DayAhead ? "Day-ahead" : "Intra-day")} clearing price by run{mean}", axis.Label, "price (tokens/kWh)");
        var starts = axis.BucketStarts();
        for (var i = 0; i < runs.Count; i++)
        {
            var values = runs[i].Prices.Select(r => (r.Slot, stage == MarketStage.DayAhead ? r.DayAhead : r.Intraday));
            // Wider lines underneath, so a later run equal to an earlier one does not hide it.
            Series.AddStepLine(plot, starts, axis.HoursPerBucket, Series.Mean(axis, values), ColourOf(i), 2f + 2.5f * (runs.Count - 1 - i), runs[i].Run);
        }
        axis.Apply(plot);
        plot.Axes.AutoScaleY();
        FigureStyle.LegendBelow(plot);
        return plot;
    }

    public static int BillHeightPx(IReadOnlyList<RunBills> runs)
    {
        var participants = runs.SelectMany(r => r.Bills.Select(b => b.Unit)).Distinct().Count();
        return Math.Max(FigureStyle.HeightPx, 200 + participants * (16 * runs.Count + 14));
    }

    public static Plot DrawBills(IReadOnlyList<RunBills> runs)
    {
        var plot = FigureStyle.NewPlot("Net bill per participant by run (diamonds: that run's no-market baseline)", "tokens over the run (positive = pays, negative = earns)", "");
        var units = runs.SelectMany(r => r.Bills.Select(b => (b.Unit, b.Kind))).Distinct().ToList();
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        var barSize = 0.8 / runs.Count;
        for (var u = 0; u < units.Count; u++)
        {
            var centre = units.Count - 1 - u;
            ticks.AddMajor(centre, $"{units[u].Unit} ({FigureStyle.NameOfKind(units[u].Kind)})");
        }
        var baselines = new List<Coordinates>();
        for (var r = 0; r < runs.Count; r++)
        {
            var bars = new List<Bar>();
            for (var u = 0; u < units.Count; u++)
            {
                if (runs[r].Bills.FirstOrDefault(b => b.Unit == units[u].Unit) is not { } bill)
                {
                    continue;
                }
                // Runs top to bottom within a participant's group, in the order the runs were given.
                var position = units.Count - 1 - u + 0.4 - barSize * (r + 0.5);
                bars.Add(new Bar { Position = position, Value = bill.NetBill, Size = barSize * 0.9, FillColor = ColourOf(r), LineWidth = 0, Orientation = Orientation.Horizontal });
                baselines.Add(new Coordinates(bill.Baseline, position));
            }
            plot.Add.Bars(bars).LegendText = runs[r].Run;
        }
        // Added after the bars so the diamonds sit on top and the legend lists the runs first.
        if (baselines.Count > 0)
        {
            plot.Add.Markers(baselines, MarkerShape.FilledDiamond, 9, FigureStyle.Ink).LegendText = "no-market baseline";
        }
        plot.Axes.Left.TickGenerator = ticks;
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.AutoScale();
        plot.Axes.Margins(0.08, 0.03);
        plot.Add.VerticalLine(0, 1, FigureStyle.Ink);
        FigureStyle.LegendBelow(plot);
        return plot;
    }

    /// <summary>
    /// Every run's mean state of charge on one axis, one colour per run: the mean over its batteries (solid) and, if it
    /// has any, over its EVs while they are plugged in (dashed), per bucket of the axis over the slots the run delivered.
    /// </summary>
    public static Plot DrawStorage(IReadOnlyList<RunOperation> runs, TimeAxis axis)
    {
        var plot = FigureStyle.NewPlot($"Mean battery and EV state of charge by run{MeanOf(axis)}", axis.Label, "mean state of charge (%)");
        if (runs.All(r => r.Storage.Count == 0))
        {
            FigureStyle.EmptyNote(plot, "no battery or EV in any run");
            return plot;
        }
        var starts = axis.BucketStarts();
        for (var i = 0; i < runs.Count; i++)
        {
            foreach (var (kind, pattern, name) in new[] { (UnitKind.Battery, LinePattern.Solid, "batteries"), (UnitKind.Ev, LinePattern.Dashed, "EVs (dashed)") })
            {
                var soc = MeanStateOfCharge(runs[i], kind, axis);
                if (soc.Any(double.IsFinite))
                {
                    Series.AddStepLine(plot, starts, axis.HoursPerBucket, soc, ColourOf(i), Width(i, runs.Count), $"{runs[i].Run}: {name}", pattern);
                }
            }
        }
        axis.Apply(plot);
        plot.Axes.SetLimitsY(0, 105);
        FigureStyle.LegendBelow(plot);
        return plot;
    }

    /// <summary>
    /// Every run's supply from outside the feeder (solid) and its storage's net charging (dashed) on one axis, one colour
    /// per run, as average power over the slots it delivered. Positive storage power charges, negative discharges.
    /// </summary>
    public static Plot DrawDispatch(IReadOnlyList<RunOperation> runs, TimeAxis axis)
    {
        var plot = FigureStyle.NewPlot($"Supply from outside the feeder and storage charging by run{MeanOf(axis)}", axis.Label, "average power (kW)");
        var starts = axis.BucketStarts();
        var drawn = new List<double>();
        for (var i = 0; i < runs.Count; i++)
        {
            var external = ExternalSupplyKw(runs[i], axis);
            Series.AddStepLine(plot, starts, axis.HoursPerBucket, external, ColourOf(i), Width(i, runs.Count), $"{runs[i].Run}: external supply");
            drawn.AddRange(external);
            if (runs[i].Storage.Count > 0)
            {
                var charging = StorageChargingKw(runs[i], axis);
                Series.AddStepLine(plot, starts, axis.HoursPerBucket, charging, ColourOf(i), Width(i, runs.Count), $"{runs[i].Run}: storage charging (dashed)", LinePattern.Dashed);
                drawn.AddRange(charging);
            }
        }
        var finite = drawn.Where(double.IsFinite).DefaultIfEmpty(0).ToList();
        var (low, high) = (Math.Min(0, finite.Min()), Math.Max(1e-3, finite.Max()));
        if (low < 0)
        {
            plot.Add.HorizontalLine(0, 1, FigureStyle.Muted);
        }
        axis.Apply(plot);
        plot.Axes.SetLimitsY(low - 0.05 * (high - low), high + 0.05 * (high - low));
        FigureStyle.LegendBelow(plot);
        return plot;
    }

    /// <summary>
    /// The run's supply from outside the feeder per bucket, kW over the hours it delivered in the bucket (NaN where it
    /// delivered none): the upstream grid's metered export into the feeder, or the genset's less the ballast it fed,
    /// as the external supply KPI counts it (a battery slack is storage, inside the feeder).
    /// </summary>
    internal static double[] ExternalSupplyKw(RunOperation run, TimeAxis axis)
    {
        var outside = run.Flows
            .Where(f => f.Kind == UnitKind.Grid || (f.Kind == UnitKind.Slack && run.SlackIsGenset))
            .Select(f => (f.Slot, (double?)f.ExportKwh))
            .Concat(run.Balance.Select(b => (b.Slot, (double?)-b.BallastKwh)));
        return PowerOverDelivered(run, axis, outside);
    }

    /// <summary>The run's batteries' and EVs' net charging per bucket (import - export), kW over the hours it delivered in the bucket (NaN where it delivered none).</summary>
    internal static double[] StorageChargingKw(RunOperation run, TimeAxis axis) =>
        PowerOverDelivered(run, axis, run.Storage.Select(r => (r.Slot, (double?)r.ChargingKwh)));

    private static double[] MeanStateOfCharge(RunOperation run, UnitKind kind, TimeAxis axis)
    {
        var delivered = run.Balance.Select(b => b.Slot).ToHashSet();
        return Series.Mean(axis, run.Storage.Where(r => r.Kind == kind && delivered.Contains(r.Slot)).Select(r => (r.Slot, r.StateOfCharge * 100)));
    }

    /// <summary>
    /// Slot energies (kWh) as average power per bucket over the hours the run delivered in it: on the longest run's axis a
    /// shorter or stopped run neither drops to zero after its end nor is diluted in a bucket it only began.
    /// </summary>
    private static double[] PowerOverDelivered(RunOperation run, TimeAxis axis, IEnumerable<(int Slot, double? Kwh)> energies)
    {
        var slots = Series.Sum(axis, run.Balance.Select(b => (b.Slot, (double?)1)));
        return Series.Sum(axis, energies).Select((kwh, bucket) => slots[bucket] > 0 ? kwh / (slots[bucket] * TimeAxis.HoursPerSlot) : double.NaN).ToArray();
    }

    private static string MeanOf(TimeAxis axis) => axis.Resolution == TimeResolution.Slot ? "" : $" ({axis.Adjective} mean)";

    /// <summary>Wider lines underneath, so a later run equal to an earlier one does not hide it.</summary>
    private static float Width(int run, int runs) => 2f + 2f * (runs - 1 - run);
}
