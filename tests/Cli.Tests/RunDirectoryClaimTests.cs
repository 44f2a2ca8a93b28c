using MicroMarket.RunFormat;
using MicroMarket.Scenarios;
using MicroMarket.Scenarios.Model;

namespace MicroMarket.Cli.Tests;

/// <summary>
/// A run's --out is never clobbered: a missing or empty folder, or an earlier run of the same scenario, is the run's
/// (the user is told when an earlier run is replaced); another scenario's run or other files are refused, and with
/// --force only a run's own files are replaced and the others left as they are.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class RunDirectoryClaimTests : IDisposable
{
    private static readonly Scenario Quickstart = ScenarioLoader.Load(Path.Combine(Repository.Root, "scenarios", "quickstart.yaml"));
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("micromarket-claim-");

    [Fact]
    public void A_missing_folder_is_created_with_the_resolved_scenario_in_it()
    {
        var output = Path.Combine(_dir.FullName, "new", "run");

        var said = Prepare(output, force: false);

        Assert.Equal("quickstart", ScenarioWriter.ResolvedName(Path.Combine(output, RunDirectory.ResolvedScenario)));
        Assert.Equal("", said);
    }

    [Fact]
    public void An_earlier_run_of_the_same_scenario_is_replaced_and_the_user_told()
    {
        var output = EarlierRun("quickstart");

        var said = Prepare(output, force: false);

        Assert.False(File.Exists(Path.Combine(output, RunDirectory.Units)));
        Assert.False(Directory.Exists(Path.Combine(output, RunDirectory.Figures)));
        Assert.Contains("replacing the earlier run of 'quickstart'", said);
    }

    [Fact]
    public void What_a_killed_run_left_half_written_is_the_runs_own_and_replaced()
    {
        var output = EarlierRun("quickstart");
        var partial = RunDirectory.Partial(Path.Combine(output, RunDirectory.TableFile(RunDirectory.Units, TableFormat.Parquet)));
        File.WriteAllText(partial, "a row group, then the process was killed");

        Assert.Empty(RunDirectory.ForeignEntries(output));
        Prepare(output, force: false);

        Assert.False(File.Exists(partial));
    }

    [Fact]
    public void Another_scenarios_run_is_refused_and_left_whole()
    {
        var output = EarlierRun("island-week");

        var refused = Assert.Throws<BadInputException>(() => Prepare(output, force: false));

        Assert.Contains("holds a run of 'island-week', not of 'quickstart'", refused.Message);
        Assert.Contains("--force", refused.Message);
        Assert.True(File.Exists(Path.Combine(output, RunDirectory.Units)));
        Assert.Equal("island-week", ScenarioWriter.ResolvedName(Path.Combine(output, RunDirectory.ResolvedScenario)));
    }

    [Fact]
    public void Foreign_files_are_refused_and_with_force_kept_while_the_runs_own_files_are_replaced()
    {
        var output = EarlierRun("island-week");
        var notes = Path.Combine(output, "notes.txt");
        File.WriteAllText(notes, "mine\n");

        var refused = Assert.Throws<BadInputException>(() => Prepare(output, force: false));
        Assert.Contains("holds files that are not a run's (notes.txt)", refused.Message);

        var said = Prepare(output, force: true);

        Assert.Equal("mine\n", File.ReadAllText(notes));
        Assert.False(File.Exists(Path.Combine(output, RunDirectory.Units)));
        Assert.Equal("quickstart", ScenarioWriter.ResolvedName(Path.Combine(output, RunDirectory.ResolvedScenario)));
        Assert.Contains("replacing the earlier run of 'island-week'", said);
        Assert.Contains("leaving 1 other file(s)", said);
    }

    /// <summary>A folder as a run of <paramref name="scenario"/> leaves it: its resolved scenario, a table and a figure.</summary>
    private string EarlierRun(string scenario)
    {
        var output = Path.Combine(_dir.FullName, scenario);
        Directory.CreateDirectory(Path.Combine(output, RunDirectory.Figures));
        File.WriteAllText(Path.Combine(output, RunDirectory.ResolvedScenario), $"# Resolved scenario\nname: {scenario}\nseed: 1\n");
        File.WriteAllText(Path.Combine(output, RunDirectory.Units), "slot,unit\n");
        File.WriteAllText(Path.Combine(output, RunDirectory.Figures, "price.png"), "png");
        return output;
    }

    /// <summary>Prepares <paramref name="output"/> for the quickstart; what it told the user.</summary>
    private static string Prepare(string output, bool force)
    {
        var stderr = Console.Error;
        using var said = new StringWriter();
        Console.SetError(said);
        try
        {
            ScenarioRuns.Prepare(output, Quickstart, force);
            return said.ToString();
        }
        finally
        {
            Console.SetError(stderr);
        }
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
