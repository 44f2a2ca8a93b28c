namespace MicroMarket.Cli.Tests;

public sealed class BenchSweepCommandTests
{
    [Fact]
    public async Task It_loads_an_experiment_and_writes_its_tables_over_every_run_and_prints_the_times()
    {
        var bench = await CliProcess.RunAsync("bench", "sweep", "--runs", "12", "--repeats", "2");

        Assert.True(bench.ExitCode == 0, bench.Stderr);
        Assert.Matches(@"\| 12 \| [0-9.]+ s \| [0-9.]+ s \([0-9.]+ - [0-9.]+\) over 2 \|", bench.Stdout);
        Assert.Contains("bench sweep: tables 2/2", bench.Stderr);
    }

    [Fact]
    public async Task Runs_out_of_range_are_bad_input()
    {
        var bench = await CliProcess.RunAsync("bench", "sweep", "--runs", "0");

        Assert.Equal(2, bench.ExitCode);
        Assert.Contains("--runs must be 1 to 1000", bench.Stderr);
    }
}
