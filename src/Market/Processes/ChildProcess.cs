using System.Collections.Concurrent;
using System.Diagnostics;

namespace MicroMarket.Market.Processes;

/// <summary>
/// Starts the processes this program owns (the Anvil chain, cluster nodes of a benchmark) so that they
/// neither hear the terminal nor outlive the program:
/// <list type="bullet">
/// <item>each runs in a session of its own (<c>setsid</c>), so a Ctrl+C, which the terminal sends to the
/// whole foreground process group, reaches only this program: it decides when the chain stops, after the
/// phase under way and the run directory are written;</item>
/// <item>each gets SIGKILL when this program dies (<c>setpriv --pdeathsig KILL</c>, Linux's parent-death
/// signal), so no chain is left behind even when this program is killed without a chance to clean up.</item>
/// </list>
/// Linux sends the parent-death signal when the <em>thread</em> that forked the child ends, not the process:
/// .NET forks on the calling thread, and a pool thread retires when it has been idle a while, which would kill
/// the chain in the middle of a run. So every child is forked by one thread that lives as long as the program.
/// The window between the fork and <c>setpriv</c> arming the signal (a few milliseconds) is not covered.
/// Elsewhere than Linux the child is started plainly (and is killed on a normal exit by its owner).
/// </summary>
public static class ChildProcess
{
    private static readonly BlockingCollection<Launch> Launches = StartLauncher();

    /// <summary>
    /// util-linux's setsid and setpriv, found on the PATH once and named by their full paths: .NET resolves a bare
    /// program name against the working directory first, which fails when that directory has been deleted.
    /// </summary>
    private static readonly Lazy<(string Setsid, string Setpriv)> Wrappers = new(() => (OnPath("setsid"), OnPath("setpriv")));

    /// <summary>Starts <paramref name="info"/>'s program (with its arguments, redirections and environment) as an owned child.</summary>
    /// <exception cref="InvalidOperationException">The program could not be started; the message names it.</exception>
    public static Process Start(ProcessStartInfo info, Action<Process>? beforeStart = null)
    {
        var launch = new Launch(Owned(info), beforeStart);
        Launches.Add(launch);
        return launch.Started.Task.GetAwaiter().GetResult();
    }

    /// <summary>The start info that wraps <paramref name="info"/>'s program in <c>setsid</c> and <c>setpriv --pdeathsig KILL</c> on Linux.</summary>
    private static ProcessStartInfo Owned(ProcessStartInfo info)
    {
        if (!OperatingSystem.IsLinux())
        {
            return info;
        }
        var (setsid, setpriv) = Wrappers.Value;
        var owned = new ProcessStartInfo(setsid)
        {
            RedirectStandardInput = info.RedirectStandardInput,
            RedirectStandardOutput = info.RedirectStandardOutput,
            RedirectStandardError = info.RedirectStandardError,
            UseShellExecute = false,
            WorkingDirectory = info.WorkingDirectory,
        };
        foreach (var (key, value) in info.Environment)
        {
            owned.Environment[key] = value;
        }
        // setsid execs in place (this child is not a group leader), and setpriv execs the program: the
        // child's pid is the program's, so killing or waiting for it is killing or waiting for the program.
        foreach (var arg in (string[])[setpriv, "--pdeathsig", "KILL", "--", info.FileName, .. info.ArgumentList])
        {
            owned.ArgumentList.Add(arg);
        }
        return owned;
    }

    private static string OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{program} (util-linux) is not on the PATH: it runs the chain in a session of its own that ends with this program; install util-linux");

    private static BlockingCollection<Launch> StartLauncher()
    {
        var launches = new BlockingCollection<Launch>();
        var thread = new Thread(() =>
        {
            foreach (var launch in launches.GetConsumingEnumerable())
            {
                try
                {
                    var process = new Process { StartInfo = launch.Info };
                    launch.BeforeStart?.Invoke(process);
                    if (!process.Start())
                    {
                        throw new InvalidOperationException($"could not start {launch.Info.FileName}");
                    }
                    launch.Started.SetResult(process);
                }
                catch (Exception ex)
                {
                    launch.Started.SetException(ex);
                }
            }
        })
        {
            IsBackground = true,
            Name = "child-process launcher",
        };
        thread.Start();
        return launches;
    }

    private sealed record Launch(ProcessStartInfo Info, Action<Process>? BeforeStart)
    {
        public TaskCompletionSource<Process> Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
