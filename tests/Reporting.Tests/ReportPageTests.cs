using System.Globalization;
using System.Text.Json;
using MicroMarket.Reporting.Figures;
using MicroMarket.Reporting.Html;
using MicroMarket.Reporting.Input;
using MicroMarket.RunFormat;
using Xunit;

namespace MicroMarket.Reporting.Tests;

/// <summary>report.html and comparison.html as a reader sees them: opened from disk in headless Chromium.</summary>
[Collection(ChromiumCollection.Name)]
public sealed class ReportPageTests(HeadlessChromium chromium)
{
    [Fact]
    public async Task The_report_loads_every_figure_and_shows_the_runs_numbers()
    {
        using var run = RunFixture.IslandDay();
        var output = RunReport.Write(run.Directory);
        await using var page = await chromium.OpenAsync(output.ReportPath);

        var images = await page.ImagesAsync();
        Assert.Equal(output.FigurePaths.Select(Path.GetFileName), images.Select(i => i.File));
        Assert.All(images, i =>
        {
            Assert.True(i.Complete, $"{i.File} did not finish loading");
            Assert.Equal(FigureStyle.WidthPx, i.Width);
            Assert.True(i.Height > 0, $"{i.File} has no height");
        });
        Assert.Empty(page.ExternalRequests);

        // The fixture's summary.json, as written by the simulator: mean day-ahead price 0.2501, final consumption 48.485 kWh,
        // house-1's net bill 2.957778 tokens, 362 transactions.
        Assert.Equal("MicroMarket run report: probe (seed 42)", await page.Page.TitleAsync());
        Assert.Equal("0.2501", await page.TextAsync("#kpi-day_ahead_price-mean td.value"));
        Assert.Equal("0.2376", await page.TextAsync("#kpi-intraday_price-mean td.value"));
        Assert.Equal("-0.0125", await page.TextAsync("#kpi-mean_intraday_minus_day_ahead td.value"));
        Assert.Equal("48.485", await page.TextAsync("#kpi-consumption_kwh td.value"));
        Assert.Equal("54.0", await page.TextAsync("#kpi-local_trade_share td.value"));
        Assert.Equal("0.9957", await page.TextAsync("#kpi-min_voltage_pu td.value"));
        Assert.Equal("362", await page.TextAsync("#kpi-transactions td.value"));
        Assert.Equal("151.62", await page.TextAsync("#kpi-fuel_cost td.value"));
        Assert.Equal("2.96", await page.TextAsync("#bill-house-1 td:nth-child(3)"));

        // And every KPI row shows exactly what the catalogue prints for this run.
        var kpis = RunDataReader.Load(run.Directory).Summary.Kpis;
        foreach (var kpi in KpiCatalog.All)
        {
            Assert.Equal(kpi.Value(kpis), await page.TextAsync($"#{kpi.RowId} td.value"));
        }
    }

    [Fact]
    public async Task The_comparison_loads_every_figure_and_shows_each_runs_numbers()
    {
        using var island = RunFixture.IslandDay();
        using var week = RunFixture.Synthetic(days: 7);
        var outDirectory = Path.Combine(week.Directory, "comparison");
        var output = ComparisonWriter.Write([island.Directory, week.Directory], outDirectory);
        await using var page = await chromium.OpenAsync(output.ReportPath);

        var images = await page.ImagesAsync();
        Assert.Equal(["compare-day-ahead-price.png", "compare-intraday-price.png", "compare-bills.png", "compare-storage.png", "compare-dispatch.png"], images.Select(i => i.File));
        Assert.All(images, i => Assert.True(i.Complete && i.Width == FigureStyle.WidthPx, $"{i.File} did not load"));
        Assert.Empty(page.ExternalRequests);

        var weekKpis = RunDataReader.Load(week.Directory).Summary.Kpis;
        Assert.Equal("0.2501", await page.TextAsync("#kpi-day_ahead_price-mean td:nth-child(3)"));
        Assert.Equal(KpiFormat.Price(weekKpis.DayAheadPrice.Mean), await page.TextAsync("#kpi-day_ahead_price-mean td:nth-child(4)"));
        Assert.Equal("island", await page.TextAsync("#run-mode td:nth-child(3)"));
        Assert.Equal("grid-connected", await page.TextAsync("#run-mode td:nth-child(4)"));
        Assert.Equal("7", await page.TextAsync("#run-days td:nth-child(4)"));
        Assert.Equal(0, await page.Page.Locator("#delivered-note").CountAsync());

        Assert.Equal(["KPI", "unit", "A: probe (seed 42)", "B: synthetic (seed 7)", "B \u2212 A", "B vs A, %"], await page.Page.Locator("#kpi-table thead th").AllTextContentsAsync());
        await AssertDifferencesAsync(page, island.PathOf(RunDirectory.Summary), week.PathOf(RunDirectory.Summary), runs: 2, run: 1);

        // A few cells in full, printed by the KPI's own formatter with a sign: island-day's values from its summary.json.
        using var weekSummary = JsonDocument.Parse(File.ReadAllText(week.PathOf(RunDirectory.Summary)));
        var b = weekSummary.RootElement.GetProperty("kpis");
        Assert.Equal(Signed(KpiFormat.Price((decimal)(b.GetProperty("day_ahead_price").GetProperty("mean").GetDouble() - 0.2501))),
            await page.TextAsync("#kpi-day_ahead_price-mean td:nth-child(5)"));
        Assert.Equal(Signed(KpiFormat.Energy(b.GetProperty("consumption_kwh").GetDouble() - 48.485)), await page.TextAsync("#kpi-consumption_kwh td:nth-child(5)"));
        Assert.Equal(Signed(KpiFormat.Count(b.GetProperty("transactions").GetInt64() - 362)), await page.TextAsync("#kpi-transactions td:nth-child(5)"));
        Assert.Equal(((b.GetProperty("transactions").GetInt64() - 362.0) / 362 * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture),
            await page.TextAsync("#kpi-transactions td:nth-child(6)"));
        // The synthetic run has no genset: no difference to take.
        Assert.Equal("", await page.TextAsync("#kpi-genset-fuel_cost td:nth-child(5)"));
    }

    /// <summary>
    /// A run stopped after 10 of its 366 days shows the days it delivered and the note under the table, and its per-day
    /// KPIs (over those 10 days, as the simulator writes them) are differenced like every other.
    /// </summary>
    [Fact]
    public async Task The_comparison_shows_the_delivered_days_of_an_incomplete_run()
    {
        using var island = RunFixture.IslandDay();
        using var stopped = RunFixture.Synthetic(days: 10);
        var summary = RunJson.Read<RunSummary>(stopped.Directory, RunDirectory.Summary);
        RunJson.Write(stopped.Directory, RunDirectory.Summary, summary with
        {
            Complete = false, Failure = "stopped by hand after day 10", Days = 366, SlotsTotal = 366 * 96, SlotsDelivered = 10 * 96,
        });
        var outDirectory = Path.Combine(stopped.Directory, "comparison");
        var output = ComparisonWriter.Write([island.Directory, stopped.Directory], outDirectory);
        await using var page = await chromium.OpenAsync(output.ReportPath);

        Assert.All(await page.ImagesAsync(), i => Assert.True(i.Complete && i.Width == FigureStyle.WidthPx, $"{i.File} did not load"));
        Assert.Empty(page.ExternalRequests);
        Assert.Equal("1", await page.TextAsync("#run-days td:nth-child(3)"));
        Assert.Equal("10 of 366 delivered", await page.TextAsync("#run-days td:nth-child(4)"));
        Assert.Equal("no", await page.TextAsync("#run-complete td:nth-child(4)"));
        var note = await page.TextAsync("#delivered-note");
        Assert.Contains("B (10 of 366 delivered)", note, StringComparison.Ordinal);
        Assert.Contains("per-day KPIs of an incomplete run are over its delivered days", note, StringComparison.Ordinal);
        Assert.True(await page.Page.Locator("#delivered-note").IsVisibleAsync());

        await AssertDifferencesAsync(page, island.PathOf(RunDirectory.Summary), stopped.PathOf(RunDirectory.Summary), runs: 2, run: 1);
    }

    /// <summary>
    /// Every KPI row's difference and percent cells of run <paramref name="run"/> (B = 1) against run A, recomputed from
    /// the two summary.json files as JSON: empty where either lacks the value; the percent exactly, (X - A) / |A| to one
    /// decimal with a sign, empty where A is 0; the difference within half a unit of its last decimal, with a sign, as
    /// many decimals as the KPI's values show and a ratio in percentage points.
    /// </summary>
    private static async Task AssertDifferencesAsync(OpenedPage page, string summaryA, string summaryX, int runs, int run)
    {
        using var a = JsonDocument.Parse(File.ReadAllText(summaryA));
        using var x = JsonDocument.Parse(File.ReadAllText(summaryX));
        var differenceColumn = 2 + runs + 2 * (run - 1) + 1;
        foreach (var kpi in KpiCatalog.All)
        {
            var shown = await page.TextAsync($"#{kpi.RowId} td:nth-child({differenceColumn})");
            var percent = await page.TextAsync($"#{kpi.RowId} td:nth-child({differenceColumn + 1})");
            if (Number(a.RootElement, kpi.Key) is not { } av || Number(x.RootElement, kpi.Key) is not { } xv)
            {
                Assert.Equal(("", ""), (shown, percent));
                continue;
            }
            Assert.Equal(av == 0 ? "" : ((xv - av) / Math.Abs(av) * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture), percent);

            var expected = (xv - av) * (kpi.Unit == "%" ? 100 : 1);
            var decimals = Decimals(shown);
            Assert.True(decimals == Decimals(await page.TextAsync($"#{kpi.RowId} td:nth-child(3)")), $"{kpi.Key}: '{shown}' has not the decimals of the KPI's values");
            var number = double.Parse(shown, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(number - expected) <= 0.5 * Math.Pow(10, -decimals) + 1e-9 * Math.Max(1, Math.Abs(expected)), $"{kpi.Key}: shows '{shown}', expected {expected}");
            var sign = number == 0 ? "" : expected > 0 ? "+" : "-";
            Assert.True(sign.Length == 0 ? char.IsDigit(shown[0]) : shown.StartsWith(sign, StringComparison.Ordinal), $"{kpi.Key}: '{shown}' has not the sign of {expected}");
        }
    }

    /// <summary>A KPI's value in summary.json by its dotted key; null where the file has none.</summary>
    private static double? Number(JsonElement summary, string key)
    {
        var element = summary.GetProperty("kpis");
        foreach (var part in key.Split('.'))
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(part, out element))
            {
                return null;
            }
        }
        return element.ValueKind == JsonValueKind.Number ? element.GetDouble() : null;
    }

    private static int Decimals(string number) => number.IndexOf('.', StringComparison.Ordinal) is var point and >= 0 ? number.Length - point - 1 : 0;

    private static string Signed(string formatted) => formatted.StartsWith('-') ? formatted : "+" + formatted;
}
