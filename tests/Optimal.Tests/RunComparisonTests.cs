using MicroMarket.RunFormat;

namespace MicroMarket.Optimal.Tests;

public sealed class RunComparisonTests
{
    private static readonly string Run = Path.Combine(AppContext.BaseDirectory, "Fixtures", "island-day");

    private static IslandSolution Optimum(double fuel, int starts) =>
        new("OPTIMAL", fuel, "L", fuel * 1.2, starts, 0, 0, 0, 0, 0, 0, 0, [], []);

    /// <summary>The run's fuel from units.csv is the fuel its own KPIs report (to the table's 1e-6 per row).</summary>
    [Fact]
    public void The_fuel_gap_is_the_runs_fuel_over_the_optimum()
    {
        var kpis = RunJson.Read<RunSummary>(Run, RunDirectory.Summary).Kpis;

        var comparison = RunComparison.Of(Run, Optimum(100, 2));

        Assert.Equal(kpis.FuelUnits / 100 - 1, comparison.FuelGap!.Value, 1e-6);
        Assert.Equal((100, 2), (comparison.Fuel, comparison.Starts));
        Assert.True(comparison.StartsRatio >= 0.5);
        Assert.Null(RunComparison.Of(Run, Optimum(0, 0)).FuelGap);
    }

    /// <summary>Without --with-optimal summary.json is written as before: the block is left out, not written as null.</summary>
    [Fact]
    public void A_summary_without_the_optimal_block_is_written_unchanged()
    {
        var scratch = Directory.CreateTempSubdirectory("micromarket-optimal-").FullName;
        try
        {
            var summary = RunJson.Read<RunSummary>(Run, RunDirectory.Summary);
            RunJson.Write(scratch, "plain.json", summary);
            RunJson.Write(scratch, "compared.json", summary with { Optimal = new OptimalComparison(100, 2, 0.26, 1.5) });

            Assert.Equal(File.ReadAllText(Path.Combine(Run, RunDirectory.Summary)), File.ReadAllText(Path.Combine(scratch, "plain.json")));
            Assert.Contains("\"optimal\": {", File.ReadAllText(Path.Combine(scratch, "compared.json")));
            Assert.Equal(2, RunJson.Read<RunSummary>(scratch, "compared.json").Optimal!.Starts);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }
}
