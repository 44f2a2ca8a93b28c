using System.Diagnostics;
using MicroMarket.Reporting.Figures;
using MicroMarket.Reporting.Input;
using Xunit;
using Xunit.Abstractions;

namespace MicroMarket.Reporting.Tests;

/// <summary>The figures of the real one-day island runs and of synthetic grid-connected runs of 7 and 14 days, rendered once.</summary>
public sealed class RenderedFigures : IDisposable
{
    private readonly RunFixture _week = RunFixture.Synthetic(days: 7);
    private readonly RunFixture _fortnight = RunFixture.Synthetic(days: 14, houses: 4, evs: 10);

    public RenderedFigures()
    {
        IslandDay = Render(RunDataReader.Load(RunFixture.FixturePath("island-day")), out var day);
        QuickstartDay = Render(RunDataReader.Load(RunFixture.FixturePath("quickstart-day")), out var quickstart);
        Week = Render(RunDataReader.Load(_week.Directory), out var week);
        Fortnight = Render(RunDataReader.Load(_fortnight.Directory), out var fortnight);
        Timings = $"render: island day {day.TotalSeconds:0.00} s (includes JIT), quickstart day {quickstart.TotalSeconds:0.00} s, "
            + $"synthetic week {week.TotalSeconds:0.00} s, synthetic fortnight {fortnight.TotalSeconds:0.00} s";
    }

    public IReadOnlyDictionary<string, Figure> IslandDay { get; }
    public IReadOnlyDictionary<string, Figure> QuickstartDay { get; }
    public IReadOnlyDictionary<string, Figure> Week { get; }
    public IReadOnlyDictionary<string, Figure> Fortnight { get; }
    public string Timings { get; }

    public IReadOnlyDictionary<string, Figure> Of(string run) => run switch
    {
        "island-day" => IslandDay,
        "quickstart-day" => QuickstartDay,
        "synthetic-week" => Week,
        _ => Fortnight,
    };

    public void Dispose()
    {
        _week.Dispose();
        _fortnight.Dispose();
    }

    private static Dictionary<string, Figure> Render(RunData run, out TimeSpan elapsed)
    {
        var clock = Stopwatch.StartNew();
        var figures = FigureSet.Render(run);
        elapsed = clock.Elapsed;
        return figures.ToDictionary(f => f.FileName);
    }
}

public sealed class FigureTests(RenderedFigures rendered, ITestOutputHelper output) : IClassFixture<RenderedFigures>
{
    private static readonly string[] EveryRunHas =
    [
        "price.png", "merit-order-day-ahead.png", "merit-order-intraday.png", "dispatch.png", "storage.png", "bills.png",
        "voltage.png", "feeder-map.png", "imbalance.png", "gas.png",
    ];

    /// <summary>An island with a genset also has the genset figure, after the dispatch.</summary>
    private static readonly string[] IslandWithGensetHas = [.. EveryRunHas[..4], "genset.png", .. EveryRunHas[4..]];

    public static TheoryData<string, string> Figures()
    {
        var data = new TheoryData<string, string>();
        foreach (var run in new[] { "island-day", "quickstart-day", "synthetic-week", "synthetic-fortnight" })
        {
            foreach (var file in EveryRunHas)
            {
                data.Add(run, file);
            }
        }
        data.Add("island-day", "genset.png");
        data.Add("quickstart-day", "genset.png");
        data.Add("synthetic-week", "price-profile.png");
        data.Add("synthetic-fortnight", "price-profile.png");
        return data;
    }

    [Theory]
    [MemberData(nameof(Figures))]
    public void Renders_a_titled_nonblank_png(string run, string file)
    {
        output.WriteLine(rendered.Timings);
        var figure = rendered.Of(run)[file];
        var (width, height) = Pixels.Size(figure.Png);

        Assert.Equal(FigureStyle.WidthPx, width);
        Assert.InRange(height, FigureStyle.HeightPx, 3000);
        Assert.False(string.IsNullOrWhiteSpace(figure.Title));
        Assert.False(string.IsNullOrWhiteSpace(figure.Caption));
        // Title glyphs in the top band, and no frame line there (without a font the frame moves up into it).
        Assert.True(Pixels.Inked(figure.Png, 0, 30) > 400, "the title band is blank");
        Assert.True(Pixels.WidestInkedRow(figure.Png, 0, 30) < width / 2, "a line, not a title, runs through the title band");
        Assert.True(Pixels.Inked(figure.Png, 0, height) > width * height / 100, "the figure is nearly blank");
    }

    [Fact]
    public void The_report_order_is_fixed_and_a_single_day_has_no_daily_profile()
    {
        Assert.Equal(IslandWithGensetHas, rendered.IslandDay.Keys);
        Assert.Equal(IslandWithGensetHas, rendered.QuickstartDay.Keys);
        Assert.Equal(EveryRunHas.Length + 1, rendered.Week.Count);
    }

    [Fact]
    public void Only_an_island_with_a_genset_has_the_genset_figure()
    {
        Assert.DoesNotContain(GensetFigure.FileName, rendered.Week.Keys);
        Assert.DoesNotContain(GensetFigure.FileName, rendered.Fortnight.Keys);
        Assert.Contains(GensetFigure.FileName, rendered.QuickstartDay.Keys);
        Assert.Equal("Genset: 1 start (0 emergency), 3 h running", rendered.QuickstartDay[GensetFigure.FileName].Title);
    }

    [Fact]
    public void Long_runs_are_aggregated_to_hours_then_days()
    {
        Assert.Equal(TimeResolution.Slot, TimeAxis.For(1, DateTimeOffset.UnixEpoch).Resolution);
        Assert.Equal(TimeResolution.Slot, TimeAxis.For(2, DateTimeOffset.UnixEpoch).Resolution);
        Assert.Equal(TimeResolution.Hour, TimeAxis.For(7, DateTimeOffset.UnixEpoch).Resolution);
        Assert.Equal(TimeResolution.Day, TimeAxis.For(14, DateTimeOffset.UnixEpoch).Resolution);
        Assert.Contains("hourly mean", rendered.Week["price.png"].Title);
        Assert.Contains("daily mean", rendered.Fortnight["dispatch.png"].Title);
    }

    [Fact]
    public void The_merit_order_shows_the_busiest_day_ahead_slot_by_default()
    {
        var run = RunDataReader.Load(RunFixture.FixturePath("island-day"));
        var busiest = run.Slots.MaxBy(s => s.DayAheadVolumeWh)!.Slot;

        Assert.Equal(busiest, MeritOrderFigure.DefaultSlot(run.Slots));
        Assert.Contains($"slot {busiest} ", rendered.IslandDay["merit-order-day-ahead.png"].Title);
    }

    [Fact]
    public void A_chosen_slot_outside_the_run_is_refused()
    {
        var run = RunDataReader.Load(RunFixture.FixturePath("island-day"), bookSlot: 96);
        Assert.Throws<ReportOptionsException>(() => FigureSet.Render(run));
    }

    [Fact]
    public void Step_outlines_hold_each_value_over_its_bucket_and_gaps_split_lines()
    {
        var (x, y) = Series.Steps([0, 0.25, 0.5], 0.25, [1, double.NaN, 3]);

        Assert.Equal([0, 0.25, 0.25, 0.5, 0.5, 0.75], x);
        Assert.Equal([1, 1, double.NaN, double.NaN, 3, 3], y);
        Assert.Equal([(0, 2), (4, 6)], Series.Runs(y));
    }

    [Fact]
    public void Buckets_average_what_is_present_and_sum_energy()
    {
        var hourly = TimeAxis.For(7, DateTimeOffset.UnixEpoch);
        double?[] values = [1, 3, null, null, null, null, null, null];
        var rows = values.Select((v, slot) => (slot, v)).ToList();

        var means = Series.Mean(hourly, rows);
        var sums = Series.Sum(hourly, rows);

        Assert.Equal(7 * 24, means.Length);
        Assert.Equal(2, means[0]);
        Assert.True(double.IsNaN(means[1]));
        Assert.Equal(4, sums[0]);
        Assert.Equal(0, sums[1]);
    }
}
