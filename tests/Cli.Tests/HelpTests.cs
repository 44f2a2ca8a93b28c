namespace MicroMarket.Cli.Tests;

/// <summary>
/// Every command's help, as a user calls it (a child process: the help goes through Spectre's own
/// console), prints its usage and exits 0. Option descriptions are Spectre markup, so a literal
/// bracket must be escaped, or the help is a stack trace.
/// </summary>
public sealed class HelpTests
{
    [Theory]
    [InlineData]
    [InlineData("run")]
    [InlineData("clear")]
    [InlineData("optimal")]
    [InlineData("powerflow")]
    [InlineData("report")]
    [InlineData("compare")]
    [InlineData("node")]
    [InlineData("keys")]
    [InlineData("keys", "new")]
    [InlineData("bench")]
    [InlineData("bench", "market")]
    [InlineData("bench", "run")]
    [InlineData("bench", "cluster")]
    public async Task Every_commands_help_prints_its_usage_without_a_trace(params string[] command)
    {
        var (exit, output, error) = await CliProcess.RunAsync([.. command, "--help"]);

        Assert.True(exit == 0, $"exit {exit}: {error}");
        Assert.Contains("USAGE", output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Exception", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compares_usage_says_it_takes_several_run_directories()
    {
        var (_, output, _) = await CliProcess.RunAsync("compare", "--help");

        Assert.Contains("micromarket compare <RUN_DIRS>", output, StringComparison.Ordinal);
        Assert.Contains("two or more run directories", output, StringComparison.Ordinal);
    }
}
