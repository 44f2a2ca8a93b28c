using MicroMarket.RunFormat;
using MicroMarket.Scenarios;
using MicroMarket.Scenarios.Experiments;

namespace MicroMarket.Experiments.Sweep;

/// <summary>
/// A sweep's folder (docs/experiments.md, "The sweep directory"): each run's scenario as it is run
/// (<c>scenarios/ID.yaml</c>), its run directory (<c>runs/ID/</c>), its console output (<c>logs/ID.log</c>), and the
/// tables over all runs. The one owner of these names, and of what counts as a finished run.
/// </summary>
public sealed class SweepDirectory(string root)
{
    public const string Results = "results.csv";
    public const string ResultsParquet = "results.parquet";
    public const string Effects = "effects.csv";

    public string Root { get; } = Path.GetFullPath(root);

    public string ScenarioFile(ExperimentRun run) => Path.Combine(Root, "scenarios", run.Id + ".yaml");

    public string RunDirectory(ExperimentRun run) => Path.Combine(Root, "runs", run.Id);

    public string LogFile(ExperimentRun run) => Path.Combine(Root, "logs", run.Id + ".log");

    public string PathOf(string file) => Path.Combine(Root, file);

    /// <summary>The run's scenario as <c>run</c> reads it: the resolved scenario (absolute paths, every unit listed).</summary>
    public static string ScenarioText(ExperimentRun run)
    {
        using var writer = new StringWriter();
        ScenarioWriter.WriteResolved(run.Scenario, writer);
        return writer.ToString();
    }

    /// <summary>
    /// Writes every run's scenario file (a file already holding the same text is left alone) and makes the folders.
    /// </summary>
    public void Prepare(Experiment experiment)
    {
        foreach (var folder in new[] { "scenarios", "runs", "logs" })
        {
            Directory.CreateDirectory(Path.Combine(Root, folder));
        }
        foreach (var run in experiment.Runs)
        {
            var path = ScenarioFile(run);
            var text = ScenarioText(run);
            if (!File.Exists(path) || File.ReadAllText(path) != text)
            {
                File.WriteAllText(path, text);
            }
        }
    }

    /// <summary>
    /// Whether the run is finished: its directory holds a complete run of exactly this scenario. A run interrupted,
    /// failed, or of a scenario the experiment has since changed is not, and is run again.
    /// </summary>
    public bool IsFinished(ExperimentRun run) => Summary(run) is { Complete: true };

    /// <summary>The run's summary.json when its directory holds a run of exactly this run's scenario; null otherwise.</summary>
    public RunSummary? Summary(ExperimentRun run)
    {
        var directory = RunDirectory(run);
        var resolved = Path.Combine(directory, MicroMarket.RunFormat.RunDirectory.ResolvedScenario);
        if (!File.Exists(resolved) || File.ReadAllText(resolved) != ScenarioText(run))
        {
            return null;
        }
        try
        {
            return File.Exists(Path.Combine(directory, MicroMarket.RunFormat.RunDirectory.Summary)) && RunWithoutResults.Read(directory) is null
                ? RunJson.Read<RunSummary>(directory, MicroMarket.RunFormat.RunDirectory.Summary)
                : null;
        }
        catch (RunFormatException)
        {
            return null;
        }
    }
}
