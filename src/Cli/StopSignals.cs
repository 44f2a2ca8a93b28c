using System.Runtime.InteropServices;

namespace MicroMarket.Cli;

/// <summary>
/// The signals that ask this program to stop: SIGINT (Ctrl+C), SIGTERM (a service manager, <c>kill</c>) and SIGHUP
/// (the terminal or the SSH session closed). The first stops the command after the phase under way, so a run
/// directory is left consistent, checked and marked interrupted by that signal; a second ends the program at once
/// (exit 128 + the signal's number), after the commands' last words (a run marks its directory as having no results)
/// and with every child process stopped. The chain and other children run in sessions of their own (see
/// <c>ChildProcess</c>), so the terminal's Ctrl+C reaches only this program. One per process: signals are.
/// </summary>
public sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<PosixSignalRegistration> _registrations;
    private readonly List<Action<string>> _lastWords = [];
    private string? _first;

    private StopSignals()
    {
        _registrations = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP }.Select(s => PosixSignalRegistration.Create(s, OnSignal))];
    }

    /// <summary>This process's signals, once <see cref="Listen"/> has run (the program); null in a host that keeps its own (tests).</summary>
    public static StopSignals? Current { get; private set; }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>The first signal's name (SIGINT, SIGTERM, SIGHUP), once one came.</summary>
    public string? First => Volatile.Read(ref _first);

    public static StopSignals Listen() => Current = new StopSignals();

    /// <summary>
    /// Registers what to do if the program is ended at once (given the signal's name), until the returned handle is
    /// disposed: the command's last words. They must be quick and must not wait for anything the command does.
    /// </summary>
    public IDisposable OnEndingAtOnce(Action<string> lastWords)
    {
        lock (_lastWords)
        {
            _lastWords.Add(lastWords);
        }
        return new Unregister(() =>
        {
            lock (_lastWords)
            {
                _lastWords.Remove(lastWords);
            }
        });
    }

    public void Dispose()
    {
        _registrations.ForEach(r => r.Dispose());
        _stop.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        var name = context.Signal switch
        {
            PosixSignal.SIGINT => "SIGINT",
            PosixSignal.SIGTERM => "SIGTERM",
            _ => "SIGHUP",
        };
        if (context.Signal == PosixSignal.SIGHUP)
        {
            // The terminal may be gone: what is left to say must not fail the program on the way out.
            ForgivingConsole.SurviveHangUp();
        }
        if (Interlocked.CompareExchange(ref _first, name, null) is null)
        {
            Console.Error.WriteLine($"micromarket: {name}: stopping after the phase under way ({(context.Signal == PosixSignal.SIGINT ? "Ctrl+C again" : "a second signal")} ends at once)");
            _stop.Cancel();
            return;
        }
        Console.Error.WriteLine($"micromarket: {name} again: ending at once");
        List<Action<string>> lastWords;
        lock (_lastWords)
        {
            lastWords = [.. _lastWords];
        }
        foreach (var words in lastWords)
        {
            try
            {
                words(name);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"micromarket: {ex.Message}");
            }
        }
        // Exit runs the process-exit handlers, which stop the chain; its parent-death signal is the backstop.
        Environment.Exit(128 + context.Signal switch { PosixSignal.SIGINT => 2, PosixSignal.SIGTERM => 15, _ => 1 });
    }

    private sealed class Unregister(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
