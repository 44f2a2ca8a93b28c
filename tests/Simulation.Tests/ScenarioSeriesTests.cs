using MicroMarket.Scenarios;
using MicroMarket.Scenarios.Model;
using MicroMarket.Simulation.Decisions;
using MicroMarket.Simulation.Running;
using Xunit.Abstractions;

namespace MicroMarket.Simulation.Tests;

public sealed class ScenarioSeriesTests
{
    private static readonly Scenario Week = ScenarioLoader.Load(Path.Combine(AppContext.BaseDirectory, "Scenarios", "island-week.yaml"));

    /// <summary>The optimal reference reads ScenarioSeries; the run's agents must deliver exactly those actuals.</summary>
    [Fact]
    public void Optimiser_sees_the_agents_actuals()
    {
        var plan = new ScenarioPlan(Week);
        var series = ScenarioSeries.Of(Week);
        var slots = Enumerable.Range(0, plan.Calendar.Days * plan.Calendar.SlotsPerDay).ToList();
        foreach (var unit in plan.Units)
        {
            var (expected, sign) = unit.Agent.Spec switch
            {
                PvUnit pv => (series.Pv(pv), 1.0),
                WindUnit wind => (series.Wind(wind), 1.0),
                LoadUnit load => (series.Load(load), -1.0),
                _ => (null, 0.0),
            };
            if (expected is null)
            {
                continue;
            }
            Assert.All(slots, slot => Assert.Equal(sign * expected[slot - series.FirstSlot], Propose(unit, slot)));
        }
        var factory = new UnitAgentFactory(Week, plan.Network, plan.Calendar);
        foreach (var ev in Week.Units.OfType<EvUnit>())
        {
            foreach (var (_, actual) in series.Sessions(ev))
            {
                // A fresh agent asked to charge: it draws power from its actual arrival on, not a slot before.
                var agent = factory.Create(ev);
                Assert.Equal(0.0, Propose(agent, actual.ArrivalSlot - 1));
                Assert.True(Propose(agent, actual.ArrivalSlot) < 0, $"{ev.Id} charges on arrival at slot {actual.ArrivalSlot}");
            }
        }
    }

    private static double Propose(PlannedUnit unit, int slot) => Propose(unit.Agent, slot);

    /// <summary>What the unit would deliver in the slot when scheduled to import 1 kWh.</summary>
    private static double Propose(IUnitAgent agent, int slot) =>
        agent.ProposeDelivery(new DeliveryRequest(slot, new SlotPosition(1000, 0), SlotPosition.None)).PowerKw;
}

public sealed class YearScenarioSeriesTests(ITestOutputHelper output)
{
    private static readonly Scenario Year = ScenarioLoader.Load(Path.Combine(AppContext.BaseDirectory, "Scenarios", "ieee-eu-lv-year.yaml"));

    [Fact]
    public void A_year_run_reads_1_january_to_31_december_and_repeats_the_first_and_last_day_for_the_days_around_it()
    {
        var series = ScenarioSeries.Of(Year);
        const int perDay = 96;
        Assert.Equal(-perDay, series.FirstSlot);
        Assert.Equal(367 * perDay, series.Length);
        foreach (var unit in Year.Units)
        {
            var kw = unit switch
            {
                PvUnit pv => series.Pv(pv),
                WindUnit wind => series.Wind(wind),
                LoadUnit load => series.Load(load),
                _ => null,
            };
            if (kw is null)
            {
                continue;
            }
            var days = kw.Chunk(perDay).ToList();
            // 31 December 2025 is not in the year series: the day before the run is 1 January again, and so 1 January 2027 is 31 December.
            Assert.Equal(days[1], days[0]);
            Assert.Equal(days[365], days[366]);
            Assert.NotEqual(days[1], days[365]);
        }
        var household = Year.Units.OfType<LoadUnit>().First();
        var expected = ResourceSeries.Load(household.Id, household.Profile, household.Scale, Year.Streams.Behaviour, Year.Time)!.Series.Values.ToArray();
        Assert.Equal(expected, series.Load(household)[perDay..(366 * perDay)]);
        Assert.Equal(household.Profile.Year!.AnnualKwh * household.Scale, expected.Sum() / 4, 6);
    }

    /// <summary>The feeder's highest quarter-hour of household load over the year / the sum of each household's own highest.</summary>
    [Fact]
    public void The_feeder_s_55_households_have_a_plausible_coincidence_factor()
    {
        var series = ScenarioSeries.Of(Year);
        var households = Year.Units.OfType<LoadUnit>().Select(series.Load).Select(kw => kw[96..(366 * 96)]).ToList();
        var feeder = Enumerable.Range(0, 365 * 96).Select(i => households.Sum(h => h[i])).ToArray();
        var factor = feeder.Max() / households.Sum(h => h.Max());
        output.WriteLine($"ieee-eu-lv-year, seed 7: coincidence factor {factor:0.000} (feeder peak {feeder.Max():0.0} kW at slot {Array.IndexOf(feeder, feeder.Max())}, sum of peaks {households.Sum(h => h.Max()):0.0} kW, households use {households.Sum(h => h.Sum()) / 4:0} kWh a year)");

        Assert.InRange(factor, 0.15, 0.4);
    }

    [Fact]
    public void Households_of_one_feeder_differ_and_change_with_the_seed()
    {
        var series = ScenarioSeries.Of(Year);
        var loads = Year.Units.OfType<LoadUnit>().Take(2).Select(series.Load).ToList();
        Assert.NotEqual(loads[0], loads[1]);

        var reseeded = ScenarioLoader.Load(Year.SourcePath, seedOverride: 8);
        Assert.NotEqual(loads[0], ScenarioSeries.Of(reseeded).Load(reseeded.Units.OfType<LoadUnit>().First(u => u.Id == Year.Units.OfType<LoadUnit>().First().Id)));
    }
}

/// <summary>
/// The seed streams are independent: changing one stream's seed changes what it draws and nothing else, so an
/// experiment can vary behaviour under the same weather (and the reverse).
/// </summary>
public sealed class SeedStreamTests
{
    private static readonly Scenario Week = ScenarioLoader.Load(Path.Combine(AppContext.BaseDirectory, "Scenarios", "island-week.yaml"));

    [Fact]
    public void Another_weather_seed_moves_the_clouds_and_nothing_else()
    {
        var (base_, other) = (ScenarioSeries.Of(Week), ScenarioSeries.Of(Week with { Streams = Week.Streams with { Weather = Week.Seed + 1 } }));

        Assert.Contains(Week.Units.OfType<PvUnit>(), pv => !base_.Pv(pv).SequenceEqual(other.Pv(pv)));
        Assert.All(Week.Units.OfType<LoadUnit>(), load => Assert.Equal(base_.Load(load), other.Load(load)));
        Assert.All(Week.Units.OfType<EvUnit>(), ev => Assert.Equal(base_.Sessions(ev), other.Sessions(ev)));
    }

    [Fact]
    public void Another_behaviour_seed_moves_the_arrivals_under_the_same_sky()
    {
        var (base_, other) = (ScenarioSeries.Of(Week), ScenarioSeries.Of(Week with { Streams = Week.Streams with { Behaviour = Week.Seed + 1 } }));

        Assert.All(Week.Units.OfType<PvUnit>(), pv => Assert.Equal(base_.Pv(pv), other.Pv(pv)));
        Assert.Contains(Week.Units.OfType<EvUnit>(), ev => !base_.Sessions(ev).SequenceEqual(other.Sessions(ev)));
    }
}
