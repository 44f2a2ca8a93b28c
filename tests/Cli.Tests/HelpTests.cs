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
    [InlineData("bench", "report")]
    public async Task Every_commands_help_prints_its_usage_without_a_trace(params string[] command)
    {
        var (exit, output, error) = await CliProcess.RunAsync([.. command, "--help"]);

        Assert.True(exit == 0, $"exit {exit}: {error}");
        Assert.Contains("USAGE", output, StringComparison.OrdinalIgnoreCase);
        CliAssert.NoTrace(output + error);
    }

    [Fact]
    public async Task Compares_usage_says_it_takes_several_run_directories()
    {
        var (_, output, _) = await CliProcess.RunAsync("compare", "--help");

        Assert.Contains("micromarket compare <RUN_DIRS>", output, StringComparison.Ordinal);
        Assert.Contains("two or more run directories", output, StringComparison.Ordinal);
    }
}

/// <summary>
/// The conventions every command shares: `help [COMMAND...]` is `--help`; a missing command (the program or a branch
/// alone) and an unknown one are usage errors (exit 2, on stderr); `--version` names the commit; the global options
/// are accepted anywhere before `--`.
/// </summary>
public sealed class ConventionTests
{
    [Theory]
    [InlineData]
    [InlineData("run")]
    [InlineData("bench")]
    [InlineData("bench", "run")]
    [InlineData("keys", "new")]
    public async Task Help_before_a_command_prints_what_its_help_option_does(params string[] command)
    {
        var asked = await CliProcess.RunAsync([.. command, "--help"]);
        var help = await CliProcess.RunAsync(["help", .. command]);

        Assert.Equal((0, asked.Stdout, ""), (help.ExitCode, help.Stdout, help.Stderr));
        Assert.Contains("GLOBAL OPTIONS:", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("--quiet", help.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "micromarket: no command given; see micromarket --help")]
    [InlineData("bench", "micromarket: bench: no command given; see micromarket bench --help")]
    [InlineData("keys", "micromarket: keys: no command given; see micromarket keys --help")]
    public async Task A_missing_command_is_a_usage_error_with_the_usage_on_stderr(string branch, string error)
    {
        var run = await CliProcess.RunAsync(branch.Length == 0 ? [] : [branch]);

        Assert.Equal((2, ""), (run.ExitCode, run.Stdout));
        Assert.Contains("USAGE", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(error, run.Stderr.TrimEnd().Split('\n')[^1]);
    }

    [Theory]
    [InlineData(new[] { "foo" }, "micromarket: unknown command 'foo'; see micromarket --help")]
    [InlineData(new[] { "rnu", "scenarios/quickstart.yaml" }, "micromarket: unknown command 'rnu' (did you mean 'run'?); see micromarket --help")]
    [InlineData(new[] { "bench", "rnu" }, "micromarket: unknown command 'rnu' (did you mean 'run'?); see micromarket --help")]
    [InlineData(new[] { "help", "foo" }, "micromarket: unknown command 'foo'; see micromarket --help")]
    public async Task An_unknown_command_is_a_usage_error_on_one_line(string[] args, string error)
    {
        var run = await CliProcess.RunAsync(args);

        Assert.Equal((2, "", error), (run.ExitCode, run.Stdout, run.Stderr.TrimEnd()));
    }

    [Theory]
    [InlineData("--version")]
    [InlineData("-V")]
    [InlineData("--quiet", "--version")]
    public async Task The_version_names_the_commit_it_was_built_from(params string[] args)
    {
        var run = await CliProcess.RunAsync(args);

        Assert.Equal((0, ""), (run.ExitCode, run.Stderr));
        Assert.Matches($@"^\d+\.\d+\.\d+\+{await ExternalProcess.CommitAsync()}$", run.Stdout.TrimEnd());
    }

    [Fact]
    public async Task The_global_options_are_taken_anywhere_before_the_commands_own_arguments()
    {
        var key = Path.Combine(Path.GetTempPath(), $"micromarket-key-{Guid.NewGuid():N}");
        try
        {
            var run = await CliProcess.RunAsync("-v", "keys", "--debug", "new", "--out", key, "--quiet");

            Assert.True(run.ExitCode == 0, run.Stderr);
            Assert.True(File.Exists(key));
        }
        finally
        {
            File.Delete(key);
        }
    }
}

/// <summary>How the global options are read (in process: they are the program's static state, left as no options given).</summary>
[Collection(ConsoleCollection.Name)]
public sealed class GlobalOptionsTests : IDisposable
{
    public void Dispose() => GlobalOptions.Parse([], debugVariable: null);

    [Fact]
    public void They_are_taken_out_wherever_they_are_and_the_rest_keeps_its_order()
    {
        var rest = GlobalOptions.Parse(["run", "-q", "a.yaml", "--debug", "--out", "dir"], debugVariable: null);

        Assert.Equal(["run", "a.yaml", "--out", "dir"], rest);
        Assert.Equal((true, false, true), (GlobalOptions.Quiet, GlobalOptions.Verbose, GlobalOptions.Debug));
    }

    [Fact]
    public void After_a_double_dash_every_argument_is_the_commands()
    {
        var rest = GlobalOptions.Parse(["run", "--verbose", "--", "-q", "--debug"], debugVariable: null);

        Assert.Equal(["run", "--", "-q", "--debug"], rest);
        Assert.Equal((false, true, false), (GlobalOptions.Quiet, GlobalOptions.Verbose, GlobalOptions.Debug));
    }

    [Theory]
    [InlineData(new[] { "-q", "-v" }, false, true)]
    [InlineData(new[] { "--verbose", "--quiet" }, true, false)]
    public void Of_quiet_and_verbose_the_later_wins(string[] args, bool quiet, bool verbose)
    {
        GlobalOptions.Parse(args, debugVariable: null);

        Assert.Equal((quiet, verbose), (GlobalOptions.Quiet, GlobalOptions.Verbose));
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("0", false)]
    [InlineData(null, false)]
    public void The_debug_variable_set_to_1_is_debug(string? variable, bool debug)
    {
        GlobalOptions.Parse(["run", "--debug"], debugVariable: null);
        GlobalOptions.Parse(["run"], variable);

        Assert.Equal(debug, GlobalOptions.Debug);
    }
}
