using MicroMarket.Grid.Model;
using MicroMarket.Grid.Networks;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Model;

namespace MicroMarket.Scenarios.Tests;

/// <summary>Units generated from the IEEE feeder's 55 load points: deterministic from the seed, in the shares asked for.</summary>
public sealed class PopulateTests : IDisposable
{
    private const string Prosumers = """
        time: { start: 2026-06-15, time_zone: Europe/London }
        mode: { kind: grid-connected, retail_price: 0.30, feed_in_price: 0.06 }
        network: { name: ieee-eu-lv }
        populate:
          households_from_network: { strategy: { price: 0.55 } }
          pv: { share: 0.4, peak_kw: [3, 8], inverter_ratio: 0.9 }
          battery: { share: 0.2, capacity_kwh: [5, 13.5], power_kw: [2.5, 5] }
          ev: { share: 0.5, battery_kwh: [40, 75], charger_kw: 7.4, arrive: "18:00", depart: "07:30", energy_kwh: [8, 20], arrival_jitter_minutes: 60 }
        """;

    private readonly ScratchFolder _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void The_same_seed_gives_the_same_units()
    {
        var first = _scratch.Load(Prosumers, seed: 11);
        var second = _scratch.Load(Prosumers, seed: 11);

        Assert.Equal(first.Units, second.Units);
    }

    [Fact]
    public void Another_seed_places_and_sizes_them_differently()
    {
        var first = _scratch.Load(Prosumers, seed: 11);
        var other = _scratch.Load(Prosumers, seed: 12);

        Assert.NotEqual(first.Units.OfType<PvUnit>().Select(u => u.Id), other.Units.OfType<PvUnit>().Select(u => u.Id));
        Assert.NotEqual(first.Units.OfType<BatteryUnit>().Select(u => u.Id), other.Units.OfType<BatteryUnit>().Select(u => u.Id));
        Assert.Equal(first.Units.OfType<LoadUnit>(), other.Units.OfType<LoadUnit>());
    }

    [Fact]
    public void Only_the_populate_stream_places_them_so_other_streams_can_vary_over_the_same_feeder()
    {
        var first = _scratch.Load("seeds: { populate: 4 }\n" + Prosumers, seed: 11);
        var otherSeed = _scratch.Load("seeds: { populate: 4 }\n" + Prosumers, seed: 12);
        var otherPopulate = _scratch.Load("seeds: { populate: 5 }\n" + Prosumers, seed: 11);

        Assert.Equal(first.Units, otherSeed.Units);
        Assert.NotEqual(first.Units.OfType<PvUnit>().Select(u => u.Id), otherPopulate.Units.OfType<PvUnit>().Select(u => u.Id));
    }

    [Fact]
    public void Each_section_draws_on_its_own_so_adding_one_does_not_move_the_others()
    {
        var all = _scratch.Load(Prosumers, seed: 3);
        var withoutBatteries = _scratch.Load(string.Join('\n', Prosumers.Split('\n').Where(l => !l.Contains("battery:"))), seed: 3);

        Assert.Equal(all.Units.OfType<PvUnit>(), withoutBatteries.Units.OfType<PvUnit>());
        Assert.Equal(all.Units.OfType<EvUnit>(), withoutBatteries.Units.OfType<EvUnit>());
    }

    [Fact]
    public void Shares_round_to_whole_units_and_sizes_stay_in_their_ranges()
    {
        var scenario = _scratch.Load(Prosumers, seed: 1);

        var pvs = scenario.Units.OfType<PvUnit>().ToList();
        var batteries = scenario.Units.OfType<BatteryUnit>().ToList();
        var evs = scenario.Units.OfType<EvUnit>().ToList();
        Assert.Equal((55, 22, 11, 28), (scenario.Units.OfType<LoadUnit>().Count(), pvs.Count, batteries.Count, evs.Count));
        Assert.All(pvs, pv => Assert.InRange(pv.PeakKw, 3, 8));
        Assert.All(pvs, pv => Assert.Equal(Math.Round(pv.PeakKw * 0.9, 2), pv.InverterKw));
        Assert.All(batteries, b => Assert.InRange(b.CapacityKwh, 5, 13.5));
        Assert.All(batteries, b => Assert.Equal(b.ChargeKw, b.DischargeKw));
        Assert.All(evs, ev => Assert.InRange(ev.BatteryKwh, 40, 75));
        Assert.All(evs, ev => Assert.InRange(ev.Sessions.Single().EnergyKwh, 8, 20));
        Assert.True(pvs.Select(p => p.PeakKw).Distinct().Count() > 10, "sizes are drawn per unit");
    }

    [Fact]
    public void Dwellings_per_point_make_each_load_point_a_building_of_neighbours_with_their_own_profiles()
    {
        var network = NetworkLibrary.Load("ieee-eu-lv");
        var scenario = _scratch.Load(Prosumers.Replace("populate:\n", "populate:\n  dwellings_per_point: 3\n", StringComparison.Ordinal), seed: 1);

        var households = scenario.Units.OfType<LoadUnit>().ToList();
        Assert.Equal((165, 66, 33, 83), (households.Count, scenario.Units.OfType<PvUnit>().Count(), scenario.Units.OfType<BatteryUnit>().Count(), scenario.Units.OfType<EvUnit>().Count()));
        Assert.Equal(["LOAD1.1", "LOAD1.2", "LOAD1.3", "LOAD2.1"], households.Take(4).Select(h => h.Id));
        // LOAD1 has profile 1: its dwellings take 1, 38 and 75; all sit at LOAD1's bus and phase.
        Assert.Equal([1, 38, 75], households.Take(3).Select(h => h.Profile.IeeeProfile));
        var load1 = network.Unit("LOAD1");
        Assert.All(households.Take(3), h => Assert.Equal((load1.Bus, load1.Phases), (h.Bus, h.Phase.ToPhases())));
        Assert.All(households.Chunk(3), building => Assert.Equal(3, building.Select(h => h.Profile.IeeeProfile).Distinct().Count()));
        Assert.All(scenario.Units.OfType<PvUnit>(), pv => Assert.Matches(@"^LOAD\d+\.[123]-pv$", pv.Id));
    }

    [Fact]
    public void Generated_units_sit_at_their_household_s_bus_and_phase_after_the_listed_units()
    {
        var network = NetworkLibrary.Load("ieee-eu-lv");
        var scenario = _scratch.Load(Prosumers + "\nunits:\n  - { id: community-battery, kind: battery, bus: \"34\", capacity_kwh: 100, charge_kw: 50 }\n", seed: 1);

        Assert.Equal("community-battery", scenario.Units[0].Id);
        var households = scenario.Units.OfType<LoadUnit>().ToList();
        Assert.Equal(network.Units.Where(u => u.Kind == UnitKind.Load).Select(u => u.Name), households.Select(h => h.Id));
        foreach (var unit in scenario.Units.Skip(1))
        {
            var point = network.Unit(unit.Id.Split('-')[0]);
            Assert.Equal(point.Bus, unit.Bus);
            Assert.Equal(point.Phases, unit.Phase.ToPhases());
        }
        var load1 = households[0];
        Assert.Equal((1, 1.0, 0.95, new PriceTakerStrategy(0.55m)), (load1.Profile.IeeeProfile, load1.Scale, load1.PowerFactor, load1.Strategy));
        Assert.True(load1.PeakKw > 0);
    }

    [Fact]
    public void Populate_errors_are_reported_once_at_the_section()
    {
        var errors = _scratch.Errors(Prosumers.Replace("energy_kwh: [8, 20]", "energy_kwh: [8, 40]").Replace("share: 0.4", "share: 1.4"));

        Assert.Equal("expected a number in [0, 1], found 1.4", errors.At("populate.pv.share").Message);
        Assert.Equal("the largest energy (40 kWh) on top of arrival_soc x the smallest battery (8 kWh) exceeds that battery (40 kWh)", errors.At("populate.ev.energy_kwh").Message);
    }

    [Fact]
    public void A_generated_id_that_collides_with_a_listed_one_is_reported()
    {
        var errors = _scratch.Errors(Prosumers + "\nunits:\n  - { id: LOAD7, kind: battery, bus: \"34\", capacity_kwh: 10, charge_kw: 5 }\n");

        var error = Assert.Single(errors);
        Assert.Equal("populate.households_from_network", error.Path);
        Assert.StartsWith("generated unit 'LOAD7': duplicate id 'LOAD7' (also at line ", error.Message);
    }

    [Fact]
    public void A_network_whose_loads_have_no_household_profile_cannot_be_populated()
    {
        var errors = _scratch.Errors("""
            time: { start: 2026-06-15 }
            mode: { kind: grid-connected, retail_price: 0.3, feed_in_price: 0.05 }
            network: { name: cigre-lv }
            populate: { households_from_network: {} }
            """);

        var error = errors.At("populate.households_from_network");
        Assert.StartsWith("network loads without a household profile (ieee-eu-lv:N) cannot be populated: Load R1, Load R11", error.Message);
    }
}
