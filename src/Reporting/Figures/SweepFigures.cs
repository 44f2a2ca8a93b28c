using System.Globalization;
using MicroMarket.Experiments.Statistics;
using MicroMarket.Experiments.Sweep;
using MicroMarket.Reporting.Html;
using MicroMarket.Scenarios.Experiments;
using ScottPlot;

namespace MicroMarket.Reporting.Figures;

/// <summary>One level of one KPI as the sweep page draws it.</summary>
/// <param name="X">Its place on a numeric x axis (the value of the one override that varies), or null on a categorical one.</param>
/// <param name="Summary">Over the level's complete runs with a value (effects.csv's row); null when none has one.</param>
/// <param name="Runs">Each of those runs' values, in the experiment's order.</param>
public sealed record SweepPoint(ExperimentLevel Level, double? X, SampleSummary? Summary, IReadOnlyList<double> Runs);

/// <summary>One row of the forest plot: a non-baseline level's paired difference from the baseline in one KPI (null without pairs).</summary>
public sealed record SweepDifferenceRow(ExperimentLevel Level, PairedDifference? Difference);

/// <summary>
/// The figures of a sweep's page (docs/experiments.md, "The sweep page"): each KPI of interest against the levels, its
/// mean with a 95 % t interval and every run's value; and one forest plot of every level's paired difference from the
/// baseline, one panel per KPI (each in its own unit). A KPI without a value, or a level without complete runs, leaves
/// a gap: nothing here throws for want of data.
/// </summary>
public static class SweepFigures
{
    public const string DifferencesFileName = "sweep-differences.png";

    /// <summary>The file name prefix every sweep figure has: what a later page in the same folder replaces.</summary>
    public const string FilePrefix = "sweep-";

    public static string KpiFileName(string kpi) => $"{FilePrefix}kpi-{kpi.Replace('.', '-')}.png";

    private const int PanelRowPx = 46;
    private const int PanelFramePx = 96;
    private const int TitlePx = 40;
    private const int LegendPx = 48;
    private const int WrapChars = 34;

    /// <summary>The colour of a level, the same in every sweep figure (the comparison page's run palette).</summary>
    public static Color ColourOf(ExperimentLevel level) => ComparisonFigures.ColourOf(level.Index);

    /// <summary>
    /// The numeric x axis, when exactly one override varies across the levels and every level gives it a number: each
    /// level's value of it, with the override's path; null otherwise (the levels are then categories, named).
    /// </summary>
    public static (string Override, IReadOnlyList<double> Values)? NumericAxis(Experiment experiment)
    {
        var varying = Enumerable.Range(0, experiment.Overrides.Count)
            .Where(o => experiment.Levels.Select(l => l.Values[o]).Distinct(StringComparer.Ordinal).Count() > 1)
            .ToList();
        if (varying.Count != 1)
        {
            return null;
        }
        var values = new List<double>();
        foreach (var level in experiment.Levels)
        {
            if (level.Values[varying[0]] is not { } text
                || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                return null;
            }
            values.Add(value);
        }
        return (experiment.Overrides[varying[0]], values);
    }

    /// <summary>Every level of <paramref name="kpi"/>: its summary from <paramref name="effects"/> and its complete runs' values.</summary>
    public static IReadOnlyList<SweepPoint> Points(Experiment experiment, IReadOnlyList<SweepRow> rows, IReadOnlyList<SweepEffect> effects, string kpi)
    {
        var axis = NumericAxis(experiment);
        return [.. experiment.Levels.Select(level => new SweepPoint(
            level,
            axis?.Values[level.Index],
            effects.FirstOrDefault(e => e.Level.Index == level.Index && e.Kpi == kpi)?.Summary,
            [.. rows.Where(r => r.Run.Level == level.Index && r.Complete).Select(r => Value(r, kpi)).OfType<double>()]))];
    }

    /// <summary>A run's finite value of <paramref name="kpi"/>, or null.</summary>
    public static double? Value(SweepRow row, string kpi) =>
        row.Kpis is { } kpis && kpis.TryGetValue(kpi, out var value) && value is { } v && double.IsFinite(v) ? v : null;

    /// <summary>The rows of the forest plot for <paramref name="kpi"/>: every level but the baseline, in the experiment's order.</summary>
    public static IReadOnlyList<SweepDifferenceRow> Differences(Experiment experiment, IReadOnlyList<SweepEffect> effects, string kpi) =>
        [.. experiment.Levels.Where(l => l.Index != experiment.BaselineLevel).Select(level =>
            new SweepDifferenceRow(level, effects.FirstOrDefault(e => e.Level.Index == level.Index && e.Kpi == kpi)?.Difference))];

    /// <summary>A KPI's name and unit for an axis: the report's catalogue where it has the key (a ratio's unit is its fraction, as the tables hold it), else the key.</summary>
    public static string KpiLabel(string kpi) => KpiCatalog.All.FirstOrDefault(k => k.Key == kpi) is { } definition
        ? $"{definition.Name} ({(definition.Unit == "%" ? "fraction, 0-1" : definition.Unit)})"
        : kpi;

    /// <summary>The KPI's name without its unit, for titles.</summary>
    public static string KpiName(string kpi) => KpiCatalog.All.FirstOrDefault(k => k.Key == kpi)?.Name ?? kpi;

    /// <summary>The height of a KPI figure: room under the data for the wrapped level names of a categorical axis.</summary>
    public static int KpiHeightPx(Experiment experiment) => NumericAxis(experiment) is not null
        ? FigureStyle.HeightPx
        : FigureStyle.HeightPx + 16 * (experiment.Levels.Max(l => Wrap(TickName(experiment, l), CategoryChars(experiment.Levels.Count)).Split('\n').Length) - 1);

    /// <summary>One KPI against the levels: the mean with its 95 % t interval (a band on a numeric axis, error bars on a categorical one) and each run's value as a faint dot.</summary>
    public static Plot DrawKpi(Experiment experiment, string kpi, IReadOnlyList<SweepPoint> points)
    {
        var axis = NumericAxis(experiment);
        var plot = FigureStyle.NewPlot(
            axis is { } a ? $"{KpiName(kpi)} by {a.Override}" : $"{KpiName(kpi)} by level",
            axis is { } b ? b.Override : "level", KpiLabel(kpi));
        if (points.All(p => p.Summary is null && p.Runs.Count == 0))
        {
            FigureStyle.EmptyNote(plot, "no complete run has a value of this KPI");
            return plot;
        }
        if (axis is not null)
        {
            DrawNumeric(plot, experiment, points);
        }
        else
        {
            DrawCategorical(plot, experiment, points);
        }
        FigureStyle.LegendBelow(plot);
        return plot;
    }

    private static void DrawNumeric(Plot plot, Experiment experiment, IReadOnlyList<SweepPoint> points)
    {
        var colour = ComparisonFigures.ColourOf(0);
        var sorted = points.OrderBy(p => p.X).ThenBy(p => p.Level.Index).ToList();
        var xs = sorted.Select(p => p.X!.Value).ToArray();
        var lows = sorted.Select(p => p.Summary?.Low ?? double.NaN).ToArray();
        var highs = sorted.Select(p => p.Summary?.High ?? double.NaN).ToArray();
        var means = sorted.Select(p => p.Summary?.Mean ?? double.NaN).ToArray();

        var bandLegend = "95 % t interval of the mean";
        foreach (var (from, to) in Series.Runs(lows))
        {
            if (to - from == 1)
            {
                // A level between gaps has no band to draw: its interval is an error bar.
                var bar = plot.Add.ErrorBar([xs[from]], [means[from]], [highs[from] - means[from]]);
                bar.Color = colour.WithAlpha(0.6);
                bar.LineWidth = 2;
                continue;
            }
            var band = plot.Add.FillY(xs[from..to], lows[from..to], highs[from..to]);
            band.FillColor = colour.WithAlpha(0.2);
            band.LineWidth = 0;
            band.LegendText = bandLegend;
            bandLegend = "";
        }
        var dots = sorted.SelectMany(p => p.Runs.Select(v => new Coordinates(p.X!.Value, v))).ToList();
        if (dots.Count > 0)
        {
            plot.Add.Markers(dots, MarkerShape.FilledCircle, 6, colour.WithAlpha(0.3)).LegendText = "each complete run";
        }
        var meanLegend = "mean of the level";
        foreach (var (from, to) in Series.Runs(means))
        {
            var line = plot.Add.Scatter(xs[from..to], means[from..to], colour);
            line.LineWidth = 2.5f;
            line.MarkerSize = 8;
            line.LegendText = meanLegend;
            meanLegend = "";
        }
        var baseline = points[experiment.BaselineLevel];
        if (baseline.Summary is { } b)
        {
            plot.Add.Markers(new[] { new Coordinates(baseline.X!.Value, b.Mean) }, MarkerShape.OpenCircle, 16, FigureStyle.Ink).LegendText = $"baseline ({experiment.Levels[experiment.BaselineLevel].Name})";
        }
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (var x in xs.Distinct())
        {
            ticks.AddMajor(x, x.ToString("G6", CultureInfo.InvariantCulture));
        }
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.AutoScale();
        plot.Axes.Margins(0.06, 0.1);
    }

    private static void DrawCategorical(Plot plot, Experiment experiment, IReadOnlyList<SweepPoint> points)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        var chars = CategoryChars(points.Count);
        var dotsShown = false;
        var meanShown = false;
        var intervalShown = false;
        foreach (var point in points)
        {
            var i = point.Level.Index;
            var colour = ColourOf(point.Level);
            var label = Wrap(TickName(experiment, point.Level), chars);
            ticks.AddMajor(i, point.Summary is null ? $"{label}\n(no data)" : label);
            if (point.Runs.Count > 0)
            {
                // Spread the dots a little sideways (the same way every time), so equal values stay countable.
                var dots = point.Runs.Select((v, k) => new Coordinates(i - 0.12 + 0.24 * ((k * 7 % 11) / 10.0), v)).ToList();
                plot.Add.Markers(dots, MarkerShape.FilledCircle, 6, colour.WithAlpha(0.3));
                dotsShown = true;
            }
            if (point.Summary is not { } s)
            {
                continue;
            }
            if (double.IsFinite(s.Low) && double.IsFinite(s.High))
            {
                var bar = plot.Add.ErrorBar([i + 0.0], [s.Mean], [s.High - s.Mean]);
                bar.Color = colour;
                bar.LineWidth = 2.5f;
                bar.CapSize = 14;
                intervalShown = true;
            }
            plot.Add.Markers(new[] { new Coordinates(i, s.Mean) }, i == experiment.BaselineLevel ? MarkerShape.OpenSquare : MarkerShape.FilledSquare, 11, colour);
            meanShown = true;
        }
        if (dotsShown)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = "each complete run", MarkerShape = MarkerShape.FilledCircle, MarkerSize = 7, MarkerColor = FigureStyle.Muted.WithAlpha(0.5), LineWidth = 0 });
        }
        if (meanShown)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = "mean of the level (open: baseline)", MarkerShape = MarkerShape.FilledSquare, MarkerSize = 10, MarkerColor = FigureStyle.Ink, LineWidth = 0 });
        }
        if (intervalShown)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = "95 % t interval of the mean", LineColor = FigureStyle.Ink, LineWidth = 2.5f });
        }
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.AutoScaleY();
        plot.Axes.Margins(vertical: 0.1);
        plot.Axes.SetLimitsX(-0.6, points.Count - 0.4);
    }

    /// <summary>
    /// The forest plot: a panel per KPI, a row per level but the baseline, its paired mean difference (diamond) with the
    /// 95 % paired t interval (thick) and the 95 % bootstrap interval (thin, dashed) below it, and a line at no
    /// difference. Returns the PNG and the title.
    /// </summary>
    public static (string Title, byte[] Png, int HeightPx) DrawDifferences(Experiment experiment, IReadOnlyList<SweepEffect> effects)
    {
        var baseline = experiment.Levels[experiment.BaselineLevel].Name;
        var title = $"Paired difference from the baseline ({baseline}), per KPI";
        var others = experiment.Levels.Count - 1;
        var labelWidth = Math.Min(WrapChars, experiment.Levels.Where(l => l.Index != experiment.BaselineLevel).Select(l => l.Name.Length).DefaultIfEmpty(8).Max());
        var lines = experiment.Levels.Where(l => l.Index != experiment.BaselineLevel).Select(l => Wrap(l.Name, WrapChars).Split('\n').Length).DefaultIfEmpty(1).Max();
        var rowPx = Math.Max(PanelRowPx, 18 * lines + 10);
        var panels = new List<Plot>();
        var heights = new List<float>();
        for (var k = 0; k < experiment.Kpis.Count; k++)
        {
            var kpi = experiment.Kpis[k];
            var first = k == 0;
            var last = k == experiment.Kpis.Count - 1;
            var plot = FigureStyle.NewPlot(first ? title : "", $"{KpiLabel(kpi)}: level - baseline", "");
            DrawPanel(plot, Differences(experiment, effects, kpi), last);
            // The same room for the level names in every panel, so the panels' data areas line up.
            plot.Axes.Left.MinimumSize = 24 + 8.2f * labelWidth;
            panels.Add(plot);
            heights.Add(PanelFramePx + rowPx * Math.Max(others, 1) + (first ? TitlePx : 0) + (last ? LegendPx : 0));
        }
        if (panels.Count == 0)
        {
            var empty = FigureStyle.NewPlot(title, "level - baseline", "");
            FigureStyle.EmptyNote(empty, "the experiment names no KPI");
            return (title, empty.GetImageBytes(FigureStyle.WidthPx, FigureStyle.HeightPx, ImageFormat.Png), FigureStyle.HeightPx);
        }
        var multiplot = new Multiplot(panels[0]);
        foreach (var panel in panels.Skip(1))
        {
            multiplot.AddPlot(panel);
        }
        var layout = new ScottPlot.MultiplotLayouts.DraggableRows();
        layout.SetHeights(heights);
        multiplot.Layout = layout;
        var height = (int)heights.Sum();
        using var image = multiplot.Render(FigureStyle.WidthPx, height);
        return (title, image.GetImageBytes(ImageFormat.Png, 100), height);
    }

    private static void DrawPanel(Plot plot, IReadOnlyList<SweepDifferenceRow> rows, bool legend)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        var xs = new List<double> { 0 };
        for (var r = 0; r < rows.Count; r++)
        {
            var d = rows[r].Difference;
            var y = rows.Count - 1 - r;
            ticks.AddMajor(y, Wrap(rows[r].Level.Name, WrapChars));
            if (d is null)
            {
                continue;
            }
            xs.AddRange(new[] { d.MeanDifference, d.Low, d.High, d.BootstrapLow, d.BootstrapHigh }.Where(double.IsFinite));
        }
        var (min, max) = (xs.Min(), xs.Max());
        var pad = max > min ? (max - min) * 0.08 : Math.Max(Math.Abs(max), 1) * 0.1;
        plot.Add.VerticalLine(0, 1.5f, FigureStyle.Ink);
        for (var r = 0; r < rows.Count; r++)
        {
            var d = rows[r].Difference;
            var y = rows.Count - 1 - r;
            var colour = ColourOf(rows[r].Level);
            if (d is null || !double.IsFinite(d.MeanDifference))
            {
                Note(plot, "no pairs", min - pad, y);
                continue;
            }
            if (double.IsFinite(d.Low) && double.IsFinite(d.High))
            {
                Segment(plot, d.Low, d.High, y + 0.1, colour, 6, LinePattern.Solid);
            }
            if (double.IsFinite(d.BootstrapLow) && double.IsFinite(d.BootstrapHigh))
            {
                Segment(plot, d.BootstrapLow, d.BootstrapHigh, y - 0.2, colour, 2, LinePattern.Dashed);
            }
            plot.Add.Markers(new[] { new Coordinates(d.MeanDifference, y + 0.1) }, MarkerShape.FilledDiamond, 13, FigureStyle.Ink);
            if (d.N < 2)
            {
                Note(plot, "one pair: no interval", d.MeanDifference, y - 0.3);
            }
        }
        plot.Axes.Left.TickGenerator = ticks;
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.SetLimits(min - pad, max + pad, -0.6, Math.Max(rows.Count, 1) - 0.4);
        if (legend)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = "mean difference", MarkerShape = MarkerShape.FilledDiamond, MarkerSize = 12, MarkerColor = FigureStyle.Ink, LineWidth = 0 });
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = "95 % paired t interval", LineColor = FigureStyle.Muted, LineWidth = 6 });
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = "95 % percentile-bootstrap interval", LineColor = FigureStyle.Muted, LineWidth = 2, LinePattern = LinePattern.Dashed });
            FigureStyle.LegendBelow(plot);
        }
    }

    private static void Segment(Plot plot, double from, double to, double y, Color colour, float width, LinePattern pattern)
    {
        var line = plot.Add.Line(from, y, to, y);
        line.LineColor = colour;
        line.LineWidth = width;
        line.LinePattern = pattern;
        line.MarkerSize = 0;
    }

    private static void Note(Plot plot, string text, double x, double y)
    {
        var note = plot.Add.Text(text, x, y);
        note.LabelFontSize = 13;
        note.LabelFontColor = FigureStyle.Muted;
        note.LabelAlignment = Alignment.MiddleLeft;
        note.OffsetX = 6;
    }

    /// <summary>A categorical tick's name: the level's name, the baseline marked.</summary>
    private static string TickName(Experiment experiment, ExperimentLevel level) =>
        level.Index == experiment.BaselineLevel ? $"{level.Name} (baseline)" : level.Name;

    /// <summary>How many characters of a level's name fit on a line under its category (13 px text, about 8 px a character).</summary>
    private static int CategoryChars(int levels) => Math.Clamp((FigureStyle.WidthPx - 140) / Math.Max(levels, 1) / 8, 8, 60);

    /// <summary>Breaks a level's name into lines of at most <paramref name="width"/> characters, after its '_' (between fields) or ' ' where it can.</summary>
    public static string Wrap(string name, int width)
    {
        var lines = new List<string>();
        var rest = name;
        while (rest.Length > width)
        {
            var cut = rest.LastIndexOfAny(['_', ' '], width - 1);
            cut = cut <= 0 ? width : cut + 1;
            lines.Add(rest[..cut].TrimEnd());
            rest = rest[cut..];
        }
        lines.Add(rest);
        return string.Join("\n", lines);
    }
}
