using MicroMarket.RunFormat;
using System.Globalization;
using MicroMarket.Reporting.Figures;
using MicroMarket.Reporting.Input;
using ScottPlot;
using static MicroMarket.Reporting.Html.HtmlPage;

namespace MicroMarket.Reporting.Html;

/// <summary>
/// `micromarket compare`: several runs side by side on one page (OUT_DIR/comparison.html), for comparing market
/// designs: the runs' facts, every KPI with one column per run and, for every run after the first, its difference
/// to run A and that difference in percent of A, and overlaid price, bill, state-of-charge and dispatch figures
/// (OUT_DIR/figures/compare-*.png). Runs are labelled A, B, C... in the order given, with scenario and seed.
/// </summary>
public static class ComparisonWriter
{
    public const string FileName = "comparison.html";

    /// <exception cref="RunFormatException">A run directory or one of its files is missing or malformed.</exception>
    /// <exception cref="ArgumentException">Fewer than two runs.</exception>
    public static ReportOutput Write(IReadOnlyList<string> runDirectories, string outDirectory)
    {
        if (runDirectories.Count < 2)
        {
            throw new ArgumentException("a comparison needs at least two runs", nameof(runDirectories));
        }
        var runs = runDirectories.Select(d => RunDataReader.Load(d)).ToList();
        var labels = runs.Select((r, i) => $"{Letter(i)}: {r.Summary.Scenario} (seed {r.Summary.Seed})").ToList();
        var figures = Render(runs, labels);
        Directory.CreateDirectory(outDirectory);
        var figurePaths = FigureSet.Write(figures, outDirectory);
        var path = Path.Combine(Path.GetFullPath(outDirectory), FileName);
        File.WriteAllText(path, Page(runs, labels, figures), new System.Text.UTF8Encoding(false));
        return new ReportOutput(path, [], figurePaths);
    }

    private static string Letter(int i) => i < 26 ? ((char)('A' + i)).ToString() : $"R{i + 1}";

    private static List<Figure> Render(IReadOnlyList<RunData> runs, IReadOnlyList<string> labels)
    {
        var axis = TimeAxis.For(runs.Max(r => r.Days), runs[0].StartUtc);
        var prices = runs.Select((r, i) => new RunPrices(labels[i], PriceFigure.Rows(r.Slots))).ToList();
        var bills = runs.Select((r, i) => new RunBills(labels[i], BillFigure.Rows(r.Summary.Kpis.Bills))).ToList();
        var operations = runs.Select((r, i) => RunOperation.Of(labels[i], r)).ToList();
        var drawings = new List<(string File, string Caption, int Height, Func<Plot> Draw)>
        {
            (ComparisonFigures.PriceFileName(MarketStage.DayAhead), "Day-ahead clearing price of every run on one time axis.", FigureStyle.HeightPx,
                () => ComparisonFigures.DrawPrices(prices, MarketStage.DayAhead, axis)),
            (ComparisonFigures.PriceFileName(MarketStage.Intraday), "Intra-day clearing price of every run on one time axis.", FigureStyle.HeightPx,
                () => ComparisonFigures.DrawPrices(prices, MarketStage.Intraday, axis)),
            (ComparisonFigures.BillFileName, "Each participant's net bill in every run, with that run's no-market baseline as a diamond.", ComparisonFigures.BillHeightPx(bills),
                () => ComparisonFigures.DrawBills(bills)),
            (ComparisonFigures.StorageFileName, "Each run's mean state of charge over its batteries (solid) and over its EVs while plugged in (dashed), "
                + "over the slots it delivered.", FigureStyle.HeightPx,
                () => ComparisonFigures.DrawStorage(operations, axis)),
            (ComparisonFigures.DispatchFileName, "Each run's supply from outside the feeder (solid: the upstream grid's export into it, or the genset's output "
                + "less the ballast it fed, as the external supply KPI counts it) and its batteries' and EVs' net charging (dashed; below zero they discharge), "
                + "as average power over the slots it delivered.", FigureStyle.HeightPx,
                () => ComparisonFigures.DrawDispatch(operations, axis)),
        };
        var figures = new Figure[drawings.Count];
        Parallel.For(0, drawings.Count, i =>
        {
            var plot = drawings[i].Draw();
            figures[i] = new Figure(drawings[i].File, plot.Axes.Title.Label.Text, drawings[i].Caption, plot.GetImageBytes(FigureStyle.WidthPx, drawings[i].Height, ImageFormat.Png));
        });
        return [.. figures];
    }

    private static string Page(IReadOnlyList<RunData> runs, IReadOnlyList<string> labels, IReadOnlyList<Figure> figures)
    {
        var values = runs.Select(r => KpiValues.Of(r.Summary.Kpis)).ToList();
        var html = Begin($"MicroMarket comparison of {runs.Count} runs");
        html.Append($"<h1>MicroMarket comparison of {runs.Count} runs</h1>\n<p class=\"subtitle\">{E(string.Join("; ", labels))}</p>\n");
        html.Append("<h2 id=\"kpis\">Runs and KPIs</h2>\n<table id=\"kpi-table\">\n<thead><tr><th>KPI</th><th>unit</th>");
        foreach (var label in labels)
        {
            html.Append($"<th>{E(label)}</th>");
        }
        for (var i = 1; i < runs.Count; i++)
        {
            html.Append($"<th>{Letter(i)} \u2212 {Letter(0)}</th><th>{Letter(i)} vs {Letter(0)}, %</th>");
        }
        html.Append("</tr></thead>\n<tbody>\n");
        var noDifferences = new string[2 * (runs.Count - 1)];
        Row(html, "run-directory", "run directory", "", runs.Select(r => Path.GetFileName(r.Directory)), noDifferences);
        Row(html, "run-mode", "mode", "", runs.Select(r => r.Summary.Mode), noDifferences);
        Row(html, "run-days", "days", "", runs.Select(r => DaysOf(r.Summary)), noDifferences);
        Row(html, "run-units", "units", "", runs.Select(r => r.Summary.Units.ToString(CultureInfo.InvariantCulture)), noDifferences);
        Row(html, "run-complete", "complete", "", runs.Select(r => r.Summary.Complete ? "yes" : "no"), noDifferences);
        foreach (var group in KpiCatalog.All.GroupBy(k => k.Group))
        {
            html.Append($"<tr class=\"group\"><th colspan=\"{2 + runs.Count + noDifferences.Length}\">{E(group.Key)}</th></tr>\n");
            foreach (var kpi in group)
            {
                var differences = Enumerable.Range(1, runs.Count - 1).SelectMany(i => Difference(kpi, runs[0].Summary.Kpis, values[0], runs[i].Summary.Kpis, values[i]));
                Row(html, kpi.RowId, kpi.Name, string.Join(" / ", runs.Select(r => kpi.UnitIn(r.Summary.Kpis)).Distinct()), values.Select(kpi.Value), differences);
            }
        }
        html.Append("</tbody>\n</table>\n");
        var incomplete = runs.Select((r, i) => (Run: Letter(i), r.Summary)).Where(r => IsIncomplete(r.Summary)).ToList();
        if (incomplete.Count > 0)
        {
            var which = string.Join(", ", incomplete.Select(r => $"{r.Run} ({DaysOf(r.Summary)})"));
            html.Append($"<p class=\"note\" id=\"delivered-note\">Incomplete: {E(which)}. The per-day KPIs of an incomplete run are over its delivered days "
                + "(gas and transactions per participant-day: the simulator divides by the days it delivered, not those it was scheduled for), so their "
                + "differences still compare like with like. An incomplete run's other KPIs are over the slots it delivered too, so the "
                + "differences of totals (energies, volumes, money, gas) compare runs of different lengths.</p>\n");
        }
        html.Append("<p class=\"note\">Each difference is the later run's value minus run A's, printed as the KPI itself is (a ratio's in percentage points); "
            + "the percent is that difference over |A|. Both are left empty where either run has no value, the percent also where A is 0, "
            + "and a difference of values in different units (fuel in litres and in kWh of gas) where neither is 0.</p>\n");
        html.Append("<h2 id=\"figures\">Figures</h2>\n");
        foreach (var figure in figures)
        {
            AppendFigure(html, figure, FigureStyle.WidthPx);
        }
        return End(html, "Written by MicroMarket.Reporting from each run directory's summary.json and tables; docs/kpis.md defines the KPIs.");
    }

    /// <summary>A run is incomplete when it stopped early: not complete, or fewer slots delivered than scheduled.</summary>
    private static bool IsIncomplete(RunSummary summary) => !summary.Complete || summary.SlotsDelivered < summary.SlotsTotal;

    /// <summary>
    /// The scheduled days, and for an incomplete run the days it delivered ("10 of 366 delivered"): its delivered slots
    /// over its slots per day (slots scheduled / days scheduled), a fraction when it stopped within a day.
    /// </summary>
    internal static string DaysOf(RunSummary summary)
    {
        var scheduled = summary.Days.ToString(CultureInfo.InvariantCulture);
        if (!IsIncomplete(summary))
        {
            return scheduled;
        }
        var slotsPerDay = summary.Days > 0 && summary.SlotsTotal % summary.Days == 0 ? summary.SlotsTotal / summary.Days : TimeAxis.SlotsPerDay;
        var delivered = summary.SlotsDelivered / (double)slotsPerDay;
        return $"{delivered.ToString("0.##", CultureInfo.InvariantCulture)} of {scheduled} delivered";
    }

    /// <summary>
    /// Run X's difference to run A on one KPI and that difference in percent of |A|, from the values <see cref="KpiValues"/>
    /// reads (the owner of the KPI keys): empty where either has none, the percent also where A is 0, and both where each
    /// run names its own unit and they differ (a diesel's litres against a CHP's kWh of gas) unless one of them is 0; a
    /// run that names none (a summary from before the fuel's unit was kept) is taken to share the other's.
    /// </summary>
    private static string[] Difference(KpiDefinition kpi, RunKpis aKpis, IReadOnlyDictionary<string, double?> a, RunKpis xKpis, IReadOnlyDictionary<string, double?> x)
    {
        if (a[kpi.Key] is not { } av || x[kpi.Key] is not { } xv
            || (kpi.UnitOf?.Invoke(aKpis) is { } aUnit && kpi.UnitOf(xKpis) is { } xUnit && aUnit != xUnit && av != 0 && xv != 0))
        {
            return ["", ""];
        }
        var difference = xv - av;
        var percent = av == 0 ? "" : ((xv - av) / Math.Abs(av) * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture);
        return [Signed(kpi.Format(difference), difference), percent];
    }

    /// <summary>A formatted difference with its sign: "+" when positive, none when it prints as zero ("-0.000" is "0.000").</summary>
    private static string Signed(string formatted, double value) =>
        !formatted.Any(c => c is >= '1' and <= '9') ? formatted.TrimStart('-')
        : value > 0 ? "+" + formatted
        : formatted;

    private static void Row(System.Text.StringBuilder html, string id, string name, string unit, IEnumerable<string> values, IEnumerable<string?> differences)
    {
        html.Append($"<tr id=\"{id}\"><td>{E(name)}</td><td>{E(unit)}</td>");
        foreach (var value in values)
        {
            html.Append($"<td class=\"value\">{E(value)}</td>");
        }
        foreach (var (difference, i) in differences.Select((d, i) => (d, i)))
        {
            html.Append($"<td class=\"value {(i % 2 == 0 ? "difference" : "percent")}\">{E(difference ?? "")}</td>");
        }
        html.Append("</tr>\n");
    }
}
