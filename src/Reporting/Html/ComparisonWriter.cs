using MicroMarket.RunFormat;
using System.Globalization;
using MicroMarket.Reporting.Figures;
using MicroMarket.Reporting.Input;
using ScottPlot;
using static MicroMarket.Reporting.Html.HtmlPage;

namespace MicroMarket.Reporting.Html;

/// <summary>
/// `micromarket compare`: several runs side by side on one page (OUT_DIR/comparison.html), for comparing market
/// designs: the runs' facts, every KPI with one column per run, and overlaid price and bill figures
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
        var drawings = new List<(string File, string Caption, int Height, Func<Plot> Draw)>
        {
            (ComparisonFigures.PriceFileName(MarketStage.DayAhead), "Day-ahead clearing price of every run on one time axis.", FigureStyle.HeightPx,
                () => ComparisonFigures.DrawPrices(prices, MarketStage.DayAhead, axis)),
            (ComparisonFigures.PriceFileName(MarketStage.Intraday), "Intra-day clearing price of every run on one time axis.", FigureStyle.HeightPx,
                () => ComparisonFigures.DrawPrices(prices, MarketStage.Intraday, axis)),
            (ComparisonFigures.BillFileName, "Each participant's net bill in every run, with that run's no-market baseline as a diamond.", ComparisonFigures.BillHeightPx(bills),
                () => ComparisonFigures.DrawBills(bills)),
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
        var html = Begin($"MicroMarket comparison of {runs.Count} runs");
        html.Append($"<h1>MicroMarket comparison of {runs.Count} runs</h1>\n<p class=\"subtitle\">{E(string.Join("; ", labels))}</p>\n");
        html.Append("<h2 id=\"kpis\">Runs and KPIs</h2>\n<table id=\"kpi-table\">\n<thead><tr><th>KPI</th><th>unit</th>");
        foreach (var label in labels)
        {
            html.Append($"<th>{E(label)}</th>");
        }
        html.Append("</tr></thead>\n<tbody>\n");
        Row(html, "run-directory", "run directory", "", runs.Select(r => Path.GetFileName(r.Directory)));
        Row(html, "run-mode", "mode", "", runs.Select(r => r.Summary.Mode));
        Row(html, "run-days", "days", "", runs.Select(r => r.Summary.Days.ToString(CultureInfo.InvariantCulture)));
        Row(html, "run-units", "units", "", runs.Select(r => r.Summary.Units.ToString(CultureInfo.InvariantCulture)));
        Row(html, "run-complete", "complete", "", runs.Select(r => r.Summary.Complete ? "yes" : "no"));
        foreach (var group in KpiCatalog.All.GroupBy(k => k.Group))
        {
            html.Append($"<tr class=\"group\"><th colspan=\"{2 + runs.Count}\">{E(group.Key)}</th></tr>\n");
            foreach (var kpi in group)
            {
                Row(html, kpi.RowId, kpi.Name, string.Join(" / ", runs.Select(r => kpi.UnitIn(r.Summary.Kpis)).Distinct()), runs.Select(r => kpi.Value(r.Summary.Kpis)));
            }
        }
        html.Append("</tbody>\n</table>\n<h2 id=\"figures\">Figures</h2>\n");
        foreach (var figure in figures)
        {
            AppendFigure(html, figure, FigureStyle.WidthPx);
        }
        return End(html, "Written by MicroMarket.Reporting from each run directory's summary.json and tables; docs/kpis.md defines the KPIs.");
    }

    private static void Row(System.Text.StringBuilder html, string id, string name, string unit, IEnumerable<string> values)
    {
        html.Append($"<tr id=\"{id}\"><td>{E(name)}</td><td>{E(unit)}</td>");
        foreach (var value in values)
        {
            html.Append($"<td class=\"value\">{E(value)}</td>");
        }
        html.Append("</tr>\n");
    }
}
