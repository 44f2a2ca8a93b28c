using System.Globalization;
using System.Text;
using MicroMarket.Reporting.Figures;
using MicroMarket.Reporting.Input;
using MicroMarket.Reporting.Monthly;
using MicroMarket.RunFormat;
using static MicroMarket.Reporting.Html.HtmlPage;

namespace MicroMarket.Reporting.Html;

/// <summary>
/// Writes a run's report.html: the scenario, the simulator's own checks, the KPI table, the participants' bills
/// and every figure. The page is one self-contained file with nothing that varies between two reports of the same
/// run (no timestamps, no absolute paths), so it is as reproducible as the run.
/// </summary>
public static class ReportWriter
{
    public static string Render(RunData run, IReadOnlyList<MonthRow> months, IReadOnlyList<Figure> figures)
    {
        var summary = run.Summary;
        var html = Begin($"MicroMarket run report: {summary.Scenario} (seed {summary.Seed})");
        html.Append($"<h1>MicroMarket run report: {E(summary.Scenario)}</h1>\n");
        html.Append($"<p class=\"subtitle\">seed {summary.Seed}, {E(summary.Mode)}, {Days(summary.Days)}, {summary.Units} units</p>\n");
        AppendScenario(html, run);
        AppendVerification(html, summary.Verification);
        AppendKpis(html, summary.Kpis);
        AppendMonths(html, months);
        AppendBills(html, summary.Kpis.Bills);
        html.Append("<h2 id=\"figures\">Figures</h2>\n");
        foreach (var figure in figures)
        {
            AppendFigure(html, figure, FigureStyle.WidthPx);
        }
        return End(html, "Written by MicroMarket.Reporting from the run directory's tables and summary.json. The KPIs are the simulator's own; docs/kpis.md defines each and docs/report.md describes the figures.");
    }

    private static string Days(int days) => days == 1 ? "1 day" : $"{days} days";

    private static void AppendScenario(StringBuilder html, RunData run)
    {
        var s = run.Summary;
        var kinds = string.Join(", ", run.Participants.GroupBy(p => p.Kind).Select(g => $"{g.Count()} {FigureStyle.NameOfKind(g.Key)}"));
        html.Append("<h2 id=\"scenario\">Scenario</h2>\n<table class=\"facts\">\n");
        Fact(html, "scenario", E(s.Scenario));
        if (s.Description is { } description)
        {
            Fact(html, "description", E(description));
        }
        Fact(html, "seed", s.Seed.ToString(CultureInfo.InvariantCulture));
        Fact(html, "mode", s.IsIsland ? "island (the slack unit balances the feeder)" : E(s.Mode));
        Fact(html, "days", s.Days.ToString(CultureInfo.InvariantCulture));
        Fact(html, "slots delivered", $"{s.SlotsDelivered} of {s.SlotsTotal}");
        Fact(html, "units", $"{s.Units}: {E(kinds)}");
        Fact(html, "run", s.Complete ? "<span class=\"ok\">complete</span>" : $"<span class=\"bad\">incomplete</span>: {E(Ending(s))}");
        html.Append("</table>\n");
    }

    private static void AppendVerification(StringBuilder html, RunVerification v)
    {
        html.Append("<h2 id=\"verification\">Checks</h2>\n<table class=\"facts\">\n");
        Fact(html, "energy balanced", $"{Verdict(v.EnergyBalanced)} (largest slot residual {v.MaxEnergyResidualKwh.ToString("0.###E+0", CultureInfo.InvariantCulture)} kWh)");
        Fact(html, "money conserved", Verdict(v.MoneyConserved));
        Fact(html, "order books against the chain", $"{v.BooksChecked} checked, {v.ClearingMismatches} mismatches");
        Fact(html, "meter readings against the chain", $"{v.ReadingsChecked} checked, {v.ReadingMismatches} mismatches");
        Fact(html, "all checks", Verdict(v.Holds));
        html.Append("</table>\n");
    }

    private static string Verdict(bool ok) => ok ? "<span class=\"ok\">yes</span>" : "<span class=\"bad\">no</span>";

    private static void Fact(StringBuilder html, string name, string valueHtml) => html.Append($"<tr><th>{E(name)}</th><td>{valueHtml}</td></tr>\n");

    private static void AppendKpis(StringBuilder html, RunKpis kpis)
    {
        html.Append("<h2 id=\"kpis\">Key performance indicators</h2>\n<table id=\"kpi-table\">\n<thead><tr><th>KPI</th><th>value</th><th>unit</th><th>definition</th></tr></thead>\n<tbody>\n");
        // Read once: each KPI's value by its key, rather than the whole record serialised again for every row.
        var values = KpiValues.Of(kpis);
        foreach (var group in KpiCatalog.All.GroupBy(k => k.Group))
        {
            html.Append($"<tr class=\"group\"><th colspan=\"4\">{E(group.Key)}</th></tr>\n");
            foreach (var kpi in group)
            {
                html.Append($"<tr id=\"{kpi.RowId}\"><td>{E(kpi.Name)}</td><td class=\"value\">{E(kpi.Value(values))}</td><td>{E(kpi.UnitIn(kpis))}</td><td class=\"definition\">{E(kpi.Definition)}</td></tr>\n");
            }
        }
        html.Append("</tbody>\n</table>\n");
    }

    /// <summary>The KPIs that split by month, one row per calendar month, as monthly.csv holds them; a one-month run has none, as its KPI table says it all.</summary>
    private static void AppendMonths(StringBuilder html, IReadOnlyList<MonthRow> months)
    {
        if (months.Count < 2)
        {
            return;
        }
        html.Append("<h2 id=\"monthly\">Months</h2>\n");
        html.Append($"<p>The KPIs above per calendar month of the run (also in {E(RunDirectory.Monthly)}), each over the month's delivered slots; a month the run only partly covers counts its days in the run.</p>\n");
        html.Append("<table id=\"monthly-table\">\n<thead><tr><th>month</th><th>days</th><th>slots delivered</th>");
        foreach (var kpi in MonthlySummary.Kpis)
        {
            html.Append($"<th>{E(kpi.Heading)}</th>");
        }
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var m in months)
        {
            html.Append($"<tr id=\"month-{m.Month}\"><td>{m.Month}</td><td class=\"value\">{m.Days}</td><td class=\"value\">{KpiFormat.Count(m.SlotsDelivered)}</td>");
            foreach (var kpi in MonthlySummary.Kpis)
            {
                html.Append($"<td class=\"value\">{E(kpi.Shown(m))}</td>");
            }
            html.Append("</tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
    }

    private static void AppendBills(StringBuilder html, IReadOnlyList<ParticipantBill> bills)
    {
        html.Append("<h2 id=\"bills\">Participants' bills</h2>\n");
        html.Append("<p>Tokens over the run, positive = the participant pays. Saving = baseline - net bill. The baseline prices the unit's metered energy without a market: at the tariffs when grid-connected, at what island energy really cost when islanded (the genset's fuel per kWh it served). Uplift = the unit's share of the genset's make-whole uplift.</p>\n");
        html.Append("<table id=\"bill-table\">\n<thead><tr><th>participant</th><th>kind</th><th>net bill</th><th>trades</th><th>imbalance</th><th>uplift</th><th>baseline</th><th>saving</th><th>import (kWh)</th><th>export (kWh)</th></tr></thead>\n<tbody>\n");
        foreach (var b in bills)
        {
            html.Append($"<tr id=\"bill-{E(b.Unit)}\"><td>{E(b.Unit)}</td><td>{E(FigureStyle.NameOfKind(b.Kind))}</td>");
            foreach (var money in new[] { b.NetBill, b.TradeCost, b.ImbalanceCost, b.UpliftCost, b.Baseline, b.Saving })
            {
                html.Append($"<td class=\"value\">{KpiFormat.Money(money)}</td>");
            }
            html.Append($"<td class=\"value\">{KpiFormat.Energy(b.ImportKwh)}</td><td class=\"value\">{KpiFormat.Energy(b.ExportKwh)}</td></tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
    }

    /// <summary>Why an incomplete run ended: its failure, or who interrupted it after which phase.</summary>
    private static string Ending(RunSummary s) =>
        s.Failure ?? $"interrupted{(s.Interrupted is { } signal ? $" by {signal}" : "")} after {s.PhasesDone} phases, {s.SlotsDelivered} of {s.SlotsTotal} slots delivered";
}
