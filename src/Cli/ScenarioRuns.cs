using System.Globalization;
using MicroMarket.Agents.Running;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios;
using MicroMarket.Scenarios.Model;
#if REPORTING
using MicroMarket.Reporting;
using MicroMarket.Simulation.Running;
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

    /// <summary>Clears the run directory of an earlier run's results and writes the resolved scenario into it.</summary>
    public static void Prepare(string directory, Scenario scenario)
    {
        RunDirectory.Clear(directory);
        using var writer = new StreamWriter(Path.Combine(directory, RunDirectory.ResolvedScenario));
        ScenarioWriter.WriteResolved(scenario, writer);
    }
}
