using System.Globalization;
using System.Text;
using MicroMarket.Experiments.Sweep;
using MicroMarket.Reporting.Figures;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Experiments;
using ScottPlot;
using static MicroMarket.Reporting.Html.HtmlPage;

namespace MicroMarket.Reporting.Html;

/// <summary>
/// A sweep's page, DIR/sweep.html (docs/experiments.md, "The sweep page"): its levels, one figure per KPI of interest
/// against the levels (mean, 95 % t interval, every run), a forest plot of the paired differences from the baseline,
/// the effects table (effects.csv's numbers) and a row per run linking its report and, for a run that is not complete,
/// its log. The figures are also written to DIR/figures/sweep-*.png. Like the run report, one self-contained file with
/// relative links only, and the same bytes for the same sweep.
/// </summary>
public static class SweepWriter
{
    public const string FileName = "sweep.html";

    /// <summary>Draws the figures and writes the page from the sweep's tables (<see cref="SweepTables"/>) and its folder.</summary>
    public static ReportOutput Write(Experiment experiment, IReadOnlyList<SweepRow> rows, IReadOnlyList<SweepEffect> effects, SweepDirectory directory)
    {
        var figures = Render(experiment, rows, effects);
        var folder = Path.Combine(directory.Root, RunDirectory.Figures);
        if (Directory.Exists(folder))
        {
            // An earlier page's figures (a KPI the experiment no longer names) would otherwise outlive it.
            foreach (var stale in Directory.GetFiles(folder, $"{SweepFigures.FilePrefix}*.png"))
            {
                File.Delete(stale);
            }
        }
        var figurePaths = FigureSet.Write(figures, directory.Root);
        var path = directory.PathOf(FileName);
        File.WriteAllText(path, Page(experiment, rows, effects, figures, directory), new UTF8Encoding(false));
        return new ReportOutput(path, [], figurePaths);
    }

    /// <summary>Every figure of the page, in page order: a KPI of interest each, then the forest plot.</summary>
    public static IReadOnlyList<Figure> Render(Experiment experiment, IReadOnlyList<SweepRow> rows, IReadOnlyList<SweepEffect> effects)
    {
        var numeric = SweepFigures.NumericAxis(experiment) is not null;
        var kpiHeight = SweepFigures.KpiHeightPx(experiment);
        var figures = new Figure[experiment.Kpis.Count + 1];
        Parallel.For(0, figures.Length, i =>
        {
            if (i == experiment.Kpis.Count)
            {
                var (title, png, _) = SweepFigures.DrawDifferences(experiment, effects);
                figures[i] = new Figure(SweepFigures.DifferencesFileName, title,
                    "For every KPI of interest (one panel each, in the KPI's own unit) and every level but the baseline: the mean over common seeds of the "
                    + "paired difference level - baseline (diamond), its 95 % paired t interval (thick line) and its 95 % percentile-bootstrap interval "
                    + "(thin dashed line below it); the vertical line is no difference. A level without pairs says so; one pair has no interval.", png);
                return;
            }
            var kpi = experiment.Kpis[i];
            var plot = SweepFigures.DrawKpi(experiment, kpi, SweepFigures.Points(experiment, rows, effects, kpi));
            var caption = numeric
                ? "The level's mean over its complete runs (line), its 95 % Student-t interval (band; an error bar where a level stands between gaps) and each complete run's value (faint dots), at the value of the one override that varies. A level without complete runs leaves a gap; one with a single run has no interval."
                : "The level's mean over its complete runs (square; open for the baseline) with its 95 % Student-t interval (error bars), and each complete run's value (faint dots, spread sideways), levels in the experiment's order. A level without complete runs says \"no data\"; one with a single run has no interval.";
            figures[i] = new Figure(SweepFigures.KpiFileName(kpi), plot.Axes.Title.Label.Text, caption, plot.GetImageBytes(FigureStyle.WidthPx, kpiHeight, ImageFormat.Png));
        });
        return figures;
    }

    /// <summary>
    /// A statistic as the page prints it: five significant digits in fixed notation (exponent notation below 1e-4),
    /// invariant culture; <see cref="KpiFormat.NotApplicable"/> where there is none (null, or NaN: an interval of one value).
    /// </summary>
    public static string Number(double? value)
    {
        if (value is not { } v || !double.IsFinite(v))
        {
            return KpiFormat.NotApplicable;
        }
        if (v == 0)
        {
            return "0";
        }
        if (Math.Abs(v) < 1e-4)
        {
            return v.ToString("0.####E+0", CultureInfo.InvariantCulture);
        }
        var decimals = Math.Clamp(4 - (int)Math.Floor(Math.Log10(Math.Abs(v))), 0, 10);
        return v.ToString($"F{decimals}", CultureInfo.InvariantCulture);
    }

    /// <summary>A difference, with its sign.</summary>
    public static string Signed(double? value) => value is { } v && double.IsFinite(v) && v > 0 ? "+" + Number(v) : Number(value);

    /// <summary>An interval as <c>[low, high]</c>; <see cref="KpiFormat.NotApplicable"/> without one.</summary>
    public static string Interval(double? low, double? high) =>
        low is { } l && high is { } h && double.IsFinite(l) && double.IsFinite(h) ? $"[{Number(l)}, {Number(h)}]" : KpiFormat.NotApplicable;

    /// <summary>The HTML id of a KPI's rows: dots become dashes, as in the run report (<c>day_ahead_price-mean</c>).</summary>
    public static string KpiId(string kpi) => kpi.Replace('.', '-');

    private static string Page(Experiment experiment, IReadOnlyList<SweepRow> rows, IReadOnlyList<SweepEffect> effects, IReadOnlyList<Figure> figures, SweepDirectory directory)
    {
        var complete = rows.Count(r => r.Complete);
        var baseline = experiment.Levels[experiment.BaselineLevel];
        var html = Begin($"MicroMarket sweep: {experiment.Name}");
        html.Append($"<h1>MicroMarket sweep: {E(experiment.Name)}</h1>\n");
        html.Append($"<p class=\"subtitle\">{E(Path.GetFileName(experiment.SourcePath))} over {E(Path.GetFileName(experiment.ScenarioPath))}: "
            + $"{experiment.Levels.Count} level(s) x {(experiment.Levels.Count == 0 ? 0 : experiment.Runs.Count / experiment.Levels.Count)} seed combination(s); "
            + $"<span id=\"runs-complete\" class=\"{(complete == rows.Count ? "ok" : "bad")}\">{complete}/{rows.Count} runs complete</span>; "
            + $"baseline {E(baseline.Name)}</p>\n");

        AppendLevels(html, experiment, rows);
        html.Append("<h2 id=\"figures\">Figures</h2>\n");
        foreach (var figure in figures)
        {
            AppendFigure(html, figure, FigureStyle.WidthPx);
        }
        AppendEffects(html, experiment, effects);
        AppendRuns(html, experiment, rows, directory);
        return End(html, $"Written by MicroMarket.Reporting from the sweep's runs ({E(SweepDirectory.Results)}, {E(SweepDirectory.Effects)}); "
            + "docs/experiments.md defines the statistics, docs/kpis.md the KPIs.");
    }

    private static void AppendLevels(StringBuilder html, Experiment experiment, IReadOnlyList<SweepRow> rows)
    {
        html.Append("<h2 id=\"levels\">Levels</h2>\n<table id=\"level-table\">\n<thead><tr><th>#</th><th>level</th>");
        foreach (var field in experiment.Overrides)
        {
            html.Append($"<th>{E(field)}</th>");
        }
        html.Append("<th>runs complete</th></tr></thead>\n<tbody>\n");
        foreach (var level in experiment.Levels)
        {
            var runs = rows.Where(r => r.Run.Level == level.Index).ToList();
            var done = runs.Count(r => r.Complete);
            html.Append($"<tr id=\"level-{level.Index}\"><td class=\"value\">{level.Index}</td><td>{E(level.Name)}{(level.Index == experiment.BaselineLevel ? " <strong>(baseline)</strong>" : "")}</td>");
            foreach (var value in level.Values)
            {
                html.Append(value is null ? "<td class=\"definition\">scenario's</td>" : $"<td>{E(value)}</td>");
            }
            html.Append($"<td class=\"value {(done == runs.Count ? "" : "bad")}\">{done}/{runs.Count}</td></tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
    }

    private static void AppendEffects(StringBuilder html, Experiment experiment, IReadOnlyList<SweepEffect> effects)
    {
        html.Append($"<h2 id=\"effects\">Effects ({E(SweepDirectory.Effects)})</h2>\n");
        html.Append("<p>Per KPI and level, over the level's complete runs with a value: n, mean, standard deviation and the 95 % Student-t interval of the mean; "
            + $"then the paired difference from the baseline over the seeds both have (pairs): its mean, 95 % paired t interval, two-sided paired t p-value and 95 % "
            + "percentile-bootstrap interval. Ratios are fractions (0-1), as in the tables.</p>\n");
        html.Append($"<div {Scroll}>\n<table id=\"effects-table\" {Compact}>\n<thead><tr><th>level</th><th>n</th><th>mean</th><th>sd</th><th>95 % CI</th>"
            + "<th>pairs</th><th>vs baseline</th><th>95 % CI (paired t)</th><th>p</th><th>95 % CI (bootstrap)</th></tr></thead>\n<tbody>\n");
        foreach (var kpi in experiment.Kpis)
        {
            html.Append($"<tr class=\"group\" id=\"effects-{E(KpiId(kpi))}\"><th colspan=\"10\">{E(SweepFigures.KpiLabel(kpi))} <span class=\"file\">({E(kpi)})</span></th></tr>\n");
            foreach (var e in effects.Where(e => e.Kpi == kpi))
            {
                var s = e.Summary;
                var d = e.Difference;
                var isBaseline = e.Level.Index == experiment.BaselineLevel;
                html.Append($"<tr id=\"effect-{E(KpiId(kpi))}-{e.Level.Index}\"><td>{E(e.Level.Name)}</td>");
                Cell(html, "n", (s?.N ?? 0).ToString(CultureInfo.InvariantCulture));
                Cell(html, "mean", Number(s?.Mean));
                Cell(html, "sd", Number(s?.StandardDeviation));
                Cell(html, "ci", Interval(s?.Low, s?.High));
                if (isBaseline)
                {
                    html.Append("<td class=\"value pairs\"></td><td class=\"value diff\">(baseline)</td><td class=\"value diff-ci\"></td><td class=\"value p\"></td><td class=\"value bootstrap-ci\"></td>");
                }
                else
                {
                    Cell(html, "pairs", (d?.N ?? 0).ToString(CultureInfo.InvariantCulture));
                    Cell(html, "diff", d is null ? "no pairs" : Signed(d.MeanDifference));
                    Cell(html, "diff-ci", Interval(d?.Low, d?.High));
                    Cell(html, "p", d is null || double.IsNaN(d.PValue) ? KpiFormat.NotApplicable : d.PValue.ToString("G4", CultureInfo.InvariantCulture));
                    Cell(html, "bootstrap-ci", Interval(d?.BootstrapLow, d?.BootstrapHigh));
                }
                html.Append("</tr>\n");
            }
        }
        html.Append("</tbody>\n</table>\n</div>\n");
    }

    private static void AppendRuns(StringBuilder html, Experiment experiment, IReadOnlyList<SweepRow> rows, SweepDirectory directory)
    {
        html.Append("<h2 id=\"runs\">Runs</h2>\n");
        html.Append("<p>Every run of the experiment, in its order, with its KPIs of interest (empty unless complete, as in results.csv) and links to its report and its console log. "
            + "Only complete runs count in the effects; a run that is not complete is marked, and the same <code>micromarket sweep</code> runs it again.</p>\n");
        html.Append($"<div {Scroll}>\n<table id=\"run-table\" {Compact}>\n<thead><tr><th>run (level and seeds)</th>");
        foreach (var seed in experiment.VariedSeeds)
        {
            html.Append($"<th>{E(seed)}</th>");
        }
        html.Append("<th>status</th>");
        foreach (var kpi in experiment.Kpis)
        {
            html.Append($"<th>{E(kpi)}</th>");
        }
        html.Append("<th>report</th><th>log</th></tr></thead>\n<tbody>\n");
        foreach (var row in rows)
        {
            var run = row.Run;
            html.Append($"<tr id=\"run-{E(run.Id)}\"{(row.Complete ? "" : " class=\"incomplete\"")}><td>{E(run.Id)}</td>");
            foreach (var seed in run.Seeds)
            {
                html.Append($"<td class=\"value\">{seed.ToString(CultureInfo.InvariantCulture)}</td>");
            }
            html.Append(row.Complete ? "<td class=\"status ok\">complete</td>"
                : $"<td class=\"status bad\">incomplete{(row.Kpis is null ? " (no results)" : "")}</td>");
            foreach (var kpi in experiment.Kpis)
            {
                html.Append($"<td class=\"value\">{(row.Complete ? E(Number(SweepFigures.Value(row, kpi))) : "")}</td>");
            }
            var report = Path.Combine(directory.RunDirectory(run), RunDirectory.Report);
            html.Append(File.Exists(report) ? $"<td class=\"report\"><a href=\"{E(Link(directory, report))}\">report</a></td>" : "<td class=\"report\"></td>");
            var log = directory.LogFile(run);
            html.Append(File.Exists(log) ? $"<td class=\"log\"><a href=\"{E(Link(directory, log))}\">log</a></td>" : "<td class=\"log\"></td>");
            html.Append("</tr>\n");
        }
        html.Append("</tbody>\n</table>\n</div>\n");
    }

    /// <summary>The wide tables scroll sideways in their own box rather than past the page's edge (the shared style sheet is the run report's).</summary>
    private const string Scroll = "style=\"overflow-x: auto\"";

    private const string Compact = "style=\"font-size: 0.85rem\"";

    private static void Cell(StringBuilder html, string name, string text) => html.Append($"<td class=\"value {name}\">{E(text)}</td>");

    /// <summary>A file of the sweep's folder as a relative URL from sweep.html beside it, each segment escaped.</summary>
    private static string Link(SweepDirectory directory, string path) =>
        string.Join('/', Path.GetRelativePath(directory.Root, path).Split(Path.DirectorySeparatorChar).Select(Uri.EscapeDataString));
}
