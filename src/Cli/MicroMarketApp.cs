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
        var (app, help) = Build(UsageHelp.Requested(rest));
        var exit = await app.RunAsync(rest, stop);
        return help.CommandMissing ? ExitBadInput : exit;
    }

    /// <summary>The program's version and the git commit it was built from (see the csproj), e.g. 0.1.0+c864836.</summary>
    public static string Version { get; } =
        typeof(MicroMarketApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private static (CommandApp App, UsageHelp Help) Build(bool helpRequested)
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
            config.SetExceptionHandler((ex, _) => UnknownCommand.Report(ex) ?? HandleException(ex));
            config.AddBranch("bench", bench =>
            {
                bench.SetDescription("Measure the layers; figures go to stdout (Markdown), progress to stderr.");
                bench.AddCommand<Commands.BenchMarketCommand>("market").WithDescription("Gas per market operation and end-to-end tx/s into a local Anvil.");
                bench.AddCommand<Commands.BenchRunCommand>("run").WithDescription("Whole runs end to end, several times each: wall time, report time, transactions and gas per participant-day.");
                bench.AddCommand<Commands.BenchClusterCommand>("cluster").WithDescription("One process against a market node and sim nodes on loopback: wall time, inter-node messages.");
            });
            config.AddCommand<Commands.RunCommand>("run").WithDescription("Run a scenario end to end: Anvil, contracts, one agent per unit, the run directory.");
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
            config.AddCommand<Commands.CompareCommand>("compare").WithDescription("Compare two or more runs: KPIs side by side, prices and bills overlaid, in one HTML page.");
#endif
        });
        return (app, help!);
    }

    private static int HandleException(Exception ex)
    {
        switch (ex)
        {
            case CommandParseException or CommandRuntimeException:
                Console.Error.WriteLine($"micromarket: {ex.Message}");
                return ExitBadInput;
            case BadInputException bad:
                Console.Error.WriteLine($"micromarket: {bad.Message}");
                return ExitBadInput;
            case Agents.Actors.RunAbortedException aborted:
                // A run that could not go on says why in its message; where in the program it noticed adds nothing.
                Console.Error.WriteLine($"micromarket: the run was aborted: {aborted.Message}");
                return ExitFailure;
            default:
                AnsiConsole.Console.Profile.Out = new AnsiConsoleOutput(Console.Error);
                Console.Error.WriteLine($"micromarket: {ex.GetType().Name}: {ex.Message}");
                Console.Error.WriteLine(ex.StackTrace);
                return ExitFailure;
        }
    }
}

/// <summary>Input the user can fix: a malformed file, an unknown name, an argument out of range.</summary>
public sealed class BadInputException(string message) : Exception(message);
