using MicroMarket.Scenarios;
using MicroMarket.Scenarios.Model;
using MicroMarket.Simulation.Decisions;

namespace MicroMarket.Optimal.Tests;

public sealed class IslandProblemsTests
{
    private static Scenario Week() => ScenarioLoader.Load(Path.Combine(AppContext.BaseDirectory, "Scenarios", "island-week.yaml"));

    /// <summary>The island week's commitment keys (defaults) and its grid-forming lab battery reach the problem.</summary>
    [Fact]
    public void The_island_week_maps_with_its_commitment_and_storage_keys()
    {
        var week = Week();
        var problem = IslandProblems.From(week, ScenarioSeries.Of(week));

        Assert.Equal(7 * 96, problem.Slots);
        Assert.Equal(3.0, problem.ValueOfLostLoad);
        Assert.Equal(0.1, problem.ReserveFraction);
        var diesel = Assert.Single(problem.Gensets);
        Assert.Equal((40, 6, 4, 2), (diesel.RatedKw, diesel.MinimumKw, diesel.MinUpSlots, diesel.MinDownSlots));
        Assert.Equal(0.08145 * 40 / 6, diesel.StartFuel, 1e-12);
        Assert.Equal(1.6, diesel.FuelPrice, 1e-12);
        var lab = problem.Batteries.Single(b => b.Id == "battery-lab");
        Assert.True(lab.GridForming);
        Assert.Equal(0.3 * 40, lab.ReserveKwh, 1e-9);
        var home = problem.Batteries.Single(b => b.Id == "battery-home");
        Assert.False(home.GridForming);
        Assert.Equal((1.0, 9.5, 3.0, 1.0), (home.MinKwh, home.MaxKwh, home.InitialKwh, home.ReserveKwh));
        Assert.Equal(3 * 7, problem.Evs.Sum(ev => ev.Sessions.Count));
        Assert.Equal(2 * 7, problem.Jobs.Count);
    }

    [Fact]
    public void A_grid_connected_scenario_is_refused()
    {
        var week = Week();
        var connected = week with { Mode = new GridConnectedMode(0.3m, 0.05m, 100) };

        Assert.Throws<ArgumentException>(() => IslandProblems.From(connected, ScenarioSeries.Of(connected)));
    }
}
