using MicroMarket.Grid.Model;
using MicroMarket.Grid.Networks;
using MicroMarket.Grid.Profiles;
using MicroMarket.Grid.Solve;
using MicroMarket.Scenarios.Model;

namespace MicroMarket.Scenarios.Tests;

public sealed class ShippedScenarioTests
{
    [Fact]
    public void Quickstart_is_a_one_day_island_with_every_kind_of_unit()
    {
        var scenario = ScenarioLoader.Load(Shipped.Path("quickstart.yaml"));

        Assert.Equal("quickstart", scenario.Name);
        Assert.Equal(42, scenario.Seed);
        Assert.Equal(new ScenarioTime(new DateOnly(2026, 6, 15), 1, 15, "Europe/Madrid"), scenario.Time);
        Assert.IsType<IslandMode>(scenario.Mode);
        Assert.Equal(Shipped.Path("feeders/upc-pilot.feeder"), scenario.Network.FilePath);
        Assert.Equal(10, scenario.Units.Count);
        Assert.Single(scenario.Units.OfType<PvUnit>());
        Assert.Single(scenario.Units.OfType<BatteryUnit>());
        Assert.Single(scenario.Units.OfType<WindUnit>());
        Assert.Equal(2, scenario.Units.OfType<EvUnit>().Count());
        Assert.Equal(3, scenario.Units.OfType<LoadUnit>().Count());
        Assert.Single(scenario.Units.OfType<FlexibleLoadUnit>());
        var diesel = Assert.Single(scenario.Units.OfType<SlackUnit>());
        Assert.Equal((SlackTechnology.Diesel, 15.0, 0.20, 1.60m), (diesel.Technology, diesel.RatedPowerKw, diesel.MinStableFraction, diesel.FuelPrice));
    }

    [Fact]
    public void A_load_is_rated_at_its_profile_s_highest_slot_average_times_its_scale()
    {
        var scenario = ScenarioLoader.Load(Shipped.Path("quickstart.yaml"));
        var house = scenario.Units.OfType<LoadUnit>().First(u => u.Id == "house-1");

        var expected = LoadProfiles.Get(12, TimeSpan.FromMinutes(15)).Values.ToArray().Max() * house.Scale;
        Assert.Equal(expected, house.PeakKw, 12);
        Assert.Equal(house.PeakKw, house.RatedKw);
        Assert.InRange(house.PeakKw, 0.5, 10);
    }

    [Fact]
    public void Ieee_prosumers_populates_the_55_households_and_shares_of_them()
    {
        var scenario = ScenarioLoader.Load(Shipped.Path("ieee-eu-lv-prosumers.yaml"));

        Assert.Equal(new GridConnectedMode(0.30m, 0.06m, 800.0), scenario.Mode);
        Assert.Equal("ieee-eu-lv", scenario.Network.Name);
        // Behind the meter: a household with PV, a battery or an EV is one prosumer; the others stay loads.
        var prosumers = scenario.Units.OfType<ProsumerUnit>().ToList();
        Assert.Equal(55, scenario.Units.OfType<LoadUnit>().Count() + prosumers.Count);
        Assert.Equal(22, prosumers.Count(p => p.Pv is not null));      // round(0.40 x 55)
        Assert.Equal(8, prosumers.Count(p => p.Battery is not null));  // round(0.15 x 55)
        Assert.Equal(14, prosumers.Count(p => p.Ev is not null));      // round(0.25 x 55)
        Assert.Empty(scenario.Units.OfType<SlackUnit>());
    }

    [Fact]
    public void Ieee_year_runs_365_days_on_year_series_that_every_unit_covers_without_wrapping()
    {
        var scenario = ScenarioLoader.Load(Shipped.Path("ieee-eu-lv-year.yaml"));
        var time = scenario.Time;

        Assert.Equal((new DateOnly(2026, 1, 1), 365), (time.Start, time.Days));
        var households = scenario.Units.OfType<LoadUnit>().ToList();
        Assert.Equal(55, households.Count);
        Assert.All(households, h => Assert.InRange(Assert.IsType<YearLoadProfile>(h.Profile.Year).AnnualKwh, 2000, 5000));
        Assert.True(households.Select(h => h.Profile.Year!.AnnualKwh).Distinct().Count() > 50, "each household draws its own annual energy");
        Assert.Equal(22, scenario.Units.OfType<PvUnit>().Count(u => u.Resource is YearPvResource));
        Assert.Equal(WindResource.Windpowerlib2010, scenario.Units.OfType<WindUnit>().Single().Resource.YearSeries);

        var series = scenario.Units.Select(u => u switch
        {
            PvUnit pv => ResourceSeries.Pv(pv.Resource, time),
            WindUnit wind => ResourceSeries.Wind(wind.Resource, time).Speeds,
            LoadUnit load => ResourceSeries.Load(load.Id, load.Profile, load.Scale, scenario.Streams.Behaviour, time),
            _ => null,
        }).OfType<ResourceSeries>().ToList();
        Assert.Equal(55 + 22 + 1, series.Count);
        Assert.All(scenario.Units, u => Assert.False(u is PvUnit { Wrap: true } or WindUnit { Wrap: true } or LoadUnit { Wrap: true }));
        Assert.All(series, s =>
        {
            // Delivery slot 0 is 1 January 00:00 of the series, and the last delivery slot its last value.
            Assert.Equal(0, s.FirstIndex);
            Assert.Equal(365 * time.SlotsPerDay, s.Series.Count);
            Assert.Null(s.Shortfall(time));
            var sampled = s.Sample(time, 0, 365 * time.SlotsPerDay, wrap: false);
            Assert.Equal(s.Series.Values.ToArray(), sampled);
        });
    }

    [Fact]
    public void Island_week_runs_seven_days_with_every_kind_of_unit()
    {
        var scenario = ScenarioLoader.Load(Shipped.Path("island-week.yaml"));

        Assert.Equal(7, scenario.Time.Days);
        Assert.IsType<IslandMode>(scenario.Mode);
        Assert.Equal(2, scenario.Units.OfType<PvUnit>().Count());
        Assert.IsType<ClearSkyPvResource>(scenario.Units.OfType<PvUnit>().Single(u => u.Id == "pv-canopy").Resource);
        Assert.Single(scenario.Units.OfType<WindUnit>());
        Assert.Equal(2, scenario.Units.OfType<BatteryUnit>().Count());
        Assert.Equal(3, scenario.Units.OfType<EvUnit>().Count());
        Assert.Equal(6, scenario.Units.OfType<LoadUnit>().Count());
        Assert.Equal(2, scenario.Units.OfType<FlexibleLoadUnit>().Count());
        Assert.Single(scenario.Units.OfType<SlackUnit>());
        Assert.Equal(1000m, scenario.Market.InitialBalance);
    }

    [Fact]
    public void The_annotated_example_in_the_docs_loads()
    {
        var docs = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Docs", "scenarios.md"));
        var start = docs.IndexOf("```yaml", docs.IndexOf("## An annotated example", StringComparison.Ordinal), StringComparison.Ordinal) + "```yaml".Length;
        var example = docs[start..docs.IndexOf("```", start, StringComparison.Ordinal)];
        using var scratch = new ScratchFolder();

        var scenario = scratch.Load(example);

        Assert.Equal(7, scenario.Units.Count);
        // The docs call it a trimmed quickstart: each of its units is the quickstart's, at the same rating.
        var quickstart = ScenarioLoader.Load(Shipped.Path("quickstart.yaml")).Units.ToDictionary(u => u.Id);
        Assert.All(scenario.Units, u => Assert.Equal((quickstart[u.Id].GetType(), quickstart[u.Id].RatedKw), (u.GetType(), u.RatedKw)));
        Assert.Equal(0.2, scenario.Units.OfType<SlackUnit>().Single().MinStableFraction);
    }

    /// <summary>
    /// The UPC-pilot feeder islanded at the diesel's bus carries the quickstart's worst case: every unit at full
    /// demand (household slot peaks, both chargers, the washer, the battery charging), no generation. This is a
    /// check on the cables, not on the genset: the 15 kW diesel alone cannot carry that coincidence, which is
    /// why the market prices it away (chargers and the washer move, the battery discharges).
    /// </summary>
    [Fact]
    public void The_upc_pilot_feeder_solves_islanded_at_the_quickstart_s_worst_case()
    {
        var scenario = ScenarioLoader.Load(Shipped.Path("quickstart.yaml"));
        var network = NetworkLibrary.Load(scenario.Network.NameOrPath);
        var solver = new PowerFlowSolver(network);
        var injections = solver.CreateInjections();
        var slack = scenario.Units.OfType<SlackUnit>().Single();
        foreach (var unit in scenario.Units.Where(u => u is not SlackUnit and not PvUnit and not WindUnit))
        {
            injections.Add(network.BusIndex(unit.Bus), unit.Phase.ToPhases(), -unit.RatedKw, -0.33 * unit.RatedKw);
        }

        var result = solver.Solve(injections, PowerFlowMode.Island(network.BusIndex(slack.Bus)));

        Assert.True(result.Converged);
        Assert.InRange(result.SourcePowerTotalKw, slack.RatedPowerKw, 3 * slack.RatedPowerKw);
        foreach (var phase in new[] { Phase.A, Phase.B, Phase.C })
        {
            var (min, _) = result.VoltageRangeV(phase);
            Assert.InRange(min / (400 / Math.Sqrt(3)), 0.9, 1.0);
        }
    }
}
