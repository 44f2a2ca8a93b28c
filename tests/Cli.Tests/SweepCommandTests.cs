using System.Text.Json;
using MicroMarket.RunFormat;

namespace MicroMarket.Cli.Tests;

/// <summary>
/// `micromarket sweep` as a researcher runs it: every run of an experiment in processes of its own, the tables over
/// them recomputed here from the runs' own summaries, a second sweep running only what is not finished, and Ctrl+C
/// keeping what finished.
/// </summary>
public sealed class SweepCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("micromarket-sweep-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static string Quickstart => Path.Combine(Repository.Root, "scenarios", "quickstart.yaml");

    private string Experiment(string body)
    {
        var path = Path.Combine(_dir.FullName, "experiment.yaml");
        File.WriteAllText(path, $"scenario: {Quickstart}\n{body}");
        return path;
    }

    [Fact]
    public async Task A_sweep_runs_every_level_with_every_seed_and_its_tables_agree_with_the_runs_then_resumes_only_what_is_not_finished()
    {
        var experiment = Experiment("""
            grid:
              units[battery].capacity_kwh: [10, 20]
            seeds: { seed: 2 }
            kpis: [self_sufficiency, fuel_cost]
            """);
        var output = Path.Combine(_dir.FullName, "sweep");

        var sweep = await CliProcess.RunAsync("sweep", experiment, "--out", output, "--workers", "2");

        Assert.True(sweep.ExitCode == 0, sweep.Stdout + sweep.Stderr);
        Assert.Contains("sweep complete: 4/4 runs complete", sweep.Stdout);
        var rows = CsvTableReader.Open(Path.Combine(output, "results.csv")).Records().ToList();
        Assert.Equal(["capacity_kwh-10_seed-1", "capacity_kwh-10_seed-2", "capacity_kwh-20_seed-1", "capacity_kwh-20_seed-2"], rows.Select(r => r.Text("run")));
        Assert.Equal(["10", "10", "20", "20"], rows.Select(r => r.Text("units[battery].capacity_kwh")));
        Assert.Equal([1, 2, 1, 2], rows.Select(r => r.Int("seeds.weather")));
        // Each row's KPI is its run's summary.json, read here on its own.
        foreach (var row in rows)
        {
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "runs", row.Text("run"), "summary.json")));
            var kpis = summary.RootElement.GetProperty("kpis");
            Assert.Equal(kpis.GetProperty("self_sufficiency").GetDouble(), row.Double("self_sufficiency"), 1e-6);
            Assert.Equal(kpis.GetProperty("fuel_cost").GetDouble(), row.Double("fuel_cost"), 1e-6);
            Assert.True(summary.RootElement.GetProperty("complete").GetBoolean());
        }
        var parquet = ParquetTableReader.Open(Path.Combine(output, "results.parquet")).Records().ToList();
        Assert.Equal(rows.Select(r => r.Double("fuel_cost")), parquet.Select(r => r.Double("fuel_cost")));

        // effects.csv: the mean over a level's seeds and the paired difference from the baseline (the first level), recomputed.
        var effects = CsvTableReader.Open(Path.Combine(output, "effects.csv")).Records().ToDictionary(r => (r.Text("level"), r.Text("kpi")));
        var fuel = (Low: rows.Take(2).Select(r => r.Double("fuel_cost")).ToList(), High: rows.Skip(2).Select(r => r.Double("fuel_cost")).ToList());
        var bigger = effects[("capacity_kwh-20", "fuel_cost")];
        Assert.Equal(fuel.High.Average(), bigger.Double("mean"), 1e-5);
        Assert.Equal(fuel.High.Zip(fuel.Low, (h, l) => h - l).Average(), bigger.Double("diff_mean"), 1e-5);
        Assert.Equal(2, bigger.Int("pairs"));
        Assert.Equal("capacity_kwh-10", bigger.Text("baseline"));
        Assert.Null(effects[("capacity_kwh-10", "fuel_cost")].NullableDouble("diff_mean"));
        Assert.Contains("fuel_cost", sweep.Stdout);
        Assert.Contains($"page: {Path.Combine(output, "sweep.html")}", sweep.Stdout);
        Assert.Contains("runs/capacity_kwh-20_seed-2/report.html", File.ReadAllText(Path.Combine(output, "sweep.html")));

        // A run that did not finish (its summary gone, as after a kill) is run again, and only it; the tables come out
        // byte for byte the same, whichever worker ran what.
        var results = File.ReadAllBytes(Path.Combine(output, "results.csv"));
        File.Delete(Path.Combine(output, "runs", "capacity_kwh-20_seed-1", "summary.json"));
        var resumed = await CliProcess.RunAsync("sweep", experiment, "--out", output, "--workers", "1");

        Assert.True(resumed.ExitCode == 0, resumed.Stdout + resumed.Stderr);
        Assert.Contains("3 finished before, 1 to run", resumed.Stderr);
        Assert.Contains("[1/1] capacity_kwh-20_seed-1: complete", resumed.Stderr);
        Assert.Equal(results, File.ReadAllBytes(Path.Combine(output, "results.csv")));
    }

    [Fact]
    public async Task Ctrl_C_between_runs_keeps_the_finished_starts_no_more_and_the_next_sweep_runs_the_rest()
    {
        var experiment = Experiment("seeds: { seed: 2 }\nkpis: [self_sufficiency]\n");
        var output = Path.Combine(_dir.FullName, "sweep");

        var sweep = await CliProcess.RunAsync(["sweep", experiment, "--out", output, "--workers", "1"], interruptWhen: line => line.StartsWith("sweep: [1/2]", StringComparison.Ordinal));

        Assert.Equal(1, sweep.ExitCode);
        Assert.Contains("sweep interrupted by SIGINT (the same command runs what is left): 1/2 runs complete", sweep.Stdout);
        var rows = CsvTableReader.Open(Path.Combine(output, "results.csv")).Records().ToList();
        Assert.Equal(["true", "false"], rows.Select(r => r.Text("complete")));
        Assert.Null(rows[1].NullableDouble("self_sufficiency"));
        Assert.False(Directory.Exists(Path.Combine(output, "runs", "base_seed-2")));

        var resumed = await CliProcess.RunAsync("sweep", experiment, "--out", output);

        Assert.True(resumed.ExitCode == 0, resumed.Stdout + resumed.Stderr);
        Assert.Contains("1 finished before, 1 to run", resumed.Stderr);
    }

    [Fact]
    public async Task Ctrl_C_during_a_run_stops_it_after_its_phase_marked_interrupted_and_leaves_no_process()
    {
        var experiment = Experiment("cases: [ { time.days: 3 } ]\nkpis: [self_sufficiency]\n");
        var output = Path.Combine(_dir.FullName, "sweep");
        using var sweep = MicromarketProcess.Start("sweep", "sweep", experiment, "--out", output);
        await sweep.WaitForLineAsync(line => line.StartsWith("sweep experiment: 1 run ", StringComparison.Ordinal), TimeSpan.FromMinutes(1));
        // Into the run's market phases: Anvil up, the contracts deployed, the first day under way.
        for (var waited = 0; !File.Exists(Path.Combine(output, "runs", "days-3", "scenario.resolved.yaml")) && waited < 600; waited++)
        {
            await Task.Delay(100);
        }
        await Task.Delay(TimeSpan.FromSeconds(4));
        var descendants = ProcessTable.ChildrenOf(sweep.ProcessId).SelectMany(c => (IEnumerable<int>)[c.Pid, .. ProcessTable.ChildrenOf(c.Pid).Select(g => g.Pid)]).ToList();
        sweep.Interrupt();

        Assert.Equal(1, await sweep.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        Assert.Contains("sweep interrupted by SIGINT", sweep.Stdout);
        Assert.Contains("sweep: [1/1] days-3: interrupted", sweep.Stderr);
        Assert.DoesNotContain("exit 1", sweep.Stdout);
        using (var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "runs", "days-3", "summary.json"))))
        {
            Assert.False(summary.RootElement.GetProperty("complete").GetBoolean());
            Assert.Equal("SIGINT", summary.RootElement.GetProperty("interrupted").GetString());
        }
        Assert.Contains("run interrupted by SIGINT", File.ReadAllText(Path.Combine(output, "logs", "days-3.log")));
        Assert.NotEmpty(descendants);
        Assert.Empty(await ProcessTable.StillRunningAfterAsync(descendants, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_bad_experiment_lists_every_error_and_starts_nothing()
    {
        var experiment = Experiment("grid:\n  units[batery].capacity_kwh: [10]\nseeds: { seed: 0 }\n");
        var output = Path.Combine(_dir.FullName, "sweep");

        var sweep = await CliProcess.RunAsync("sweep", experiment, "--out", output);

        Assert.Equal(2, sweep.ExitCode);
        Assert.Contains("experiment.yaml:3:3: units[batery].capacity_kwh: the scenario's units has no item with id 'batery'", sweep.Stderr);
        Assert.Contains("experiment.yaml:4:16: seeds.seed: expected a whole number in [1, 1000]", sweep.Stderr);
        Assert.Equal("", sweep.Stdout);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task A_scenario_given_for_an_experiment_is_one_line_of_bad_input()
    {
        var sweep = await CliProcess.RunAsync("sweep", Quickstart, "--out", Path.Combine(_dir.FullName, "sweep"));

        Assert.Equal(2, sweep.ExitCode);
        Assert.Equal($"micromarket: sweep: {Quickstart} is a scenario, not an experiment: an experiment names its base scenario (scenario: FILE) and what varies (docs/experiments.md); `micromarket run` runs a scenario", sweep.Stderr.Trim());
    }

    [Fact]
    public async Task Validate_sums_up_an_experiment_without_running_it()
    {
        var experiment = Experiment("grid:\n  units[battery].capacity_kwh: [10, 20, 40]\nseeds: { seed: 3 }\n");

        var validate = await CliProcess.RunAsync("validate", experiment);

        Assert.True(validate.ExitCode == 0, validate.Stderr);
        Assert.Contains("levels     3: capacity_kwh-10 (baseline), capacity_kwh-20, capacity_kwh-40", validate.Stdout);
        Assert.Contains("runs       9 (3 level(s) x 3 seed combination(s))", validate.Stdout);
        Assert.Equal(["experiment.yaml"], _dir.GetFileSystemInfos().Select(f => f.Name));
    }
}
