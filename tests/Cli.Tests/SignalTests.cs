using System.Diagnostics;
using System.Text.RegularExpressions;
using MicroMarket.RunFormat;

namespace MicroMarket.Cli.Tests;

/// <summary>
/// The program under the signals a terminal, a shell or an SSH session sends: to its whole process group, as a
/// terminal's Ctrl+C does (the program runs in a session of its own, as a shell job). After each, the run directory
/// is in the documented state (README, "When a run is stopped") and no process the program started is left running.
/// </summary>
public sealed class SignalTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("micromarket-signals-");

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    [InlineData("HUP")]
    public async Task One_signal_to_the_process_group_stops_after_the_phase_and_keeps_a_checked_run_marked_interrupted(string signal)
    {
        var (exit, run, output, orphans) = await RunAndSignal([signal]);

        Assert.True(exit == 1, output);
        Assert.Contains($"run interrupted by SIG{signal} (partial run, marked incomplete)", output);
        Assert.Contains("invariants: energy balance ok, money conserved", output);
        var summary = RunJson.Read<RunSummary>(run, RunDirectory.Summary);
        Assert.False(summary.Complete);
        Assert.Null(summary.Failure);
        Assert.Equal($"SIG{signal}", summary.Interrupted);
        Assert.InRange(summary.SlotsDelivered, 1, 95);
        Assert.Contains($"interrupted by SIG{signal} after {summary.PhasesDone} phases", File.ReadAllText(Path.Combine(run, RunDirectory.Report)));
        Assert.Empty(orphans);
    }

    [Fact]
    public async Task A_second_Ctrl_C_ends_at_once_with_a_summary_that_says_there_are_no_results_and_no_child_left()
    {
        var (exit, run, output, orphans) = await RunAndSignal(["INT", "INT"]);

        Assert.True(exit == 130, output);
        Assert.Contains("SIGINT again: ending at once", output);
        var summary = RunWithoutResults.Read(run);
        Assert.NotNull(summary);
        Assert.False(summary.Complete);
        Assert.Equal("SIGINT", summary.Interrupted);
        Assert.Contains("ended at once by a second SIGINT", summary.Failure);
        Assert.Empty(orphans);
        // Nothing takes what it left for results.
        var report = await CliProcess.RunAsync("report", run);
        Assert.Equal(2, report.ExitCode);
        Assert.Contains("has no results", report.Stderr);
    }

    [Fact]
    public async Task SIGKILL_of_the_program_takes_its_chain_with_it()
    {
        var (exit, run, output, orphans) = await RunAndSignal(["KILL"]);

        Assert.True(exit == 128 + 9, $"exit {exit}\n{output}");
        Assert.Empty(orphans);
        // Killed: no summary.json, so the directory does not pass for a run's results.
        Assert.False(File.Exists(Path.Combine(run, RunDirectory.Summary)));
    }

    [Fact]
    public async Task Closing_its_terminal_stops_it_like_SIGHUP_although_the_progress_line_can_no_longer_be_written()
    {
        var run = Path.Combine(_dir.FullName, "hung-up");
        var program = string.Join(' ', new[] { Environment.ProcessPath ?? "dotnet", typeof(MicromarketProcess).Assembly.Location, "run",
            Path.Combine(Repository.Root, "scenarios", "quickstart.yaml"), "--out", run }.Select(a => $"'{a}'"));
        // `script` gives the program a pseudo-terminal of its own; killing `script` closes the terminal's master side,
        // and the kernel hangs the terminal up: SIGHUP to the program, whose writes to the terminal now fail (EIO).
        var info = new ProcessStartInfo("script", ["-q", "-e", "-c", program, "/dev/null"]) { RedirectStandardOutput = true, RedirectStandardInput = true };
        using var terminal = Process.Start(info)!;
        _ = terminal.StandardOutput.ReadToEndAsync();
        var micromarket = await WaitForAsync(() => Descendants(terminal.Id).FirstOrDefault(p => ProcessTable.ChildrenOf(p).Any(c => c.Name == "anvil")));
        var chain = ProcessTable.ChildrenOf(micromarket);
        await WaitForAsync(() => File.Exists(Path.Combine(run, RunDirectory.ResolvedScenario)) ? 1 : 0);
        await Task.Delay(TimeSpan.FromSeconds(2)); // into the market's phases

        terminal.Kill();

        Assert.Empty(await ProcessTable.StillRunningAfterAsync([micromarket], Timeout));
        Assert.Empty(await ProcessTable.StillRunningAfterAsync(chain.Select(c => c.Pid), TimeSpan.FromSeconds(5)));
        var summary = RunJson.Read<RunSummary>(run, RunDirectory.Summary);
        Assert.Equal("SIGHUP", summary.Interrupted);
        Assert.True(summary.Verification.Holds);
    }

    private static IEnumerable<int> Descendants(int pid) =>
        ProcessTable.ChildrenOf(pid).SelectMany(c => (IEnumerable<int>)[c.Pid, .. Descendants(c.Pid)]);

    private static async Task<int> WaitForAsync(Func<int> found)
    {
        var deadline = DateTime.UtcNow + Timeout;
        int value;
        while ((value = found()) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(100);
        }
        return value;
    }

    /// <summary>
    /// Starts the quickstart, waits for its 20th phase, records the processes it started (its chain), sends the signals
    /// (to the process group, as a terminal does; KILL to the program alone), and waits for its end.
    /// </summary>
    private async Task<(int Exit, string Run, string Output, IReadOnlyList<int> Orphans)> RunAndSignal(string[] signals)
    {
        var run = Path.Combine(_dir.FullName, string.Join("-", signals));
        using var program = MicromarketProcess.Start("micromarket", "run", Path.Combine(Repository.Root, "scenarios", "quickstart.yaml"), "--out", run);
        await program.WaitForLineAsync(line => Regex.Match(line, @"phase (\d+)/147") is { Success: true } m && int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 20, Timeout);
        var children = ProcessTable.ChildrenOf(program.ProcessId);
        Assert.Contains(children, c => c.Name == "anvil");
        foreach (var (signal, index) in signals.Select((s, i) => (s, i)))
        {
            if (index > 0)
            {
                // A second Ctrl+C is a second keystroke: it comes once the first has been taken, while
                // the phase under way is still being finished. Two signals sent at the same instant
                // can merge into one pending signal in the kernel (CI saw the run end as if once).
                await program.WaitForLineAsync(line => line.Contains("stopping after the phase under way", StringComparison.Ordinal), Timeout);
            }
            if (signal == "KILL")
            {
                program.Kill();
            }
            else
            {
                program.SignalGroup(signal);
            }
        }
        var exit = await program.WaitForExitAsync(Timeout);
        var orphans = await ProcessTable.StillRunningAfterAsync(children.Select(c => c.Pid), TimeSpan.FromSeconds(5));
        return (exit, run, program.Output, orphans);
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
