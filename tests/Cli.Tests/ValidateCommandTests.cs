using static MicroMarket.Cli.Tests.InProcessCli;

namespace MicroMarket.Cli.Tests;

/// <summary>
/// `micromarket validate SCENARIO`: the checks `run` makes before it starts, and a summary of the run on stdout; exit 0
/// valid, 2 not, and no chain ever started.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ValidateCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("micromarket-validate-");

    private static string Quickstart => Path.Combine(Repository.Root, "scenarios", "quickstart.yaml");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task A_valid_scenario_is_summarised_on_stdout_with_its_estimate_and_exit_0()
    {
        var (exit, output, error) = await Run("validate", Quickstart, "--seed", "5");

        Assert.True(exit == 0, error);
        Assert.Equal("", error);
        var lines = output.TrimEnd().Split('\n');
        Assert.Equal(["scenario", "mode", "time", "units", "market", "expected", "estimate"], lines.Select(l => l.Split(' ')[0]));
        Assert.Equal($"scenario   quickstart ({Quickstart}), seed 5", lines[0]);
        Assert.Equal("units      10: 1 pv, 1 wind, 1 battery, 2 ev, 3 load, 1 flexible-load, 1 slack", lines[3]);
        Assert.Equal("market     10 participants, every unit on an account of its own", lines[4]);
        Assert.Matches(@"^expected   ~\d+ transactions, ~\d+ M gas \(\d+\.\d\d M per participant-day\)$", lines[5]);
        Assert.Matches(@"^estimate   ~\d+\.\d s: start-up ", lines[6]);
    }

    [Fact]
    public async Task A_grid_connected_scenario_counts_the_supplier_among_the_participants()
    {
        var (exit, output, error) = await Run("validate", Path.Combine(Repository.Root, "scenarios", "ieee-eu-lv-prosumers.yaml"));

        Assert.True(exit == 0, error);
        Assert.Contains("\nmarket     56 participants, the 55 units and the grid supplier, each on an account of its own\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_in_the_scenario_is_located_and_exits_2_with_nothing_on_stdout()
    {
        // The quickstart with no days, its feeder named where it is.
        var lines = File.ReadAllLines(Quickstart);
        var daysLine = Array.FindIndex(lines, l => l.Contains("days: 1,", StringComparison.Ordinal));
        var bad = Path.Combine(_dir.FullName, "no-days.yaml");
        File.WriteAllLines(bad, lines.Select((l, i) => i == daysLine ? l.Replace("days: 1,", "days: 0,", StringComparison.Ordinal)
            : l.Replace("feeders/", Path.Combine(Repository.Root, "scenarios", "feeders") + "/", StringComparison.Ordinal)));

        var (exit, output, error) = await Run("validate", bad);

        Assert.Equal((2, ""), (exit, output));
        Assert.Contains($"1 error(s) in {bad}; nothing was started", error, StringComparison.Ordinal);
        Assert.Contains($"{bad}:{daysLine + 1}:", error, StringComparison.Ordinal);
        Assert.Contains("time.days", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_scenario_is_one_line_and_exit_2()
    {
        var missing = Path.Combine(_dir.FullName, "missing.yaml");

        var (exit, output, error) = await Run("validate", missing);

        Assert.Equal((2, "", $"micromarket: validate: {missing}: no such scenario or experiment file"), (exit, output, error.TrimEnd()));
    }

    /// <summary>
    /// As users call it (a child process), with no Anvil to be had: `run` fails for want of one, which shows that this is
    /// a chain denied, and `validate` does not notice.
    /// </summary>
    [Fact]
    public async Task Validate_starts_no_chain()
    {
        var noAnvil = new Dictionary<string, string?> { ["MICROMARKET_ANVIL"] = Path.Combine(_dir.FullName, "no-anvil") };
        var program = Path.Combine(AppContext.BaseDirectory, "micromarket");
        var timeout = TimeSpan.FromMinutes(2);

        var run = await ExternalProcess.RunAsync(_dir.FullName, program, ["run", Quickstart, "--out", Path.Combine(_dir.FullName, "run")], timeout, noAnvil);
        var validate = await ExternalProcess.RunAsync(_dir.FullName, program, ["validate", Quickstart], timeout, noAnvil);

        Assert.True(run.ExitCode == 1 && run.Stderr.Contains("MICROMARKET_ANVIL names", StringComparison.Ordinal), $"run: exit {run.ExitCode}\n{run.Stderr}");
        Assert.True(validate.ExitCode == 0, $"validate: exit {validate.ExitCode}\n{validate.Stderr}");
        Assert.Contains("\nestimate   ~", validate.Stdout, StringComparison.Ordinal);
        Assert.Equal(["run"], _dir.GetFileSystemInfos().Select(f => f.Name));
    }

    [Fact]
    public async Task Its_help_prints_its_usage()
    {
        var help = await CliProcess.RunAsync("validate", "--help");

        Assert.True(help.ExitCode == 0, help.Stderr);
        Assert.Contains("micromarket validate <FILE>", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("--seed", help.Stdout, StringComparison.Ordinal);
    }
}
