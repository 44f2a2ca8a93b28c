using MicroMarket.Reporting.Figures;
using MicroMarket.Reporting.Html;
using MicroMarket.Reporting.Input;
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
        Assert.Equal(["compare-day-ahead-price.png", "compare-intraday-price.png", "compare-bills.png"], images.Select(i => i.File));
        Assert.All(images, i => Assert.True(i.Complete && i.Width == FigureStyle.WidthPx, $"{i.File} did not load"));
        Assert.Empty(page.ExternalRequests);

        var weekKpis = RunDataReader.Load(week.Directory).Summary.Kpis;
        Assert.Equal("0.2501", await page.TextAsync("#kpi-day_ahead_price-mean td:nth-child(3)"));
        Assert.Equal(KpiFormat.Price(weekKpis.DayAheadPrice.Mean), await page.TextAsync("#kpi-day_ahead_price-mean td:nth-child(4)"));
        Assert.Equal("island", await page.TextAsync("#run-mode td:nth-child(3)"));
        Assert.Equal("grid-connected", await page.TextAsync("#run-mode td:nth-child(4)"));
    }
}
