using System.Globalization;
using MicroMarket.Agents.Running;
using MicroMarket.Scenarios;
using MicroMarket.Scenarios.Model;
#if REPORTING
using MicroMarket.Reporting;
using MicroMarket.Reporting.Input;
using MicroMarket.Simulation.Running;
#endif

namespace MicroMarket.Cli;

/// <summary>Prepares a run directory: created if missing, an earlier run's results removed so that nothing stale reads as this run's.</summary>
public static class RunDirectory
{
    /// <summary>Loads a scenario; every error in it is bad input, listed with file:line:column, and nothing starts.</summary>
    public static Scenario LoadScenario(string path, int? seed)
    {
        if (!File.Exists(path))
        {
            throw new BadInputException($"{path}: no such scenario file");
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
        var status = result.Complete ? "complete" : result.Failure is null ? "interrupted (partial run, marked incomplete)" : $"FAILED: {result.Failure}";
        Console.Out.WriteLine($"run {status}: {Path.GetFullPath(output)}");
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"invariants: energy balance {(result.Verification.EnergyBalanced ? "ok" : "BROKEN")}, money {(result.Verification.MoneyConserved ? "conserved" : "NOT CONSERVED")}, " +
            $"clearing {result.Verification.BooksChecked - result.Verification.ClearingMismatches}/{result.Verification.BooksChecked} books match the C# reference, " +
            $"metering {result.Verification.ReadingsChecked - result.Verification.ReadingMismatches}/{result.Verification.ReadingsChecked} readings match"));
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

    private static readonly string[] Results =
        ["summary.json", "units.csv", "slots.csv", "orders.csv", "transactions.csv", "buses.csv", "lines.csv", "chain.json", "timing.json", "scenario.resolved.yaml", "report.html"];

    public static void Prepare(string directory, Scenario scenario)
    {
        Directory.CreateDirectory(directory);
        foreach (var file in Results)
        {
            File.Delete(Path.Combine(directory, file));
        }
        var figures = Path.Combine(directory, "figures");
        if (Directory.Exists(figures))
        {
            Directory.Delete(figures, recursive: true);
        }
        using var writer = new StreamWriter(Path.Combine(directory, "scenario.resolved.yaml"));
        ScenarioWriter.WriteResolved(scenario, writer);
    }
}
