using MicroMarket.Reporting.Html;
using MicroMarket.Reporting.Input;
using MicroMarket.RunFormat;
using Xunit;

namespace MicroMarket.Reporting.Tests;

/// <summary>What RunReport.Write leaves in a run directory, how reproducible and how fast it is, and the KPI catalogue's coverage.</summary>
public sealed class ReportWriterTests
{
    [Fact]
    public void Writes_report_html_and_the_figures_into_the_run_directory()
    {
        using var run = RunFixture.IslandDay();
        var written = RunReport.Write(run.Directory);

        Assert.Equal(run.PathOf(RunDirectory.Report), written.ReportPath);
        Assert.Equal(11, written.FigurePaths.Count);
        Assert.All(written.FigurePaths, p =>
        {
            Assert.Equal(run.PathOf(RunDirectory.Figures), Path.GetDirectoryName(p));
            Assert.True(new FileInfo(p).Length > 10_000, $"{p} is suspiciously small");
        });
        var html = File.ReadAllText(written.ReportPath);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Directory, html, StringComparison.Ordinal);
    }

    [Fact]
    public void Writing_twice_gives_the_same_bytes()
    {
        using var run = RunFixture.IslandDay();
        var first = RunReport.Write(run.Directory);
        var report = File.ReadAllBytes(first.ReportPath);
        var figures = first.FigurePaths.Select(File.ReadAllBytes).ToList();

        var second = RunReport.Write(run.Directory);

        Assert.Equal(report, File.ReadAllBytes(second.ReportPath));
        Assert.Equal(figures, second.FigurePaths.Select(File.ReadAllBytes).ToList());
    }

    [Fact]
    public void The_catalogue_shows_every_kpi_the_simulator_writes()
    {
        // Every numeric KPI of summary.json's record (its keys as the file spells them: KpiValues); the fixtures' files
        // may predate a KPI, the record cannot.
        var shown = KpiCatalog.All.Select(k => k.Key).ToHashSet();

        Assert.Equal(KpiValues.Keys.Order(), shown.Order());
    }

    [Fact]
    public void The_fuel_cost_is_shown()
    {
        var kpis = RunDataReader.Load(RunFixture.FixturePath("island-day")).Summary.Kpis;
        Assert.Equal("151.62", KpiCatalog.All.Single(k => k.Key == "fuel_cost").Value(kpis));
    }

    [Theory]
    [InlineData("L", 9.5, "L")]
    [InlineData("kWh gas", 9.5, "kWh gas")]
    [InlineData(null, 0.0, "none burnt")]
    public void The_fuel_unit_is_the_genset_s_own(string? unit, double fuel, string shown)
    {
        var run = RunDataReader.Load(RunFixture.FixturePath("island-day"));
        var summary = run.Summary with { Kpis = run.Summary.Kpis with { FuelUnit = unit, FuelUnits = fuel } };

        var html = ReportWriter.Render(run with { Summary = summary }, [], []);

        var row = html.Split('\n').Single(l => l.StartsWith("<tr id=\"kpi-fuel_units\">", StringComparison.Ordinal));
        Assert.Contains($"<td>{shown}</td>", row, StringComparison.Ordinal);
    }

    [Fact]
    public void The_scenario_s_description_is_shown()
    {
        var run = RunDataReader.Load(RunFixture.FixturePath("island-day"));

        var html = ReportWriter.Render(run with { Summary = run.Summary with { Description = "Three houses & a diesel" } }, [], []);

        Assert.Contains("<tr><th>description</th><td>Three houses &amp; a diesel</td></tr>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<th>description</th>", ReportWriter.Render(run, [], []), StringComparison.Ordinal);
    }
}
