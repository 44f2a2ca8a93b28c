using MicroMarket.Agents.Tests.Simulation;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios;

namespace MicroMarket.Cli.Tests;

public sealed class RunCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("micromarket-run-");

    [Fact]
    public async Task A_scenario_with_errors_lists_them_all_and_starts_nothing()
    {
        var scenario = Path.Combine(_dir.FullName, "broken.yaml");
        File.WriteAllText(scenario, """
            name: broken
            time: { start: 2026-06-15, days: 0, slot_minutes: 15, time_zone: Europe/Madrid }
            mode: { kind: island }
            network: { name: ieee-eu-lv }
            units:
              - { id: pv, kind: pv, bus: "nowhere", peak_kw: -3 }
            """);
        var output = Path.Combine(_dir.FullName, "out");
        var run = await CliProcess.RunAsync("run", scenario, "--out", output);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("broken.yaml:2:", run.Stderr);   // days
        Assert.Contains("broken.yaml:6:", run.Stderr);   // the unit's bus and peak
        Assert.Contains("nothing was started", run.Stderr);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task A_series_that_would_wrap_round_the_run_is_bad_input_on_one_located_line()
    {
        var (scenario, line) = await LocatedError("long.yaml", """
            name: long
            time: { start: 2026-06-15, days: 200, slot_minutes: 15, time_zone: Europe/Madrid }
            mode: { kind: grid-connected, retail_price: 0.30, feed_in_price: 0.06 }
            network: { name: ieee-eu-lv }
            units:
              - { id: pv, kind: pv, bus: "34", peak_kw: 5 }
            """);

        Assert.Equal(
            $"{scenario}:6:5: units[0].resource: the measured PV profile (NREL SERF East, 15 min) covers 104.17 days and this run would read its days 2..201: it would wrap round; shorten time.days or set wrap: true on the unit to repeat the series on purpose",
            line);
    }

    [Fact]
    public async Task A_price_series_that_does_not_cover_the_run_is_bad_input_on_one_located_line()
    {
        File.WriteAllText(Path.Combine(_dir.FullName, "prices.csv"), "time,value\n2026-06-15 00:00,0.25\n2026-06-15 12:00,0.35\n");
        var (scenario, line) = await LocatedError("dynamic.yaml", """
            name: dynamic
            time: { start: 2026-06-15, days: 2, slot_minutes: 15, time_zone: Europe/Madrid }
            mode: { kind: grid-connected, retail_price: { series: prices.csv }, feed_in_price: 0.06 }
            network: { name: ieee-eu-lv }
            units:
              - { id: pv, kind: pv, bus: "34", peak_kw: 5 }
            """);

        Assert.Equal(
            $"{scenario}:3:55: mode.retail_price.series: prices.csv does not cover the run: it has no price for the slot at 2026-06-16 00:00 (local time), nor for any slot after it",
            line);
    }

    /// <summary>Runs a scenario that must be refused as bad input: exit 2, no stack trace; its path and its one located line.</summary>
    private async Task<(string Scenario, string Line)> LocatedError(string file, string yaml)
    {
        var scenario = Path.Combine(_dir.FullName, file);
        File.WriteAllText(scenario, yaml);
        var run = await CliProcess.RunAsync("run", scenario, "--out", Path.Combine(_dir.FullName, "out"));

        Assert.Equal(2, run.ExitCode);
        Assert.DoesNotContain("   at ", run.Stderr);
        return (scenario, Assert.Single(run.Stderr.Trim().Split('\n'), line => line.StartsWith(scenario + ":", StringComparison.Ordinal)));
    }

    /// <summary>The year scenario's first day, end to end on the chain: every one of its units on the year series.</summary>
    [Fact]
    public async Task The_first_day_of_the_year_scenario_runs_end_to_end()
    {
        var scenario = Path.Combine(_dir.FullName, "ieee-eu-lv-year-day1.yaml");
        var year = File.ReadAllText(Path.Combine(Repository.Root, "scenarios", "ieee-eu-lv-year.yaml"));
        File.WriteAllText(scenario, year.Replace("days: 365,", "days: 1,", StringComparison.Ordinal));
        var output = Path.Combine(_dir.FullName, "year-day1");

        var run = await CliProcess.RunAsync("run", scenario, "--out", output);

        Assert.True(run.ExitCode == 0, run.Stderr);
        var summary = RunJson.Read<RunSummary>(output, RunDirectory.Summary);
        Assert.Equal((true, 1, 101), (summary.Complete, summary.Days, summary.Units));
        Assert.InRange(summary.Kpis.ConsumptionKwh, 500, 1500);
        Assert.InRange(summary.Kpis.LocalGenerationKwh, 1, 1000);
    }

    [Fact]
    public async Task A_run_that_cannot_go_on_says_why_in_one_line_and_exits_1()
    {
        // A node that answers eth_chainId (so the URL is right) and refuses everything after: a runtime failure, not bad input.
        using var listener = new System.Net.HttpListener();
        var port = Cluster.Deployment.FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        _ = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                var context = await listener.GetContextAsync();
                using var request = await System.Text.Json.JsonDocument.ParseAsync(context.Request.InputStream);
                var calls = request.RootElement.ValueKind == System.Text.Json.JsonValueKind.Array ? request.RootElement.EnumerateArray().ToList() : [request.RootElement];
                var answers = calls.Select(c => """{"jsonrpc":"2.0","id":""" + c.GetProperty("id").GetRawText() + (c.GetProperty("method").GetString() == "eth_chainId"
                    ? ""","result":"0x7a69"}"""
                    : ""","error":{"code":-32601,"message":"the method does not exist here"}}"""));
                var bytes = System.Text.Encoding.UTF8.GetBytes(request.RootElement.ValueKind == System.Text.Json.JsonValueKind.Array ? $"[{string.Join(',', answers)}]" : answers.Single());
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        });
        var output = Path.Combine(_dir.FullName, "refused");

        var run = await CliProcess.RunAsync("run", Path.Combine(Repository.Root, "scenarios", "quickstart.yaml"), "--out", output, "--chain", $"http://127.0.0.1:{port}");

        Assert.True(run.ExitCode == 1, run.Stderr);
        CliAssert.NoTrace(run.Stdout + run.Stderr);
        Assert.StartsWith("micromarket: the run was aborted: opening the market:", run.Stderr.Trim().Split('\n')[^1], StringComparison.Ordinal);
        // The directory says the run has no results, and why.
        Assert.Contains("opening the market", RunWithoutResults.Read(output)!.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_arguments_exit_2()
    {
        Assert.Equal(2, (await CliProcess.RunAsync("run", Path.Combine(_dir.FullName, "missing.yaml"))).ExitCode);
        var quickstart = Path.Combine(Repository.Root, "scenarios", "quickstart.yaml");
        var badChain = await CliProcess.RunAsync("run", quickstart, "--chain", "ftp://nowhere");
        Assert.Equal(2, badChain.ExitCode);
        Assert.Contains("--chain", badChain.Stderr);
        var negativeSeed = await CliProcess.RunAsync("run", quickstart, "--seed", "-3");
        Assert.Equal(2, negativeSeed.ExitCode);
        Assert.Equal("micromarket: --seed -3: a seed is a whole number >= 0", negativeSeed.Stderr.Trim());
        var badFormat = await CliProcess.RunAsync("run", quickstart, "--format", "xml");
        Assert.Equal(2, badFormat.ExitCode);
        Assert.Equal("micromarket: run: --format 'xml' is none of csv, parquet, auto", badFormat.Stderr.Trim());
        Assert.Equal(2, (await CliProcess.RunAsync("run", quickstart, "--parquet-after-days", "-1")).ExitCode);
    }

    /// <summary>Issue 15, 5: --format auto picks Parquet for a run longer than the threshold, and the report draws from it.</summary>
    [Fact]
    public async Task Beyond_the_parquet_threshold_the_run_writes_parquet_tables_and_its_report_from_them()
    {
        var output = Path.Combine(_dir.FullName, "parquet");
        var run = await CliProcess.RunAsync("run", Path.Combine(Repository.Root, "scenarios", "quickstart.yaml"), "--out", output, "--parquet-after-days", "0");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("report:", run.Stdout);
        foreach (var table in RunDirectory.PerSlotTables)
        {
            Assert.True(File.Exists(Path.Combine(output, RunDirectory.TableFile(table, TableFormat.Parquet))), $"{table} as Parquet is missing");
            Assert.False(File.Exists(Path.Combine(output, table)), $"{table} was written as CSV too");
        }
        Assert.True(File.Exists(Path.Combine(output, RunDirectory.Report)));
    }

    [Fact]
    public async Task The_quickstart_runs_end_to_end_and_writes_its_run_directory()
    {
        var output = Path.Combine(_dir.FullName, "quickstart");
        var run = await CliProcess.RunAsync("run", Path.Combine(Repository.Root, "scenarios", "quickstart.yaml"), "--out", output, "--verbose");
        Assert.True(run.ExitCode == 0, run.Stderr);
        // Standard output carries the results alone; the actor log (informational lines with --verbose) goes to stderr.
        Assert.Equal(["run complete", "invariants", "chain", "report"], run.Stdout.Trim().Split('\n').Select(l => l.Split(':')[0]));
        Assert.Contains("[INFO]", run.Stderr);
        foreach (var file in new[] { RunDirectory.ResolvedScenario, RunDirectory.Units, RunDirectory.Slots, RunDirectory.Orders, RunDirectory.Transactions, RunDirectory.Buses, RunDirectory.Lines, RunDirectory.Summary, RunDirectory.Chain, RunDirectory.Timing })
        {
            Assert.True(File.Exists(Path.Combine(output, file)), $"{file} is missing");
        }
    }

    /// <summary>The optimum solves the quickstart's own actuals after the run, beside its files; the run's fuel is above it.</summary>
    [Fact]
    public async Task With_optimal_the_summary_measures_the_run_against_its_optimum()
    {
        var output = Path.Combine(_dir.FullName, "with-optimal");
        var run = await CliProcess.RunAsync("run", Path.Combine(Repository.Root, "scenarios", "quickstart.yaml"), "--out", output, "--with-optimal");

        Assert.True(run.ExitCode == 0, run.Stderr);
        var summary = RunJson.Read<RunSummary>(output, RunDirectory.Summary);
        var optimal = summary.Optimal;
        Assert.NotNull(optimal);
        // A lower bound: the optimum never burns more than the run. The quickstart's grid-forming battery can carry
        // the day, so the optimum may burn nothing, and then there is no gap to state.
        Assert.True(optimal.Fuel <= summary.Kpis.FuelUnits + 1e-6, $"optimum {optimal.Fuel} above the run's {summary.Kpis.FuelUnits}");
        if (optimal.Fuel > 0)
        {
            Assert.Equal(summary.Kpis.FuelUnits / optimal.Fuel - 1, optimal.FuelGap!.Value, 1e-6);
        }
        else
        {
            Assert.Null(optimal.FuelGap);
        }
        Assert.InRange(optimal.Starts, 0, 96);
        Assert.True(File.Exists(Path.Combine(output, "optimal.json")) && File.Exists(Path.Combine(output, "optimal-slots.csv")));
        Assert.Contains("fuel_gap", run.Stdout);
        RunDirectoryChecks.Kpis(output, ScenarioLoader.Load(Path.Combine(Repository.Root, "scenarios", "quickstart.yaml")));
    }

    [Fact]
    public async Task With_optimal_a_grid_connected_scenario_is_refused_before_anything_starts()
    {
        var output = Path.Combine(_dir.FullName, "connected");
        var run = await CliProcess.RunAsync("run", Path.Combine(Repository.Root, "scenarios", "ieee-eu-lv-prosumers.yaml"), "--out", output, "--with-optimal");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("grid-connected", run.Stderr);
        Assert.False(Directory.Exists(output));
    }

    public void Dispose() => _dir.Delete(recursive: true);
}

/// <summary>Finds the repository's files from the test's folder.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MicroMarket.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("MicroMarket.sln not found above " + AppContext.BaseDirectory);
    }
}
