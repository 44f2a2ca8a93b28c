using MicroMarket.Reporting.Figures;
using MicroMarket.Reporting.Input;
using MicroMarket.RunFormat;
using Xunit;

namespace MicroMarket.Reporting.Tests;

/// <summary>
/// What the island's figures draw, checked against the run's own tables (slots.csv read here directly, not through
/// the report's reader): the dispatch figure's balance areas, the genset's starts and the voltage envelope's blackouts.
/// </summary>
public sealed class IslandFigureTests
{
    private const double Tolerance = 1e-9;

    public static TheoryData<string, TimeResolution> RunsAndResolutions()
    {
        var data = new TheoryData<string, TimeResolution>();
        foreach (var run in new[] { "island-day", "quickstart-day" })
        {
            foreach (var resolution in Enum.GetValues<TimeResolution>())
            {
                data.Add(run, resolution);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(RunsAndResolutions))]
    public void The_dispatch_areas_hold_the_slot_energies_of_the_run(string fixture, TimeResolution resolution)
    {
        var run = RunDataReader.Load(RunFixture.FixturePath(fixture));
        var axis = new TimeAxis(run.Days, resolution, run.StartUtc);

        var areas = DispatchFigure.Areas(DispatchFigure.Rows(run.UnitSlots), DispatchFigure.Balance(run.Slots, run.Participants), axis);

        // A day in weekly buckets is one short week: each bucket's power holds over the run's hours in it.
        double Kwh(double[] kw) => kw.Select((p, bucket) => p * axis.HoursIn(bucket)).Sum();
        var slots = SlotsCsvColumn(fixture);
        Assert.Equal(slots(SlotsCsv.CurtailedKwh).Sum(), Kwh(areas.CurtailedKw), Tolerance);
        Assert.Equal(slots(SlotsCsv.BallastKwh).Sum(), Kwh(areas.BallastKw), Tolerance);
        Assert.Equal(slots(SlotsCsv.NotServedKwh).Sum(), Kwh(areas.NotServedKw), Tolerance);
        Assert.Equal(slots(SlotsCsv.StorageAbsorbedKwh).Sum(), Kwh(areas.StorageChargedKw), Tolerance);
        Assert.Equal(slots(SlotsCsv.StorageSuppliedKwh).Sum(), Kwh(areas.StorageDischargedKw), Tolerance);
        // The island's source is the genset, the slack's supply area, which is metered in whole Wh: half a Wh per slot apart at most.
        Assert.Equal(slots(SlotsCsv.SourceKwh).Sum(), Kwh(areas.Supply.Single(a => a.Kind == UnitKind.Slack).Kw), run.Slots.Count * 0.0005);
        Assert.Equal(axis.Buckets, areas.CurtailedKw.Length);
    }

    [Fact]
    public void The_quickstart_day_has_every_balance_area_it_recorded()
    {
        var run = RunDataReader.Load(RunFixture.FixturePath("quickstart-day"));
        var areas = DispatchFigure.Areas(DispatchFigure.Rows(run.UnitSlots), DispatchFigure.Balance(run.Slots, run.Participants), TimeAxis.For(run.Days, run.StartUtc));

        // The battery formed the grid but for the genset's hours 18:15-21:15 (slots 73-84); the battery absorbed
        // and supplied, and PV and wind were curtailed while it sat full.
        Assert.Equal([.. Enumerable.Range(73, 12).Select(_ => 1.0)], areas.Formers.Single(f => f.Former == GridFormerKind.Genset).Share[73..85]);
        Assert.Equal(96 - 12, areas.Formers.Single(f => f.Former == GridFormerKind.Storage).Share.Sum());
        Assert.Equal(0, areas.Formers.Single(f => f.Former == GridFormerKind.Blackout).Share.Sum());
        Assert.True(areas.StorageChargedKw.Sum() > 0 && areas.StorageDischargedKw.Sum() > 0 && areas.CurtailedKw.Sum() > 0);
    }

    [Fact]
    public void A_grid_connected_run_has_no_grid_former_and_no_balance_areas()
    {
        using var week = RunFixture.Synthetic(days: 7);
        var run = RunDataReader.Load(week.Directory);

        var balance = DispatchFigure.Balance(run.Slots, run.Participants);

        Assert.All(balance, b => Assert.Equal(GridFormerKind.None, b.Former));
        Assert.Empty(GensetFigure.Rows(run.Slots));
    }

    [Theory]
    [InlineData("island-day")]
    [InlineData("quickstart-day")]
    public void Each_genset_start_is_marked_once(string fixture)
    {
        var run = RunDataReader.Load(RunFixture.FixturePath(fixture));
        var recorded = SlotsCsvText(fixture, SlotsCsv.GensetState);
        var rows = GensetFigure.Rows(run.Slots);

        var starts = GensetFigure.Starts(rows);
        var plot = GensetFigure.Draw(rows, GensetFigure.FormerSoc(run.Slots, run.UnitSlots), TimeAxis.For(run.Days, run.StartUtc));

        Assert.Equal(recorded.Select((s, slot) => (s, slot)).Where(r => r.s is "start" or "emergency-start").Select(r => r.slot), starts.Select(s => s.Slot));
        Assert.Equal(starts.Count, plot.GetPlottables().OfType<ScottPlot.Plottables.Markers>().Sum(m => m.Data.GetScatterPoints().Count));
    }

    [Fact]
    public void Planned_and_emergency_starts_are_told_apart()
    {
        using var run = RunFixture.IslandDay();
        // The diesel stops at slot 10 and restarts in an emergency at slot 12, then stops and restarts as planned at 40.
        SetSlots(run, SlotsCsv.GensetState, new() { [10] = "off", [11] = "off", [12] = "emergency-start", [39] = "off", [40] = "start" });

        var starts = GensetFigure.Starts(GensetFigure.Rows(RunDataReader.Load(run.Directory).Slots));

        Assert.Equal([new(0, false), new(12, true), new(40, false)], starts);
    }

    [Fact]
    public void The_genset_figure_draws_the_grid_forming_battery_state_of_charge()
    {
        var run = RunDataReader.Load(RunFixture.FixturePath("quickstart-day"));

        var soc = GensetFigure.FormerSoc(run.Slots, run.UnitSlots);

        Assert.Equal(["battery"], soc.Select(s => s.Unit).Distinct());
        Assert.Equal(96, soc.Count);
    }

    [Fact]
    public void Blackout_slots_are_not_drawn_as_voltages_and_are_counted()
    {
        using var run = RunFixture.IslandDay();
        var dark = new Dictionary<int, string> { [5] = "Blackout", [6] = "Blackout", [7] = "Blackout" };
        SetSlots(run, SlotsCsv.BalanceOutcome, dark);
        SetSlots(run, SlotsCsv.MinVoltagePu, dark.ToDictionary(d => d.Key, _ => "0"));
        SetSlots(run, SlotsCsv.MaxVoltagePu, dark.ToDictionary(d => d.Key, _ => "0"));
        SetSlots(run, SlotsCsv.GridFormer, dark.ToDictionary(d => d.Key, _ => ""));
        var slots = RunDataReader.Load(run.Directory).Slots;

        var rows = VoltageFigure.Rows(slots);
        var plot = VoltageFigure.Draw(rows, VoltageFigure.Blackouts(slots), TimeAxis.For(1, slots[0].TimeUtc));

        Assert.Equal(93, rows.Count);
        Assert.DoesNotContain(rows, r => r.MinPu == 0);
        Assert.EndsWith("; 3 blackout slots left out", plot.Axes.Title.Label.Text);
        Assert.Equal(3, DispatchFigure.Balance(slots, RunDataReader.Load(run.Directory).Participants).Count(b => b.Former == GridFormerKind.Blackout));
    }

    /// <summary>A numeric column of the fixture's slots.csv, one value per slot.</summary>
    private static Func<string, double[]> SlotsCsvColumn(string fixture) => column =>
        CsvTableReader.Open(Path.Combine(RunFixture.FixturePath(fixture), RunDirectory.Slots), column).Records().Select(r => r.Double(column)).ToArray();

    private static string[] SlotsCsvText(string fixture, string column) =>
        CsvTableReader.Open(Path.Combine(RunFixture.FixturePath(fixture), RunDirectory.Slots), column).Records().Select(r => r.Text(column)).ToArray();

    /// <summary>Overwrites one column of some slots in a copied run's slots.csv.</summary>
    private static void SetSlots(RunFixture run, string column, Dictionary<int, string> values)
    {
        foreach (var (slot, value) in values)
        {
            run.ReplaceCell(RunDirectory.Slots, lineNumber: slot + 2, column, value);
        }
    }
}
