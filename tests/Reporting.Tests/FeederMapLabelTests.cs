using MicroMarket.Reporting.Figures;
using MicroMarket.Reporting.Input;
using Xunit;

namespace MicroMarket.Reporting.Tests;

/// <summary>The feeder map's labels on the shipped UPC-pilot feeder (the quickstart's): none covers another, and each keeps its units.</summary>
public sealed class FeederMapLabelTests
{
    private static IReadOnlyList<MapLabel> QuickstartLabels()
    {
        var run = RunDataReader.Load(RunFixture.FixturePath("quickstart-day"));
        var (buses, lines) = FeederMapFigure.Rows(run.Buses, run.Lines, run.Participants);
        return FeederMapFigure.Labels(buses, lines);
    }

    [Fact]
    public void No_two_labels_overlap()
    {
        var labels = QuickstartLabels();

        Assert.Equal(9, labels.Count); // every bus, the transformer's MV side included, has room for its label
        Assert.All(labels.SelectMany((a, i) => labels.Skip(i + 1).Select(b => (a, b))),
            pair => Assert.False(FeederMapFigure.Overlap(pair.a.Box, pair.b.Box), $"{pair.a.Text} {pair.a.Box} overlaps {pair.b.Text} {pair.b.Box}"));
    }

    [Fact]
    public void B3_and_B5_side_by_side_both_keep_their_units()
    {
        // B3 (the PV roof and the battery) sits 20 m left of B5 (the EVs): a label right of B3 used to run over B5's.
        var labels = QuickstartLabels().ToDictionary(l => l.Bus);

        Assert.Equal("B3: pv-roof, battery", labels["B3"].Text);
        Assert.Equal("B5: ev-1, ev-2", labels["B5"].Text);
    }

    [Fact]
    public void The_same_run_gets_the_same_labels()
    {
        Assert.Equal(QuickstartLabels(), QuickstartLabels());
    }
}
