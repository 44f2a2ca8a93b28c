using System.Text.Json;
using MicroMarket.Reporting.Figures;
using MicroMarket.Reporting.Html;
using MicroMarket.Reporting.Input;
using MicroMarket.RunFormat;
using Xunit;

namespace MicroMarket.Reporting.Tests;

/// <summary>
/// `compare` beyond the page in a browser (ReportPageTests): the delivered days of an incomplete run, the storage and
/// dispatch overlays' series against the runs' own summary.json, and the overlay figures on disk.
/// </summary>
public sealed class ComparisonTests
{
    [Theory]
    [InlineData(true, 366, 366 * 96, 366 * 96, "366")]
    [InlineData(false, 366, 366 * 96, 10 * 96, "10 of 366 delivered")]
    [InlineData(false, 366, 366 * 96, 1000, "10.42 of 366 delivered")]
    [InlineData(false, 7, 7 * 48, 3 * 48, "3 of 7 delivered")]
    [InlineData(false, 1, 96, 96, "1 of 1 delivered")]
    public void The_days_of_an_incomplete_run_are_those_it_delivered(bool complete, int days, int slotsTotal, int slotsDelivered, string shown)
    {
        var summary = RunDataReader.Load(RunFixture.FixturePath("island-day")).Summary with
        {
            Complete = complete, Days = days, SlotsTotal = slotsTotal, SlotsDelivered = slotsDelivered,
        };

        Assert.Equal(shown, ComparisonWriter.DaysOf(summary));
    }

    /// <summary>
    /// The solid line of the dispatch overlay holds the run's external supply KPI (the genset's output less its ballast;
    /// island-day dumped most of its 195.8 kWh into ballast), the dashed one its batteries' and EVs' net metered import
    /// as their bills in summary.json give it.
    /// </summary>
    [Theory]
    [InlineData("island-day")]
    [InlineData("quickstart-day")]
    public void The_dispatch_overlay_holds_each_runs_external_supply_and_storage_charging(string fixture)
    {
        var run = RunDataReader.Load(RunFixture.FixturePath(fixture));
        var axis = TimeAxis.For(run.Days, run.StartUtc);
        var operation = RunOperation.Of("A", run);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(RunFixture.FixturePath(fixture), RunDirectory.Summary)));
        var kpis = summary.RootElement.GetProperty("kpis");
        var storageBills = kpis.GetProperty("bills").EnumerateArray().Where(b => b.GetProperty("kind").GetString() is "battery" or "ev").ToList();
        Assert.NotEmpty(storageBills);

        Assert.Equal(kpis.GetProperty("external_supply_kwh").GetDouble(), Energy(ComparisonFigures.ExternalSupplyKw(operation, axis), axis), 5);
        Assert.Equal(storageBills.Sum(b => b.GetProperty("import_kwh").GetDouble() - b.GetProperty("export_kwh").GetDouble()),
            Energy(ComparisonFigures.StorageChargingKw(operation, axis), axis), 5);
    }

    [Fact]
    public void A_shorter_run_on_a_longer_runs_axis_ends_where_it_ends()
    {
        var run = RunDataReader.Load(RunFixture.FixturePath("island-day"));
        var week = TimeAxis.For(7, run.StartUtc);
        var operation = RunOperation.Of("A", run);

        foreach (var series in new[] { ComparisonFigures.ExternalSupplyKw(operation, week), ComparisonFigures.StorageChargingKw(operation, week) })
        {
            Assert.Equal(week.Buckets, series.Length);
            Assert.All(series[..24], kw => Assert.True(double.IsFinite(kw)));
            // Not zero: the run has no power to show after its only day.
            Assert.All(series[24..], kw => Assert.True(double.IsNaN(kw)));
        }
        Assert.Equal(run.Summary.Kpis.ExternalSupplyKwh, ComparisonFigures.ExternalSupplyKw(operation, week)[..24].Sum(), 5);
    }

    [Fact]
    public void The_comparison_writes_the_storage_and_dispatch_overlays_and_shows_them()
    {
        using var island = RunFixture.IslandDay();
        using var week = RunFixture.Synthetic(days: 7);
        var outDirectory = Path.Combine(week.Directory, "comparison");
        var output = ComparisonWriter.Write([island.Directory, week.Directory], outDirectory);
        var html = File.ReadAllText(output.ReportPath);

        Assert.Equal(ComparisonFigures.FileNames, output.FigurePaths.Select(Path.GetFileName));
        foreach (var file in new[] { ComparisonFigures.StorageFileName, ComparisonFigures.DispatchFileName })
        {
            var png = File.ReadAllBytes(Path.Combine(outDirectory, RunDirectory.Figures, file));
            Assert.Equal((FigureStyle.WidthPx, FigureStyle.HeightPx), Pixels.Size(png));
            // The data area, below the title band and above the legend: lines of two runs, not a blank plot.
            Assert.True(Pixels.Inked(png, 60, 400) > 5000, $"{file} has almost nothing drawn");
            Assert.Contains($"data-file=\"{file}\"", html, StringComparison.Ordinal);
            Assert.Contains($"<figure id=\"fig-{Path.GetFileNameWithoutExtension(file)}\">", html, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("id=\"delivered-note\"", html, StringComparison.Ordinal);
    }

    /// <summary>Energy of a complete run's average power per bucket, kWh.</summary>
    private static double Energy(double[] kw, TimeAxis axis) => kw.Select((p, bucket) => p * axis.HoursIn(bucket)).Sum();
}
