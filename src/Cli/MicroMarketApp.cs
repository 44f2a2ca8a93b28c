using System.Reflection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace MicroMarket.Cli;

/// <summary>
/// The `micromarket` command tree. Exit codes: 0 success, 1 a failure while running,
/// 2 bad input (arguments, files), so scripts can tell a user error from a crash.
/// </summary>
public static class MicroMarketApp
{
    public const int ExitOk = 0;
    public const int ExitFailure = 1;
    public const int ExitBadInput = 2;

    /// <summary>
    /// Runs one command; <paramref name="stop"/> asks it to stop after the phase under way (Program wires it to Ctrl+C
    /// and SIGTERM). The global options (<see cref="GlobalOptions"/>) are taken out first; `--version` and
    /// `help [COMMAND...]` are answered here, as Spectre has neither in this form.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, CancellationToken stop = default)
    {
        var rest = GlobalOptions.Parse(args, Environment.GetEnvironmentVariable(GlobalOptions.DebugVariable));
        if (rest is ["--version" or "-V", ..])
        {
            Console.Out.WriteLine(Version);
            return ExitOk;
        }
        if (rest is ["help", .. var command])
        {
            rest = [.. command, "--help"];
        }
        var (app, help) = Build(UsageHelp.Requested(rest), rest);
        var exit = await app.RunAsync(rest, stop);
        return help.CommandMissing ? ExitBadInput : exit;
    }

    /// <summary>The program's version and the git commit it was built from (see the csproj), e.g. 0.1.0+c864836.</summary>
    public static string Version { get; } =
        typeof(MicroMarketApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private static (CommandApp App, UsageHelp Help) Build(bool helpRequested, string[] args)
    {
        var app = new CommandApp();
        UsageHelp? help = null;
        app.Configure(config =>
        {
            config.SetApplicationName("micromarket");
            help = new UsageHelp(config.Settings, helpRequested);
            config.SetHelpProvider(help);
            config.AddExample("scenarios");
            config.AddExample("run", "scenarios/quickstart.yaml", "--out", "runs/quickstart");
            // An unknown option is a mistake to report, not something to ignore: `bench cluster --nope` ran a
            // six-minute benchmark instead of saying so.
            config.UseStrictParsing();
            config.SetExceptionHandler((ex, _) => UnknownCommand.Report(ex) ?? HandleException(ex, args));
            config.AddBranch("bench", bench =>
            {
                bench.SetDescription("Measure the layers; figures go to stdout (Markdown), progress to stderr.");
                bench.AddCommand<Commands.BenchMarketCommand>("market").WithDescription("Gas per market operation and end-to-end tx/s into a local Anvil.");
                bench.AddCommand<Commands.BenchRunCommand>("run").WithDescription("Whole runs end to end, several times each: wall time, report time, transactions and gas per participant-day, also by purpose.");
                bench.AddCommand<Commands.BenchClusterCommand>("cluster").WithDescription("One process against a market node and sim nodes on loopback: wall time, inter-node messages.");
#if REPORTING
                // Its synthetic runs' summaries come from the report's synthetic run generator, which a Pi build leaves out.
                bench.AddCommand<Commands.BenchSweepCommand>("sweep").WithDescription("An experiment of N runs (default 1000) loaded, and its tables written over N finished runs: wall times.");
                bench.AddCommand<Commands.BenchReportCommand>("report").WithDescription("The report of a synthetic year (Parquet): wall time and peak memory.");
#endif
            });
            config.AddCommand<Commands.RunCommand>("run").WithDescription("Run a scenario end to end: Anvil, contracts, one agent per unit, the run directory.");
            config.AddCommand<Commands.ValidateCommand>("validate").WithDescription("Check a scenario as `run` would and print what it would run: units, days, slots, expected transactions, gas and run time; no chain is started.");
            config.AddCommand<Commands.SweepCommand>("sweep").WithDescription("Run an experiment: every level of its overrides with every seed, N runs at a time, resumable; results.csv/.parquet and effects.csv (means, 95 % intervals, paired differences from the baseline).");
            config.AddCommand<Commands.ScenariosCommand>("scenarios").WithDescription("Copy the example scenarios this program ships with into a folder, to run or edit them.");
            config.AddCommand<Commands.OptimalCommand>("optimal").WithDescription("Solve an island's optimal commitment and dispatch on the scenario's actuals: the lower bound a run's fuel is measured against.");
            config.AddCommand<Commands.ClearCommand>("clear").WithDescription("Clear one slot's order book (CSV) with the C# reference or, with --on-chain, through the contracts.");
            config.AddCommand<Commands.PowerFlowCommand>("powerflow").WithDescription("Solve one three-phase power flow of a feeder at a minute of the day.");
            config.AddCommand<Commands.NodeCommand>("node").WithDescription("Run one node of the market cluster: the market, a share of the simulated units, or a Pi unit.");
            config.AddBranch("keys", keys =>
            {
                keys.SetDescription("Key files on their own node: a unit's trading key, its meter's key, the market operator's key.");
                keys.AddCommand<Commands.KeysNewCommand>("new").WithDescription("Write a key file with one fresh key (trading, --meter or --operator), readable by its owner only; prints the address.");
            });
#if REPORTING
            config.AddCommand<Commands.ReportCommand>("report").WithDescription("Redraw a run directory's figures and report.html from its tables.");
            config.AddCommand<Commands.CompareCommand>("compare").WithDescription("Compare two or more runs: KPIs side by side with differences and percentages against the first, prices, bills, storage charge and dispatch overlaid, in one HTML page.");
#endif
        });
        return (app, help!);
    }

    /// <summary>
    /// Every failure a command lets out, as one line on stderr and an exit code: 2 for input the user can fix (arguments,
    /// files, a chain URL), 1 for a failure while running. No .NET trace reaches a user unless they ask for one
    /// (<c>--debug</c> or <c>MICROMARKET_DEBUG=1</c>).
    /// </summary>
    private static int HandleException(Exception ex, string[] args)
    {
        var (message, exit) = Explain(ex, args);
        Console.Error.WriteLine($"micromarket: {message}");
        if (GlobalOptions.Debug)
        {
            Console.Error.WriteLine(ex.ToString());
        }
        return exit;
    }

    private static (string Message, int Exit) Explain(Exception ex, string[] args) => ex switch
    {
        CommandRuntimeException { Message: var m } when ConversionFailure.Match(m) is { Success: true } failed => (NotConvertible(failed, args), ExitBadInput),
        CommandParseException or CommandRuntimeException or BadInputException => (ex.Message, ExitBadInput),
        // A run that could not go on says why in its message; where in the program it noticed adds nothing.
        Agents.Actors.RunAbortedException => ($"the run was aborted: {ex.Message}", ExitFailure),
        Market.Chain.ChainUnavailableException => ($"{ex.Message}; is the chain still running?", ExitFailure),
        Market.Chain.RpcException rpc => ($"the chain refused {rpc.Method}: {rpc.Error.Message}", ExitFailure),
        RunFormat.RunFormatException => (ex.Message, ExitBadInput),
        UnauthorizedAccessException => ($"{ex.Message} Choose a path you may write to.", ExitBadInput),
        IOException => ($"{ex.Message} (an input/output error: check the path, the disk's free space and permissions)", ExitFailure),
        OperationCanceledException => ("stopped", ExitFailure),
        _ => ($"unexpected failure: {ex.Message} (--debug shows the details; please report it)", ExitFailure),
    };

    /// <summary>Spectre's words for a value of the wrong type ("Failed to convert 'abc' to Nullable`1.").</summary>
    private static readonly System.Text.RegularExpressions.Regex ConversionFailure = new(@"^Failed to convert '(?<value>.*)' to (?<type>[\w`]+)\.?$");

    /// <summary>The option the bad value was given to (from the command line) and what it should have been.</summary>
    private static string NotConvertible(System.Text.RegularExpressions.Match failed, string[] args)
    {
        var value = failed.Groups["value"].Value;
        var at = Array.IndexOf(args, value);
        var option = at > 0 && args[at - 1].StartsWith('-') ? $"{args[at - 1]} " : "";
        var expected = failed.Groups["type"].Value switch
        {
            "Int32" or "Int64" or "UInt32" or "Nullable`1" => "a whole number",
            "Double" or "Single" or "Decimal" => "a number",
            _ => "a value of the kind the help shows",
        };
        return $"{option}{value}: not {expected} (see micromarket --help)";
    }
}

/// <summary>Input the user can fix: a malformed file, an unknown name, an argument out of range.</summary>
public sealed class BadInputException(string message) : Exception(message);
