namespace MicroMarket.Cli;

/// <summary>
/// The options every command accepts, anywhere before a `--`: `-q`/`--quiet`, `-v`/`--verbose` and `--debug` (or
/// MICROMARKET_DEBUG=1). <see cref="MicroMarketApp.RunAsync"/> takes them out of the arguments before Spectre parses
/// the rest, so no command declares them and none can refuse them.
/// </summary>
public static class GlobalOptions
{
    public const string DebugVariable = "MICROMARKET_DEBUG";

    /// <summary>Printed in every command's help, below its own options.</summary>
    public static readonly IReadOnlyList<(string Names, string Description)> Help =
    [
        ("-q, --quiet", "no progress or informational lines on stderr (the live status of run, bench progress); errors and results stay"),
        ("-v, --verbose", "informational lines on stderr as well (a line per phase of a run)"),
        ("    --debug", $"debugging detail on failures, such as stack traces (also {DebugVariable}=1)"),
        ("-V, --version", "print the version (with its git commit) and exit; before a command"),
    ];

    /// <summary>No progress and no informational lines on stderr: only errors there, and the results on stdout.</summary>
    public static bool Quiet { get; private set; }

    /// <summary>Informational lines on stderr besides the progress.</summary>
    public static bool Verbose { get; private set; }

    /// <summary>A failure says more (the exception handler's business); `--debug` or <see cref="DebugVariable"/>=1.</summary>
    public static bool Debug { get; private set; }

    /// <summary>The actor system's log on stderr: informational lines too with --verbose, errors only with --quiet, warnings otherwise.</summary>
    public static Akka.Event.LogLevel ActorLogLevel => Verbose ? Akka.Event.LogLevel.InfoLevel : Quiet ? Akka.Event.LogLevel.ErrorLevel : Akka.Event.LogLevel.WarningLevel;

    /// <summary>Where progress and informational lines go: stderr, or nowhere with --quiet.</summary>
    public static TextWriter Info => Quiet ? TextWriter.Null : Console.Error;

    /// <summary>
    /// Sets the options from <paramref name="args"/> (every earlier call's are forgotten: tests run the program in
    /// process) and returns the other arguments in order. Of --quiet and --verbose the later wins, as a later
    /// option overrides an earlier one in most tools; after `--` every argument is the command's.
    /// </summary>
    public static string[] Parse(string[] args, string? debugVariable)
    {
        (Quiet, Verbose, Debug) = (false, false, debugVariable == "1");
        var rest = new List<string>(args.Length);
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--":
                    rest.AddRange(args[i..]);
                    return [.. rest];
                case "-q" or "--quiet":
                    (Quiet, Verbose) = (true, false);
                    break;
                case "-v" or "--verbose":
                    (Quiet, Verbose) = (false, true);
                    break;
                case "--debug":
                    Debug = true;
                    break;
                default:
                    rest.Add(args[i]);
                    break;
            }
        }
        return [.. rest];
    }
}
