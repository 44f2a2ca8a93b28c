using System.Text;
using MicroMarket.Scenarios.Model;

namespace MicroMarket.Scenarios.Tests;

/// <summary>A household behind one meter: its members bound with their own kinds' keys, errors located, the populate fold.</summary>
public sealed class ProsumerTests : IDisposable
{
    private const string Home = """
          - id: home
            kind: prosumer
            bus: B3
            phase: B
            strategy: { price: 0.5 }
            load: { profile: { ieee: 12 }, scale: 1.2, forecast: { day_ahead_sigma: 0.2, intraday_sigma: 0.1 } }
            pv: { peak_kw: 5, inverter_kw: 4.5, resource: { clear_sky: { latitude_deg: 41.39, longitude_deg: 2.11 } } }
            battery: { capacity_kwh: 10, charge_kw: 5, soc: { initial: 0.3 } }
            ev:
              battery_kwh: 50
              charger_kw: 7.4
              sessions: [ { arrive: "18:00", depart: "07:30", energy_kwh: 12 } ]
              strategy: { willingness_to_pay: 0.4 }
            flexible:
              - { energy_kwh: 1.5, power_kw: 1, window: { start: "10:00", end: "16:00" } }
              - { energy_kwh: 2, power_kw: 2, window: { start: "20:00", end: "06:00" } }

        """;

    private readonly ScratchFolder _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void A_prosumer_binds_its_members_at_its_bus_and_phase_under_their_ids()
    {
        var scenario = _scratch.Load(Minimal.With(Home));

        var home = Assert.IsType<ProsumerUnit>(scenario.Units[0]);
        Assert.Equal(0.5m, Assert.IsType<PriceTakerStrategy>(home.Strategy).Price);
        Assert.Equal(["home", "home.pv", "home.battery", "home.ev", "home.flex1", "home.flex2"], home.Members.Select(m => m.Id));
        Assert.All(home.Members, m => Assert.Equal(("B3", PhaseConnection.B), (m.Bus, m.Phase)));
        Assert.Equal(12, home.Load.Profile.IeeeProfile);
        Assert.Equal(0.2, home.Load.Forecast.DayAheadSigma);
        Assert.Equal(0.3, home.Battery!.SocInitial);
        Assert.Equal(0.4m, Assert.IsType<EvChargingStrategy>(home.Ev!.Strategy).WillingnessToPay);
        Assert.Equal(2, home.Flexible.Count);
        // The meter is rated for everything drawing at once: household peak, charger, appliances and battery charging.
        Assert.Equal(home.Load.PeakKw + 7.4 + 3 + 5, home.RatedKw, 9);
    }

    [Fact]
    public void A_prosumer_round_trips_through_the_resolved_file()
    {
        var scenario = _scratch.Load(Minimal.With(Home));
        var builder = new StringBuilder();
        using (var writer = new StringWriter(builder))
        {
            ScenarioWriter.WriteResolved(scenario, writer);
        }

        var reloaded = ScenarioLoader.Load(_scratch.Write("resolved.yaml", builder.ToString()));

        Assert.Equal(scenario with { SourcePath = reloaded.SourcePath }, reloaded);
    }

    [Fact]
    public void Members_that_only_bid_take_no_strategy_and_the_prosumer_forecasts_through_its_members()
    {
        var errors = _scratch.Errors(Minimal.With("""
              - id: home
                kind: prosumer
                bus: B3
                forecast: { day_ahead_sigma: 0.1 }
                load: { profile: { ieee: 1 } }
                pv: { peak_kw: 3, resource: { clear_sky: { latitude_deg: 41.39, longitude_deg: 2.11 } }, strategy: { price: 0.1 } }
                battery: { capacity_kwh: 10, charge_kw: 5, grid_forming: true }

            """));

        Assert.Equal("a prosumer forecasts through its members: set forecast under its load or pv", errors.At("units[0].forecast").Message);
        Assert.Equal("the prosumer bids for its members: set strategy on the prosumer", errors.At("units[0].pv.strategy").Message);
        Assert.StartsWith("a home battery behind a prosumer's meter follows the grid", errors.At("units[0].battery.grid_forming").Message);
    }

    [Fact]
    public void A_prosumer_needs_its_load_and_a_member_is_checked_with_its_kinds_rules()
    {
        var errors = _scratch.Errors(Minimal.With("""
              - id: home
                kind: prosumer
                bus: B3
                ev: { battery_kwh: 40, charger_kw: 3, sessions: [ { arrive: "18:00", depart: "19:00", energy_kwh: 30 } ], colour: red }

            """));

        Assert.Contains(errors, e => e.Path == "units[0].load");
        Assert.Contains(errors, e => e.Path == "units[0].ev.sessions[0].energy_kwh");
        Assert.Contains(errors, e => e.Path == "units[0].ev.colour");
    }

    [Fact]
    public void Behind_the_meter_folds_a_households_generated_units_into_one_prosumer_with_the_same_draws()
    {
        const string populate = """
            time: { start: 2026-06-15, time_zone: Europe/London }
            mode: { kind: grid-connected, retail_price: 0.30, feed_in_price: 0.06 }
            network: { name: ieee-eu-lv }
            populate:
              households_from_network: { strategy: { price: 0.55 } }
              pv: { share: 0.4, peak_kw: [3, 8], inverter_ratio: 0.9 }
              battery: { share: 0.2, capacity_kwh: [5, 13.5], power_kw: [2.5, 5] }
              ev: { share: 0.3, battery_kwh: [40, 75], charger_kw: 7.4, arrive: "18:00", depart: "07:30", energy_kwh: [8, 20] }
            """;
        var separate = _scratch.Load(populate, seed: 5);
        var behind = _scratch.Load(populate.Replace("populate:\n", "populate:\n  behind_the_meter: true\n"), seed: 5);

        var prosumers = behind.Units.OfType<ProsumerUnit>().ToList();
        var owners = separate.Units.Where(u => u is not LoadUnit).Select(u => u.Id[..u.Id.LastIndexOf('-')]).Distinct().Order().ToList();
        Assert.Equal(owners, prosumers.Select(p => p.Id).Order());
        Assert.Equal(55, behind.Units.Count);
        Assert.Equal(separate.Units.OfType<PvUnit>().Select(u => u.PeakKw), prosumers.Where(p => p.Pv is not null).OrderBy(p => Index(separate, p.Id)).Select(p => p.Pv!.PeakKw));
        Assert.Equal(separate.Units.OfType<BatteryUnit>().Count(), prosumers.Count(p => p.Battery is not null));
        Assert.Equal(separate.Units.OfType<EvUnit>().Count(), prosumers.Count(p => p.Ev is not null));
        Assert.All(prosumers, p => Assert.Equal(0.55m, Assert.IsType<PriceTakerStrategy>(p.Strategy).Price));
    }

    [Fact]
    public void Behind_the_meter_needs_households_and_a_home_battery_does_self_consumption_or_arbitrage()
    {
        var errors = _scratch.Errors("""
            time: { start: 2026-06-15, time_zone: Europe/London }
            mode: { kind: grid-connected, retail_price: 0.30, feed_in_price: 0.06 }
            network: { name: ieee-eu-lv }
            populate:
              behind_the_meter: true
              battery: { share: 0.2, capacity_kwh: [5, 13.5], power_kw: [2.5, 5], strategy: { kind: peak-shaving } }
            """);

        Assert.StartsWith("puts PV, batteries and EVs behind their household's meter", errors.At("populate.behind_the_meter").Message);
        Assert.StartsWith("expected one of self-consumption, arbitrage, found 'peak-shaving'", errors.At("populate.battery.strategy.kind").Message);
    }

    [Fact]
    public void Home_batteries_can_go_only_where_there_is_pv_and_run_for_self_consumption_unless_told_otherwise()
    {
        const string populate = """
            time: { start: 2026-06-15, time_zone: Europe/London }
            mode: { kind: grid-connected, retail_price: 0.30, feed_in_price: 0.06 }
            network: { name: ieee-eu-lv }
            populate:
              behind_the_meter: true
              households_from_network: {}
              pv: { share: 0.4, peak_kw: [3, 8] }
              battery: { share: 0.15, with_pv: true, capacity_kwh: [5, 13.5], power_kw: [2.5, 5] }
            """;
        var homes = _scratch.Load(populate, seed: 7).Units.OfType<ProsumerUnit>().Where(p => p.Battery is not null).ToList();

        Assert.Equal(8, homes.Count); // round(0.15 x 55), all among the 22 with PV
        Assert.All(homes, p => Assert.NotNull(p.Pv));
        Assert.All(homes, p => Assert.IsType<SelfConsumptionStrategy>(p.Battery!.Strategy));
        var arbitrage = _scratch.Load(populate.Replace("with_pv: true,", "with_pv: true, strategy: { kind: arbitrage },"), seed: 7);
        Assert.All(arbitrage.Units.OfType<ProsumerUnit>().Where(p => p.Battery is not null), p => Assert.IsType<ArbitrageStrategy>(p.Battery!.Strategy));
        var tooMany = _scratch.Errors(populate.Replace("share: 0.15", "share: 0.5"));
        Assert.Equal("with_pv: 0.5 of 55 households is more batteries than the 22 households with PV", tooMany.At("populate.battery.share").Message);
    }

    private static int Index(Scenario scenario, string household) =>
        scenario.Units.Select((u, i) => (u, i)).First(x => x.u.Id == household).i;
}
