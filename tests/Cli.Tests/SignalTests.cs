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
        foreach (var (signal, k) in signals.Select((s, k) => (s, k)))
        {
            if (k > 0)
            {
                await Task.Delay(50);
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
