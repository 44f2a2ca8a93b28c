using MicroMarket.Reporting.Tests;
using MicroMarket.RunFormat;
using static MicroMarket.Cli.Tests.InProcessCli;

namespace MicroMarket.Cli.Tests;

/// <summary>`micromarket report` and `micromarket compare` run in-process with the console redirected: outputs and exit codes.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ReportCommandTests
{
    [Fact]
    public async Task Report_writes_the_report_and_prints_the_paths()
    {
        using var run = RunFixture.IslandDay();
        var (exit, output, _) = await Run("report", run.Directory, "--slot", "40");

        Assert.Equal(MicroMarketApp.ExitOk, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(run.PathOf(RunDirectory.Report), lines[0]);
        Assert.Equal(run.PathOf(RunDirectory.Monthly), lines[1]);
        Assert.Equal(13, lines.Length);
        Assert.Contains("slot 40 ", File.ReadAllText(run.PathOf(RunDirectory.Report)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--slot", "96", "report: --slot 96: slot 96 is not in the run (0..95)")]
    [InlineData("--slot", "x", "report: --slot 'x' is not a slot number (0, 1, ...)")]
    public async Task Report_refuses_a_bad_slot(string option, string value, string message)
    {
        using var run = RunFixture.IslandDay();
        var (exit, _, error) = await Run("report", run.Directory, option, value);

        Assert.Equal(MicroMarketApp.ExitBadInput, exit);
        Assert.Equal($"micromarket: {message}", error.Trim());
    }

    [Fact]
    public async Task Report_of_a_missing_directory_is_bad_input()
    {
        var (exit, _, error) = await Run("report", "/no/such/run");

        Assert.Equal(MicroMarketApp.ExitBadInput, exit);
        Assert.Equal("micromarket: report: /no/such/run: no such run directory", error.Trim());
    }

    [Fact]
    public async Task Report_of_a_malformed_file_names_file_line_and_field()
    {
        using var run = RunFixture.IslandDay();
        var lines = File.ReadAllLines(run.PathOf(RunDirectory.Buses));
        lines[2] = lines[2].Replace("B1,0,", "B1,zero,", StringComparison.Ordinal);
        File.WriteAllLines(run.PathOf(RunDirectory.Buses), lines);
        var (exit, _, error) = await Run("report", run.Directory);

        Assert.Equal(MicroMarketApp.ExitBadInput, exit);
        Assert.Equal("micromarket: report: buses.csv:3: x: 'zero' is not a number", error.Trim());
    }

    [Fact]
    public async Task Compare_writes_one_page_for_several_runs()
    {
        using var a = RunFixture.IslandDay();
        using var b = RunFixture.IslandDay();
        var outDirectory = Path.Combine(a.Directory, "compared");
        var (exit, output, _) = await Run("compare", a.Directory, b.Directory, "--out", outDirectory);

        Assert.Equal(MicroMarketApp.ExitOk, exit);
        Assert.Equal(
            [Path.Combine(outDirectory, "comparison.html"), .. new[] { "compare-day-ahead-price.png", "compare-intraday-price.png", "compare-bills.png", "compare-storage.png", "compare-dispatch.png" }.Select(f => Path.Combine(outDirectory, RunDirectory.Figures, f))],
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("micromarket: compare: needs at least two run directories, got 1", "compare", "RUN_A", "--out", "OUT")]
    [InlineData("micromarket: compare: --out DIR is required", "compare", "RUN_A", "RUN_A")]
    public async Task Compare_refuses_bad_arguments(string message, params string[] args)
    {
        using var run = RunFixture.IslandDay();
        var (exit, _, error) = await Run(args.Select(a => a switch { "RUN_A" => run.Directory, "OUT" => run.PathOf("out"), _ => a }).ToArray());

        Assert.Equal(MicroMarketApp.ExitBadInput, exit);
        Assert.Equal(message, error.Trim());
    }

    [Fact]
    public async Task Compare_with_a_missing_run_is_bad_input()
    {
        using var run = RunFixture.IslandDay();
        var (exit, _, error) = await Run("compare", run.Directory, "/no/such/run", "--out", run.PathOf("out"));

        Assert.Equal(MicroMarketApp.ExitBadInput, exit);
        Assert.Equal("micromarket: compare: /no/such/run: no such run directory", error.Trim());
    }
}
