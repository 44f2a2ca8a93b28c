using MicroMarket.Agents.Running;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios;

namespace MicroMarket.Agents.Tests.Simulation;

/// <summary>
/// The quickstart with its per-slot tables forced to Parquet (issue 15, 5): the tables reproduce byte for byte, the
/// invariants hold when recomputed from them alone, and the run is the CSV run of the same seed.
/// </summary>
public sealed class ParquetRunTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("micromarket-parquet-");

    [Fact]
    public async Task A_parquet_quickstart_reproduces_byte_for_byte_keeps_every_invariant_and_matches_the_csv_run()
    {
        var scenario = ScenarioLoader.Load(Repository.Scenario("quickstart.yaml"));
        var parquet = new TableFormatChoice(TableFormat.Parquet);
        var first = await SimulationRunner.RunAsync(scenario, new RunOptions(Path.Combine(_root.FullName, "a")) { Tables = parquet }, CancellationToken.None);
        var second = await SimulationRunner.RunAsync(scenario, new RunOptions(Path.Combine(_root.FullName, "b")) { Tables = parquet }, CancellationToken.None);
        var csv = await SimulationRunner.RunAsync(scenario, new RunOptions(Path.Combine(_root.FullName, "csv")), CancellationToken.None);

        Assert.True(first.Complete, first.Failure);
        Assert.True(first.Verification.Holds, first.Verification.ToString());
        foreach (var table in RunDirectory.PerSlotTables)
        {
            Assert.True(File.Exists(Path.Combine(first.OutputDirectory, RunDirectory.TableFile(table, TableFormat.Parquet))), table);
            Assert.False(File.Exists(Path.Combine(first.OutputDirectory, table)), table);
            Assert.True(File.Exists(Path.Combine(csv.OutputDirectory, table)), table);
        }
        Assert.Empty(RunDirectory.Differences(first.OutputDirectory, second.OutputDirectory));

        RunDirectoryChecks.EnergyBalances(first.OutputDirectory);
        RunDirectoryChecks.MoneyBalances(first.OutputDirectory);
        Assert.Equal(192, RunDirectoryChecks.ClearingMatchesReference(first.OutputDirectory));
        RunDirectoryChecks.Kpis(first.OutputDirectory, scenario);
        // The same KPIs, invariants and everything else summary.json says as the CSV run of the same seed.
        Assert.Equal(File.ReadAllBytes(Path.Combine(csv.OutputDirectory, RunDirectory.Summary)), File.ReadAllBytes(Path.Combine(first.OutputDirectory, RunDirectory.Summary)));
        foreach (var table in RunDirectory.PerSlotTables)
        {
            var fromParquet = RunDirectoryChecks.Read(first.OutputDirectory, table);
            var fromCsv = RunDirectoryChecks.Read(csv.OutputDirectory, table);
            Assert.Equal(fromCsv.Count, fromParquet.Count);
        }
        Assert.Equal(
            RunDirectoryChecks.Read(csv.OutputDirectory, RunDirectory.Units).Sum(r => r.Money(UnitsCsv.TradeTokens)),
            RunDirectoryChecks.Read(first.OutputDirectory, RunDirectory.Units).Sum(r => r.Money(UnitsCsv.TradeTokens)));
    }

    public void Dispose() => _root.Delete(recursive: true);
}
