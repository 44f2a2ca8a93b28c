using System.Globalization;
using MicroMarket.Agents.Running;
using MicroMarket.Market.Chain;
using MicroMarket.Node.Deployment;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios;
using MicroMarket.Scenarios.Model;
using MicroMarket.Simulation.Running;
#if REPORTING
using MicroMarket.Reporting;
#endif

namespace MicroMarket.Cli;

/// <summary>What the commands that run a scenario share: loading it, preparing its run directory, and finishing the run.</summary>
public static class ScenarioRuns
{
    /// <summary>Loads a scenario; every error in it is bad input, listed with file:line:column, and nothing starts.</summary>
    public static Scenario LoadScenario(string path, int? seed)
    {
        InputFiles.Require(path, "scenario file");
        if (seed < 0)
        {
            throw new BadInputException($"--seed {seed}: a seed is a whole number >= 0");
        }
        try
        {
            return ScenarioLoader.Load(path, seed);
        }
        catch (ScenarioValidationException ex)
        {
            throw new BadInputException($"{ex.Errors.Count} error(s) in {path}; nothing was started:{Environment.NewLine}" +
                string.Join(Environment.NewLine, ex.Errors));
        }
    }

    /// <summary>Says how the run ended and whether its invariants held, draws the report, and gives the exit code.</summary>
    public static int Finish(RunResult result)
    {
        var output = result.OutputDirectory;
        var status = result.Complete ? "complete"
            : result.Failure is not null ? $"FAILED: {result.Failure}"
            : $"interrupted{(result.Interrupted is { } signal ? $" by {signal}" : "")} (partial run, marked incomplete)";
        Console.Out.WriteLine($"run {status}: {Path.GetFullPath(output)}");
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"invariants: energy balance {(result.Verification.EnergyBalanced ? "ok" : "BROKEN")}, money {(result.Verification.MoneyConserved ? "conserved" : "NOT CONSERVED")}, " +
            $"clearing {result.Verification.BooksChecked - result.Verification.ClearingMismatches}/{result.Verification.BooksChecked} books match the C# reference, " +
            $"metering {result.Verification.ReadingsChecked - result.Verification.ReadingMismatches}/{result.Verification.ReadingsChecked} readings match"));
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"chain: {result.Kpis.Transactions} market transactions, {(result.Kpis.GasPerParticipantDay is { } perDay ? $"{perDay / 1e6:0.00} M gas per participant-day" : "no slot delivered, so no gas per participant-day")}"));
        WriteReport(output);
        return result.Complete && result.Verification.Holds ? MicroMarketApp.ExitOk : MicroMarketApp.ExitFailure;
    }

    /// <summary>The figures and report.html, drawn from the tables just written (micromarket report redraws them); a Pi build has no reporting.</summary>
    private static void WriteReport(string output)
    {
#if REPORTING
        try
        {
            var report = RunReport.Write(output);
            Console.Out.WriteLine($"report: {report.ReportPath} ({report.FigurePaths.Count} figures)");
        }
        catch (RunFormatException ex)
        {
            Console.Error.WriteLine($"micromarket: no report for {output}: {ex.Message}");
        }
#else
        Console.Out.WriteLine($"no report in this build (without reporting): run `micromarket report {output}` where reporting is installed");
#endif
    }

    /// <summary>
    /// Claims <paramref name="directory"/> for a run of <paramref name="scenario"/> and writes the resolved scenario into
    /// it. A missing or empty directory is created; an earlier run of the same scenario is replaced (and the user told).
    /// Anything else (another scenario's run, other files) is refused, unless <paramref name="force"/>: then only a run's
    /// own files are replaced and the others are left as they are, and the user is told both.
    /// </summary>
    /// <exception cref="BadInputException">The directory is refused, or cannot be written; nothing was written.</exception>
    public static void Prepare(string directory, Scenario scenario, bool force)
    {
        if (File.Exists(directory))
        {
            throw new BadInputException($"--out {directory}: is a file, not a directory: choose a directory");
        }
        var foreign = RunDirectory.ForeignEntries(directory);
        var earlier = Path.Combine(directory, RunDirectory.ResolvedScenario) is var resolved && File.Exists(resolved) ? ScenarioWriter.ResolvedName(resolved) : null;
        var holdsRun = Directory.Exists(directory) && RunDirectory.HoldsRun(directory);
        if (!force && foreign.Count > 0)
        {
            throw new BadInputException($"--out {directory}: holds files that are not a run's ({Listed(foreign)}): choose an empty directory, or add --force to write the run beside them");
        }
        if (!force && holdsRun && earlier != scenario.Name)
        {
            throw new BadInputException($"--out {directory}: holds a run of {(earlier is null ? "an unknown scenario" : $"'{earlier}'")}, not of '{scenario.Name}': choose another directory, or add --force to replace it");
        }
        if (holdsRun)
        {
            // A killed market node's run could have been taken up again: the operator learns what is replaced.
            var resumable = Directory.Exists(Path.Combine(directory, RunDirectory.Checkpoint)) ? $" (unfinished: `micromarket node --role market --resume {directory}` would have taken it up)" : "";
            Console.Error.WriteLine($"micromarket: replacing the earlier run{(earlier is null ? "" : $" of '{earlier}'")} in {directory}{resumable}");
        }
        if (foreign.Count > 0)
        {
            Console.Error.WriteLine($"micromarket: --force: leaving {foreign.Count} other file(s) in {directory} as they are ({Listed(foreign)})");
        }
        try
        {
            RunDirectory.Clear(directory);
            using var writer = new StreamWriter(Path.Combine(directory, RunDirectory.ResolvedScenario));
            ScenarioWriter.WriteResolved(scenario, writer);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"--out {directory}: cannot write there ({ex.Message}): choose a directory you can write to");
        }
    }

    /// <summary>
    /// The checkpoint a market node resumes from in run directory <paramref name="directory"/> (<c>node --resume</c>),
    /// once it is sure the run there is the one <paramref name="config"/> describes: the same resolved scenario, the
    /// same kind of chain (the node's own Anvil or market.chain) and the same pace (simulated or live).
    /// </summary>
    public static MarketCheckpoint Resumable(string directory, Scenario scenario, NodeConfig config)
    {
        BadInputException Refused(string why) => new($"node: --resume {directory}: {why}");
        if (!Directory.Exists(directory))
        {
            throw Refused("no such directory");
        }
        MarketCheckpoint? checkpoint;
        try
        {
            checkpoint = MarketCheckpoint.Read(directory);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            throw Refused(ex.Message);
        }
        if (checkpoint is null)
        {
            throw Refused("holds no market node's checkpoint (the run completed, never began, or is not a cluster's run): nothing to resume");
        }
        var resolved = Path.Combine(directory, RunDirectory.ResolvedScenario);
        using var expected = new StringWriter();
        ScenarioWriter.WriteResolved(scenario, expected);
        if (!File.Exists(resolved) || File.ReadAllText(resolved) != expected.ToString())
        {
            var earlier = File.Exists(resolved) ? ScenarioWriter.ResolvedName(resolved) : null;
            throw Refused(earlier == scenario.Name
                ? $"its run is of '{earlier}' as it was then, and {config.SourcePath}'s scenario now resolves differently (its file or seed changed): resume with the configuration it began with"
                : $"its run is of {(earlier is null ? "an unknown scenario" : $"'{earlier}'")}, not of {config.SourcePath}'s '{scenario.Name}'");
        }
        if (checkpoint.Chain.StateSaved != (config.Market.Chain is null))
        {
            throw Refused(checkpoint.Chain.StateSaved
                ? $"its run's chain was the market node's own Anvil (saved in the checkpoint), and {config.SourcePath} now gives market.chain"
                : $"its run's chain was an external node, and {config.SourcePath} gives no market.chain: give the node's URL again");
        }
        if ((checkpoint.Live is null) != (config.Market.Live is null))
        {
            throw Refused($"its run was {(checkpoint.Live is null ? "simulated" : "live")}, and {config.SourcePath} now says {(config.Market.Live is null ? "simulated" : "live")}");
        }
        return checkpoint;
    }

    /// <summary>
    /// Runs <paramref name="run"/> into its prepared directory. A run that ends before the market opens, or that is ended
    /// at once by a second signal before its summary is written, leaves a summary.json saying it has no results (and why),
    /// so that no reader takes whatever it left for results.
    /// </summary>
    public static async Task<T> InDirectoryAsync<T>(string directory, Scenario scenario, Func<Task<T>> run)
    {
        void WithoutResults(string failure, string? signal) => RunWithoutResults.Write(directory, scenario.Name, scenario.Seed, failure, signal);
        using var lastWords = StopSignals.Current?.OnEndingAtOnce(signal =>
            WithoutResults($"ended at once by a second {signal} before its results were written and checked; its tables, if any, are partial", signal));
        try
        {
            return await run().ConfigureAwait(false);
        }
        catch (Agents.Actors.RunAbortedException ex)
        {
            WithoutResults(ex.Message, StopSignals.Current?.First);
            throw;
        }
    }

    /// <summary>
    /// Asks the chain at <paramref name="url"/> for its id within a few seconds, before anything is written: a chain
    /// that does not answer is the user's to fix (a wrong URL, a node not started), named by <paramref name="setting"/>.
    /// </summary>
    public static async Task CheckChainAsync(Uri url, string setting)
    {
        var patience = TimeSpan.FromSeconds(5);
        using var rpc = new JsonRpcClient(url, patience);
        using var deadline = new CancellationTokenSource(patience);
        try
        {
            var answer = (await rpc.BatchAsync([new RpcRequest("eth_chainId")], deadline.Token).ConfigureAwait(false))[0];
            if (answer.Error is { } error)
            {
                throw new BadInputException($"{setting} {url}: answers, but not as an Ethereum node (eth_chainId: {error.Message}); nothing was written");
            }
        }
        catch (Exception ex) when (ex is ChainUnavailableException or OperationCanceledException or HttpRequestException or System.Text.Json.JsonException or InvalidDataException)
        {
            throw new BadInputException($"{setting} {url}: no Ethereum JSON-RPC node answered within {patience.TotalSeconds:0} s; start the node or correct the URL (nothing was written)");
        }
    }

    private static string Listed(IReadOnlyList<string> entries) => string.Join(", ", entries.Take(3)) + (entries.Count > 3 ? $" and {entries.Count - 3} more" : "");
}
