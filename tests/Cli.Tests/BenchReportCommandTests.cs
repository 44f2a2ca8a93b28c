using static MicroMarket.Cli.Tests.InProcessCli;

namespace MicroMarket.Cli.Tests;

/// <summary>`micromarket bench report` on a small synthetic run, in-process: the figures on stdout, the progress on stderr.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class BenchReportCommandTests
{
    [Fact]
    public async Task Bench_report_prints_its_table_on_stdout_and_its_progress_on_stderr()
    {
        var (exit, output, error) = await Run("bench", "report", "--days", "2", "--units", "8", "--runs", "1");

        Assert.True(exit == MicroMarketApp.ExitOk, error);
        Assert.StartsWith("synthetic run (values of the right shape, not simulated): 2 days x 8 units, Parquet, 1,536 unit rows, ", output, StringComparison.Ordinal);
        Assert.Contains("| 2 days x 8 units | 1 | ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("bench report:", output, StringComparison.Ordinal);
        Assert.Contains("bench report: report 1/1: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bench_report_refuses_a_run_too_small_for_the_generator()
    {
        var (exit, _, error) = await Run("bench", "report", "--units", "6");

        Assert.Equal(MicroMarketApp.ExitBadInput, exit);
        Assert.Equal("micromarket: bench report: --days must be 1 to 366, --units at least 7 and --runs at least 1", error.Trim());
    }
}
