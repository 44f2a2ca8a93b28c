using System.Diagnostics;
using System.Text;
using MicroMarket.Market.Processes;

namespace MicroMarket.Cli;

/// <summary>
/// This program as a child process: a cluster node for `micromarket bench cluster`, the program
/// under test for the tests. Started the way the current process runs it (its apphost, or
/// `dotnet micromarket.dll`), or as another build of it; its output is kept line by line (standard output and error apart,
/// and interleaved), a line can be awaited, and it can be signalled as a terminal does (its process group)
/// or killed (SIGKILL: no chance to leave the cluster).
/// </summary>
public sealed class MicromarketProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waiters = [];

    private MicromarketProcess(string name, ProcessStartInfo info)
    {
        Name = name;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        // In a session of its own, as a shell starts a job: a signal to its process group is what a
        // terminal sends, and it dies with this process.
        _process = ChildProcess.Start(info, p =>
        {
            p.OutputDataReceived += (_, e) => OnLine(_stdout, e.Data);
            p.ErrorDataReceived += (_, e) => OnLine(_stderr, e.Data);
        });
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    /// <summary>Standard output and error as they came.</summary>
    public string Output => Read(_output);

    public string Stdout => Read(_stdout);

    public string Stderr => Read(_stderr);

    public static MicromarketProcess Start(string name, params string[] args) => Start(name, ThisProgram(), args);

    /// <summary>
    /// Runs <paramref name="program"/> (its file, its own arguments and environment) with <paramref name="args"/> after its
    /// own arguments: another build of this program, such as the tests' linux-arm64 Pi build under an emulator.
    /// </summary>
    public static MicromarketProcess Start(string name, ProcessStartInfo program, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(program.FileName);
        foreach (var arg in program.ArgumentList.Concat(args))
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in program.Environment)
        {
            info.Environment[key] = value;
        }
        return new(name, info);
    }

    /// <summary>This program as the current process runs: its apphost, or `dotnet micromarket.dll`.</summary>
    public static ProcessStartInfo ThisProgram()
    {
        var host = Environment.ProcessPath ?? "dotnet";
        var info = new ProcessStartInfo(host);
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            info.ArgumentList.Add(typeof(MicromarketProcess).Assembly.Location);
        }
        return info;
    }

    /// <summary>Waits for an output line matching <paramref name="match"/> (including lines already printed).</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            var earlier = _output.ToString().Split('\n').FirstOrDefault(match);
            if (earlier is not null)
            {
                return earlier;
            }
            _waiters.Add((match, seen));
        }
        var done = await Task.WhenAny(seen.Task, Task.Delay(timeout)).ConfigureAwait(false);
        return done == seen.Task ? await seen.Task.ConfigureAwait(false) : throw new TimeoutException($"{Name}: no matching line within {timeout.TotalSeconds:0} s. Output:\n{Output}");
    }

    public int ProcessId => _process.Id;

    /// <summary>SIGINT to its process group, as Ctrl+C in its terminal sends it.</summary>
    public void Interrupt() => SignalGroup("INT");

    /// <summary>A signal (<c>INT</c>, <c>TERM</c>, <c>HUP</c>...) to its process group, as a terminal or a shell sends it.</summary>
    public void SignalGroup(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", "--", $"-{_process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}"])!;
        kill.WaitForExit();
    }

    /// <summary>SIGKILL to the process alone: it gets no chance to clean up, leave the cluster or stop what it started.</summary>
    public void Kill() => _process.Kill(entireProcessTree: false);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            return await WaitForExitAsync(cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not exit within {timeout.TotalSeconds:0} s. Output:\n{Output}");
        }
    }

    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        _process.WaitForExit(); // drains the output
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }

    private void OnLine(StringBuilder stream, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            stream.AppendLine(line);
            _output.AppendLine(line);
            foreach (var waiter in _waiters.Where(w => w.Match(line)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Seen.TrySetResult(line);
            }
        }
    }

    private string Read(StringBuilder stream)
    {
        lock (_output)
        {
            return stream.ToString();
        }
    }
}
