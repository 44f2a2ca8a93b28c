using MicroMarket.Reporting.Input;
using MicroMarket.RunFormat;
using Xunit;

namespace MicroMarket.Reporting.Tests;

/// <summary>The typed reader of a run directory: what it reads from the real fixture, and the errors it gives for malformed input.</summary>
public sealed class RunDataReaderTests
{
    [Fact]
    public void Reads_the_island_fixture()
    {
        var run = RunDataReader.Load(RunFixture.FixturePath("island-day"));

        Assert.Equal("probe", run.Summary.Scenario);
        Assert.True(run.Summary.IsIsland);
        Assert.Equal(1, run.Days);
        Assert.Equal(96, run.Slots.Count);
        Assert.All(run.Slots, s => Assert.NotNull(s.Physics));
        Assert.Equal(96 * 8, run.UnitSlots.Count);
        Assert.Equal(["house-1", "house-2", "house-3", "pv-1", "bat-1", "ev-1", "washer", "diesel"], run.Participants.Select(p => p.Unit));
        // Only the book the report draws: the busiest day-ahead slot's, both stages (orders.csv holds 1712 steps).
        Assert.Equal(72, run.BookSlot);
        Assert.Equal(20, run.Orders.Count);
        Assert.All(run.Orders, o => Assert.Equal(72, o.Slot));
        Assert.Equal(362, run.Transactions.Count);
        Assert.Equal(11, run.Buses.Count);
        Assert.Equal(9, run.Lines.Count);
        Assert.Equal(new DateTimeOffset(2026, 6, 14, 22, 0, 0, TimeSpan.Zero), run.StartUtc);
        Assert.Equal(0.2501m, run.Summary.Kpis.DayAheadPrice.Mean);
        Assert.Equal(151.624598m, run.Summary.Kpis.FuelCost);
        Assert.Equal(8, run.Summary.Kpis.Bills.Count);
        Assert.True(run.Summary.Verification.Holds);
        // Empty cells are "not applicable": the MV bus was never energised, an absent EV has no state of charge.
        Assert.Null(run.Buses.Single(b => b.Bus == "MV").MinVoltagePu);
        Assert.Null(run.UnitSlots.First(u => u.Unit == "ev-1").StateOfCharge);
    }

    [Fact]
    public void Reads_the_island_balance_of_each_slot()
    {
        var quickstart = RunDataReader.Load(RunFixture.FixturePath("quickstart-day")).Slots;
        var island = RunDataReader.Load(RunFixture.FixturePath("island-day")).Slots;

        // quickstart-day slot 41: the battery formed the grid, full at its power limit, and PV was curtailed.
        Assert.Equal(new SlotPhysicsRecord(0, 0.007442, 0, 0, 1.25, 0, 0.998693, 1.000294, 0, BalanceOutcome.Curtailed, "battery", GensetState.Off, 0.094773, 10),
            quickstart[41].Physics);
        Assert.Equal(GensetState.Start, quickstart[73].Physics!.Genset);
        Assert.Equal("diesel", quickstart[73].Physics!.GridFormer);
        // island-day's columns were added by hand (Fixtures/README.md): the diesel ran and formed the grid throughout.
        Assert.Equal(GensetState.Start, island[0].Physics!.Genset);
        Assert.All(island.Skip(1), s => Assert.Equal(GensetState.On, s.Physics!.Genset));
        Assert.Equal(BalanceOutcome.Ballast, island[0].Physics!.Outcome);
    }

    [Theory]
    [InlineData("balance_outcome", "BallastRequired", "is not a balance outcome (Balanced, Storage, Curtailed, Ballast, LoadShed, Blackout, GridConnected)")]
    [InlineData("genset_state", "running", "is not one of off, on, start, emergency-start")]
    public void A_malformed_balance_state_names_file_line_and_field(string column, string value, string problem)
    {
        using var run = RunFixture.IslandDay();
        run.ReplaceCell(RunDirectory.Slots, lineNumber: 5, column, value);
        var e = Assert.Throws<RunFormatException>(() => RunDataReader.Load(run.Directory));
        Assert.Equal($"slots.csv:5: {column}: '{value}' {problem}", e.Message);
    }

    [Fact]
    public void A_run_that_delivered_no_slot_gets_no_report_and_says_why()
    {
        // A run that failed at its first phase writes its tables' headers and nothing else.
        using var run = RunFixture.IslandDay();
        foreach (var table in new[] { RunDirectory.Slots, RunDirectory.Units, RunDirectory.Orders, RunDirectory.Transactions })
        {
            File.WriteAllText(run.PathOf(table), File.ReadLines(run.PathOf(table)).First() + "\n");
        }
        var e = Assert.Throws<RunFormatException>(() => RunReport.Write(run.Directory));
        Assert.Equal($"{run.Directory}: the run delivered no slot, so there is nothing to draw", e.Message);
    }

    [Fact]
    public void A_missing_directory_is_named()
    {
        var e = Assert.Throws<RunFormatException>(() => RunDataReader.Load("/no/such/run"));
        Assert.Equal("/no/such/run: no such run directory", e.Message);
    }

    [Fact]
    public void A_file_given_as_the_run_directory_is_called_a_file()
    {
        using var run = RunFixture.IslandDay();
        var e = Assert.Throws<RunFormatException>(() => RunDataReader.Load(run.PathOf(RunDirectory.Summary)));
        Assert.Equal($"{run.PathOf(RunDirectory.Summary)} is a file, not a run directory", e.Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        using var run = RunFixture.IslandDay();
        File.Delete(run.PathOf(RunDirectory.Orders));
        var e = Assert.Throws<RunFormatException>(() => RunDataReader.Load(run.Directory));
        Assert.StartsWith("orders.csv: missing from the run directory", e.Message);
    }

    [Fact]
    public void A_malformed_cell_names_file_line_and_field()
    {
        using var run = RunFixture.IslandDay();
        run.ReplaceCell(RunDirectory.Slots, lineNumber: 3, column: "da_price", value: "abc");
        var e = Assert.Throws<RunFormatException>(() => RunDataReader.Load(run.Directory));
        Assert.Equal("slots.csv:3: da_price: 'abc' is not a number", e.Message);
    }

    [Fact]
    public void A_malformed_enumeration_names_file_line_and_field()
    {
        using var run = RunFixture.IslandDay();
        // Line 560 is a step of slot 72, the book the report reads.
        run.ReplaceCell(RunDirectory.Orders, lineNumber: 560, column: "side", value: "bid");
        var e = Assert.Throws<RunFormatException>(() => RunDataReader.Load(run.Directory));
        Assert.Equal("orders.csv:560: side: 'bid' is not buy or sell", e.Message);
    }

    [Fact]
    public void A_missing_column_is_named()
    {
        using var run = RunFixture.IslandDay();
        var lines = File.ReadAllLines(run.PathOf(RunDirectory.Units));
        lines[0] = lines[0].Replace(",soc,", ",state_of_charge,", StringComparison.Ordinal);
        File.WriteAllLines(run.PathOf(RunDirectory.Units), lines);
        var e = Assert.Throws<RunFormatException>(() => RunDataReader.Load(run.Directory));
        Assert.Equal("units.csv:1: missing column(s) soc", e.Message);
    }

    [Fact]
    public void A_short_record_is_named()
    {
        using var run = RunFixture.IslandDay();
        var lines = File.ReadAllLines(run.PathOf(RunDirectory.Lines));
        lines[2] = "L2,B2";
        File.WriteAllLines(run.PathOf(RunDirectory.Lines), lines);
        var e = Assert.Throws<RunFormatException>(() => RunDataReader.Load(run.Directory));
        Assert.Equal("lines.csv:3: 2 fields where the header has 4", e.Message);
    }

    [Fact]
    public void A_malformed_summary_names_the_field()
    {
        using var run = RunFixture.IslandDay();
        var text = File.ReadAllText(run.PathOf(RunDirectory.Summary)).Replace("\"imbalance_cost\": 2.006289", "\"imbalance_cost\": \"two\"", StringComparison.Ordinal);
        File.WriteAllText(run.PathOf(RunDirectory.Summary), text);
        var e = Assert.Throws<RunFormatException>(() => RunDataReader.Load(run.Directory));
        Assert.StartsWith("summary.json:", e.Message);
        Assert.Contains("$.kpis.imbalance_cost", e.Message);
    }

    [Fact]
    public void Quoted_fields_with_commas_are_one_field()
    {
        using var run = RunFixture.IslandDay();
        var lines = File.ReadAllLines(run.PathOf(RunDirectory.Transactions));
        var cells = lines[1].Split(',');
        cells[3] = "\"orders, \"\"day 0\"\"\"";
        lines[1] = string.Join(',', cells);
        File.WriteAllLines(run.PathOf(RunDirectory.Transactions), lines);
        Assert.Equal(362, RunDataReader.Load(run.Directory).Transactions.Count);
    }
}
