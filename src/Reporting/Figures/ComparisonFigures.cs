using MicroMarket.RunFormat;
using MicroMarket.Reporting.Input;
using ScottPlot;

namespace MicroMarket.Reporting.Figures;

/// <summary>One run's prices for an overlay: its label and its per-slot prices.</summary>
public sealed record RunPrices(string Run, IReadOnlyList<SlotPriceRow> Prices);

/// <summary>One run's bills for an overlay: its label and its participants' bills.</summary>
public sealed record RunBills(string Run, IReadOnlyList<BillRow> Bills);

/// <summary>
/// The figures of a comparison of market designs: one stage's clearing price of every run on one time axis, and
/// every participant's net bill in every run with each run's baseline marked, so a design's effect on prices and on
/// who pays what can be read off one picture.
/// </summary>
public static class ComparisonFigures
{
    public static string PriceFileName(MarketStage stage) => stage == MarketStage.DayAhead ? "compare-day-ahead-price.png" : "compare-intraday-price.png";

    public const string BillFileName = "compare-bills.png";

    /// <summary>Every figure a comparison writes into figures/: what a later comparison in the same folder replaces.</summary>
    public static IReadOnlyList<string> FileNames { get; } = [PriceFileName(MarketStage.DayAhead), PriceFileName(MarketStage.Intraday), BillFileName];

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
}
