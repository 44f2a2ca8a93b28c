using MicroMarket.Experiments.Sweep;
using MicroMarket.Reporting.Figures;
using MicroMarket.Reporting.Html;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Experiments;
using Microsoft.Playwright;
using Xunit;

namespace MicroMarket.Reporting.Tests;

/// <summary>
/// sweep.html as a reader sees it, opened from disk in headless Chromium. No run is made: the experiment is loaded over
/// the shipped quickstart scenario, the runs' KPIs are made up (deterministic), and each run's report.html and log are
/// stand-in files for the links to find.
/// </summary>
[Collection(ChromiumCollection.Name)]
public sealed class SweepPageTests(HeadlessChromium chromium)
{
    [Fact]
    public async Task A_numeric_sweep_page_loads_every_figure_links_every_run_and_shows_the_effects_numbers()
    {
        using var sweep = SweepFixture.Load("""
            name: battery-size
            scenario: base.yaml
            grid:
              units[battery].capacity_kwh: [10, 20, 40]
            seeds: { seed: 4 }
            kpis: [self_sufficiency, day_ahead_price.mean]
            """);
        var experiment = sweep.Experiment;
        var axis = SweepFigures.NumericAxis(experiment)!.Value;
        Assert.Equal("units[battery].capacity_kwh", axis.Override);
        Assert.Equal([10.0, 20.0, 40.0], axis.Values);

        // Levels 0 and 1 complete (level 1's seed 4 without a day-ahead price); level 2 has one complete run, a partial one
        // (with a report and a log), one that failed before its results (a log) and one never started (nothing).
        var rows = experiment.Runs.Select(run => (run.Level, run.Seeds[0]) switch
        {
            (2, 2) => sweep.Row(run, complete: false, report: true, log: true),
            (2, 3) => sweep.Row(run, complete: false, kpis: false, log: true),
            (2, 4) => sweep.Row(run, complete: false, kpis: false),
            _ => sweep.Row(run, complete: true, report: true),
        }).ToList();
        rows[7] = rows[7] with { Kpis = new Dictionary<string, double?>(rows[7].Kpis!) { ["day_ahead_price.mean"] = null } };
        var effects = SweepTables.Effects(experiment, rows);

        var output = SweepWriter.Write(experiment, rows, effects, sweep.Directory);

        Assert.Equal(sweep.Directory.PathOf("sweep.html"), output.ReportPath);
        string[] files = ["sweep-kpi-self_sufficiency.png", "sweep-kpi-day_ahead_price-mean.png", "sweep-differences.png"];
        Assert.Equal(files, output.FigurePaths.Select(Path.GetFileName));
        Assert.All(output.FigurePaths, p => Assert.Equal(sweep.Directory.PathOf(RunDirectory.Figures), Path.GetDirectoryName(p)));

        await using var page = await chromium.OpenAsync(output.ReportPath);
        await AssertLoadsCleanly(page, files);

        // Every link resolves to a file of the sweep: a report for each of the 10 runs that have one, a log for the 2 that have one.
        var links = await Links(page);
        Assert.Equal(10 + 2, links.Count);
        Assert.All(links, l => Assert.True(File.Exists(new Uri(l.Href).LocalPath), $"{l.Href} does not exist"));
        foreach (var row in rows.Where(r => r.Complete))
        {
            Assert.Equal($"runs/{row.Run.Id}/report.html", await page.Page.Locator($"#run-{row.Run.Id} td.report a").GetAttributeAsync("href"));
            Assert.Equal("complete", await page.TextAsync($"#run-{row.Run.Id} td.status"));
        }
        var failed = rows[10].Run;
        Assert.Equal("incomplete (no results)", await page.TextAsync($"#run-{failed.Id} td.status"));
        Assert.Equal($"logs/{failed.Id}.log", await page.Page.Locator($"#run-{failed.Id} td.log a").GetAttributeAsync("href"));
        Assert.Equal(0, await page.Page.Locator($"#run-{failed.Id} td.report a").CountAsync());
        Assert.Equal("incomplete", await page.TextAsync($"#run-{rows[9].Run.Id} td.status"));
        Assert.Equal(0, await page.Page.Locator($"#run-{rows[11].Run.Id} a").CountAsync());
        Assert.Equal("9/12 runs complete", await page.TextAsync("#runs-complete"));

        // The effects table prints SweepTables.Effects' numbers: level 1's self-sufficiency over seeds 1..4 is 0.374, 0.398,
        // 0.41, 0.434: mean 0.404, s = 0.02498, t(0.975, 3) = 3.18245, so 0.404 -+ 0.039749.
        var level1 = effects.Single(e => e.Kpi == "self_sufficiency" && e.Level.Index == 1);
        Assert.Equal("4", await page.TextAsync("#effect-self_sufficiency-1 td.n"));
        Assert.Equal("0.40400", await page.TextAsync("#effect-self_sufficiency-1 td.mean"));
        Assert.Equal(SweepWriter.Number(level1.Summary!.Mean), await page.TextAsync("#effect-self_sufficiency-1 td.mean"));
        Assert.Equal("[0.36425, 0.44375]", await page.TextAsync("#effect-self_sufficiency-1 td.ci"));
        Assert.Equal(SweepWriter.Interval(level1.Summary.Low, level1.Summary.High), await page.TextAsync("#effect-self_sufficiency-1 td.ci"));
        Assert.Equal(SweepWriter.Signed(level1.Difference!.MeanDifference), await page.TextAsync("#effect-self_sufficiency-1 td.diff"));
        Assert.Equal(SweepWriter.Interval(level1.Difference.Low, level1.Difference.High), await page.TextAsync("#effect-self_sufficiency-1 td.diff-ci"));
        Assert.Equal(SweepWriter.Interval(level1.Difference.BootstrapLow, level1.Difference.BootstrapHigh), await page.TextAsync("#effect-self_sufficiency-1 td.bootstrap-ci"));
        Assert.Equal("(baseline)", await page.TextAsync("#effect-self_sufficiency-0 td.diff"));
        // Level 1's day-ahead price has three runs (seed 4 has none), level 2's self-sufficiency one run: no interval.
        Assert.Equal("3", await page.TextAsync("#effect-day_ahead_price-mean-1 td.n"));
        Assert.Equal("1", await page.TextAsync("#effect-self_sufficiency-2 td.n"));
        Assert.Equal(KpiFormat.NotApplicable, await page.TextAsync("#effect-self_sufficiency-2 td.ci"));
        Assert.Equal(KpiFormat.NotApplicable, await page.TextAsync("#effect-self_sufficiency-2 td.diff-ci"));

        var html = File.ReadAllText(output.ReportPath);
        Assert.DoesNotContain(sweep.Directory.Root, html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_categorical_sweep_with_a_level_without_complete_runs_and_kpis_without_values_draws_gaps()
    {
        using var sweep = SweepFixture.Load("""
            scenario: base.yaml
            cases:
              - { market.imbalance.penalty_percent: 10 }
              - { market.imbalance.penalty_percent: 40, "units[battery].capacity_kwh": 30 }
              - { "units[battery].capacity_kwh": 30 }
            seeds: { seed: 3 }
            kpis: [self_sufficiency, fuel_cost, imbalance_cost]
            """);
        var experiment = sweep.Experiment;
        Assert.Null(SweepFigures.NumericAxis(experiment));

        // Level 1 has no complete run; fuel_cost has no value anywhere; one run's imbalance cost is NaN (a gap, not a throw).
        var rows = experiment.Runs.Select(run => run.Level == 1
            ? sweep.Row(run, complete: false, log: true)
            : sweep.Row(run, complete: true, report: true)).ToList();
        rows = [.. rows.Select(r => r with { Kpis = r.Kpis is null ? null : new Dictionary<string, double?>(r.Kpis) { ["fuel_cost"] = null } })];
        var effects = SweepTables.Effects(experiment, rows);
        rows[0] = rows[0] with { Kpis = new Dictionary<string, double?>(rows[0].Kpis!) { ["imbalance_cost"] = double.NaN } };

        var output = SweepWriter.Write(experiment, rows, effects, sweep.Directory);
        var html = File.ReadAllBytes(output.ReportPath);
        var figures = output.FigurePaths.Select(File.ReadAllBytes).ToList();

        await using var page = await chromium.OpenAsync(output.ReportPath);
        await AssertLoadsCleanly(page, ["sweep-kpi-self_sufficiency.png", "sweep-kpi-fuel_cost.png", "sweep-kpi-imbalance_cost.png", "sweep-differences.png"]);
        var links = await Links(page);
        Assert.Equal(6 + 3, links.Count);
        Assert.All(links, l => Assert.True(File.Exists(new Uri(l.Href).LocalPath), $"{l.Href} does not exist"));
        Assert.Equal("0", await page.TextAsync("#effect-self_sufficiency-1 td.n"));
        Assert.Equal(KpiFormat.NotApplicable, await page.TextAsync("#effect-self_sufficiency-1 td.mean"));
        Assert.Equal("no pairs", await page.TextAsync("#effect-self_sufficiency-1 td.diff"));
        Assert.Equal("0", await page.TextAsync("#effect-fuel_cost-2 td.n"));
        Assert.Equal("0/3", await page.TextAsync("#level-1 td:last-child"));

        // The same sweep writes the same bytes, and a figure no longer named is not left behind.
        var again = SweepWriter.Write(experiment, rows, effects, sweep.Directory);
        Assert.Equal(html, File.ReadAllBytes(again.ReportPath));
        Assert.Equal(figures, again.FigurePaths.Select(File.ReadAllBytes));
        var fewer = experiment with { Kpis = ["self_sufficiency"] };
        var last = SweepWriter.Write(fewer, rows, SweepTables.Effects(fewer, rows), sweep.Directory);
        Assert.Equal(["sweep-differences.png", "sweep-kpi-self_sufficiency.png"],
            Directory.GetFiles(sweep.Directory.PathOf(RunDirectory.Figures)).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(2, last.FigurePaths.Count);
    }

    [Theory]
    [InlineData(0.40399999999999997, "0.40400")]
    [InlineData(262.0449, "262.04")]
    [InlineData(-16.95149, "-16.951")]
    [InlineData(123456789.4, "123456789")]
    [InlineData(1.67e-5, "1.67E-5")]
    [InlineData(0.0, "0")]
    [InlineData(double.NaN, "n/a")]
    public void Statistics_print_with_five_significant_digits(double value, string expected) => Assert.Equal(expected, SweepWriter.Number(value));

    /// <summary>Every figure loaded at full width, nothing asked of the network, and no console error or page error on a fresh load.</summary>
    private static async Task AssertLoadsCleanly(OpenedPage page, IReadOnlyList<string> files)
    {
        var errors = new List<string>();
        page.Page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (errors)
                {
                    errors.Add(message.Text);
                }
            }
        };
        page.Page.PageError += (_, error) =>
        {
            lock (errors)
            {
                errors.Add(error);
            }
        };
        // Loaded again with the listeners in place, so an error during the first parse is not missed.
        await page.Page.ReloadAsync(new PageReloadOptions { WaitUntil = WaitUntilState.Load });

        var images = await page.ImagesAsync();
        Assert.Equal(files, images.Select(i => i.File));
        Assert.All(images, i =>
        {
            Assert.True(i.Complete, $"{i.File} did not finish loading");
            Assert.Equal(FigureStyle.WidthPx, i.Width);
            Assert.True(i.Height >= 300, $"{i.File} is {i.Height} px high");
        });
        Assert.Empty(page.ExternalRequests);
        Assert.Empty(errors);
    }

    private sealed record Link(string Href);

    /// <summary>Every link of the page, resolved by the browser against the page's own address.</summary>
    private static async Task<IReadOnlyList<Link>> Links(OpenedPage page) =>
        [.. (await page.Page.EvaluateAsync<string[]>("() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")).Select(h => new Link(h))];

    /// <summary>
    /// An experiment over the shipped quickstart scenario (copied with its feeders into a temporary folder) and its
    /// sweep folder beside it, where a test writes stand-in reports and logs; deleted afterwards.
    /// </summary>
    private sealed class SweepFixture : IDisposable
    {
        private readonly string _folder;

        private SweepFixture(string folder, Experiment experiment)
        {
            _folder = folder;
            Experiment = experiment;
            Directory = new SweepDirectory(Path.Combine(folder, "sweep"));
        }

        public Experiment Experiment { get; }

        public SweepDirectory Directory { get; }

        public static SweepFixture Load(string yaml)
        {
            var folder = System.IO.Directory.CreateTempSubdirectory("micromarket-sweep-page-").FullName;
            var shipped = Path.Combine(AppContext.BaseDirectory, "Scenarios");
            File.Copy(Path.Combine(shipped, "quickstart.yaml"), Path.Combine(folder, "base.yaml"));
            var feeders = System.IO.Directory.CreateDirectory(Path.Combine(folder, "feeders")).FullName;
            foreach (var feeder in System.IO.Directory.GetFiles(Path.Combine(shipped, "feeders")))
            {
                File.Copy(feeder, Path.Combine(feeders, Path.GetFileName(feeder)));
            }
            var path = Path.Combine(folder, "experiment.yaml");
            File.WriteAllText(path, yaml);
            return new SweepFixture(folder, ExperimentLoader.Load(path));
        }

        /// <summary>
        /// A run's row with made-up KPIs (every KPI of interest a function of its level and seed; the rest null), and the
        /// stand-in files asked for: runs/ID/report.html, logs/ID.log.
        /// </summary>
        public SweepRow Row(ExperimentRun run, bool complete, bool kpis = true, bool report = false, bool log = false)
        {
            if (report)
            {
                var folder = System.IO.Directory.CreateDirectory(Directory.RunDirectory(run)).FullName;
                File.WriteAllText(Path.Combine(folder, RunDirectory.Report), $"<!DOCTYPE html><title>{run.Id}</title>");
            }
            if (log)
            {
                System.IO.Directory.CreateDirectory(Path.GetDirectoryName(Directory.LogFile(run))!);
                File.WriteAllText(Directory.LogFile(run), $"run {run.Id}\n");
            }
            if (!kpis)
            {
                return new SweepRow(run, complete, null);
            }
            var (level, seed) = (run.Level, run.Seeds[0]);
            var values = KpiValues.Keys.ToDictionary(k => k, _ => (double?)null, StringComparer.Ordinal);
            values["self_sufficiency"] = 0.30 + 0.02 * seed + 0.05 * level + 0.004 * (seed * level % 3);
            values["day_ahead_price.mean"] = 0.25 - 0.01 * level + 0.001 * seed * seed;
            values["fuel_cost"] = 40 - 3 * level + seed;
            values["imbalance_cost"] = 1.5 + 0.1 * level - 0.05 * seed;
            return new SweepRow(run, complete, values);
        }

        public void Dispose()
        {
            try
            {
                System.IO.Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temporary directory is harmless.
            }
        }
    }
}
