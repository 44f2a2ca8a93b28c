using MicroMarket.Scenarios.Model;

namespace MicroMarket.Scenarios.Tests;

/// <summary>Checks beyond types and ranges: against the network, across units, and of energies that must fit.</summary>
public sealed class SemanticTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void The_minimal_scenario_loads()
    {
        var scenario = _scratch.Load(Minimal.With("  - { id: house, kind: load, bus: B2, phase: A, profile: { ieee: 1 } }\n"));

        Assert.Equal(["house", "diesel"], scenario.Units.Select(u => u.Id));
    }

    [Fact]
    public void A_duplicate_id_is_reported_at_the_second_with_the_line_of_the_first()
    {
        var errors = _scratch.Errors(Minimal.With("""
              - { id: house, kind: load, bus: B2, profile: { ieee: 1 } }
              - { id: house, kind: load, bus: B4, profile: { ieee: 2 } }

            """));

        var error = errors.At("units[1].id");
        Assert.Equal((7, 11), (error.Line, error.Column));
        Assert.Equal("duplicate id 'house' (also at line 6)", error.Message);
    }

    [Theory]
    [InlineData("a-very-long-unit-id-of-33-bytes-x", "33 bytes in UTF-8")]
    [InlineData("ñññññññññññññññññ", "34 bytes in UTF-8")]
    [InlineData("grid", "reserved for the upstream supplier")]
    [InlineData("Grid", "reserved for the upstream supplier")]
    [InlineData("my house", "not a unit id")]
    public void Unit_ids_fit_a_bytes32_and_leave_grid_to_the_supplier(string id, string problem)
    {
        var errors = _scratch.Errors(Minimal.With($"  - {{ id: \"{id}\", kind: load, bus: B2, profile: {{ ieee: 1 }} }}\n"));

        Assert.Contains(problem, errors.At("units[0].id").Message);
    }

    [Fact]
    public void An_id_of_exactly_32_bytes_is_fine()
    {
        var scenario = _scratch.Load(Minimal.With("  - { id: a-unit-id-of-exactly-32-bytes-xx, kind: load, bus: B2, profile: { ieee: 1 } }\n"));

        Assert.Equal(32, scenario.Units[0].Id.Length);
    }

    [Fact]
    public void An_unknown_bus_suggests_a_near_one_and_the_mv_bus_is_refused()
    {
        var errors = _scratch.Errors(Minimal.With("""
              - { id: a, kind: load, bus: B10, profile: { ieee: 1 } }
              - { id: b, kind: load, bus: MV, profile: { ieee: 1 } }

            """));

        Assert.Equal("network 'upc-pilot' has no bus 'B10'; did you mean 'B0'?", errors.At("units[0].bus").Message);
        Assert.Contains("25 kV side of the transformer", errors.At("units[1].bus").Message);
    }

    [Fact]
    public void A_misspelt_network_name_is_suggested()
    {
        var errors = _scratch.Errors(Minimal.With("").Replace("{ file: feeders/upc-pilot.feeder }", "{ name: ieee-eu-lvv }"));

        Assert.StartsWith("expected one of ieee-eu-lv, cigre-lv, found 'ieee-eu-lvv'; did you mean 'ieee-eu-lv'?", errors.At("network.name").Message);
    }

    [Fact]
    public void Island_mode_needs_exactly_one_slack()
    {
        var none = _scratch.Errors(Minimal.Header + "units:\n  - { id: a, kind: load, bus: B2, profile: { ieee: 1 } }\n");
        var two = _scratch.Errors(Minimal.With("  - { id: chp, kind: slack, bus: B1, technology: chp, rated_kw: 20 }\n"));

        Assert.Contains("needs exactly one slack unit", none.At("units").Message);
        var extra = two.At("units[1].kind");
        Assert.Equal("island mode has exactly one slack unit, and 'chp' is already one", extra.Message);
    }

    [Fact]
    public void Grid_connected_mode_has_no_slack()
    {
        var errors = _scratch.Errors(Minimal.With("").Replace("{ kind: island }", "{ kind: grid-connected, retail_price: 0.3, feed_in_price: 0.05 }"));

        Assert.Contains("grid-connected mode has no slack unit", errors.At("units[0].kind").Message);
    }

    [Fact]
    public void Grid_connected_tariffs_are_checked_and_capacity_defaults_to_the_transformer()
    {
        var header = Minimal.Header.Replace("mode: { kind: island }", "mode: { kind: grid-connected, retail_price: 0.3, feed_in_price: 0.05 }");
        var scenario = _scratch.Load(header + "units:\n  - { id: a, kind: load, bus: B2, profile: { ieee: 1 } }\n");
        var errors = _scratch.Errors(header.Replace("feed_in_price: 0.05", "feed_in_price: 0.5") + "units:\n  - { id: a, kind: load, bus: B2, profile: { ieee: 1 } }\n");

        Assert.Equal(new GridConnectedMode(0.3m, 0.05m, 160), scenario.Mode);
        Assert.Equal("must not exceed retail_price (0.3), found 0.5", errors.At("mode.feed_in_price").Message);
    }

    [Fact]
    public void A_strategy_must_suit_the_unit_kind()
    {
        var errors = _scratch.Errors(Minimal.With("  - { id: a, kind: load, bus: B2, profile: { ieee: 1 }, strategy: { kind: arbitrage } }\n"));

        Assert.Equal("a load unit bids with strategy 'price-taker', not 'arbitrage'", errors.At("units[0].strategy.kind").Message);
    }

    [Fact]
    public void A_battery_may_serve_the_community_and_nothing_else_may()
    {
        var scenario = _scratch.Load(Minimal.With("""
              - { id: store, kind: battery, bus: B2, capacity_kwh: 10, charge_kw: 5, strategy: { kind: community, price_margin: 0.02 } }
              - { id: shared, kind: battery, bus: B3, capacity_kwh: 10, charge_kw: 5, strategy: { kind: community } }

            """));
        var errors = _scratch.Errors(Minimal.With("""
              - { id: a, kind: load, bus: B2, profile: { ieee: 1 }, strategy: { kind: community } }
              - { id: b, kind: battery, bus: B3, capacity_kwh: 10, charge_kw: 5, strategy: { kind: ev-charging } }
              - { id: c, kind: battery, bus: B4, capacity_kwh: 10, charge_kw: 5, strategy: { kind: community, price_margin: -0.01 } }

            """));

        Assert.Equal([new CommunityStrategy(0.02m), new CommunityStrategy(0.01m)], scenario.Units.OfType<BatteryUnit>().Select(b => b.Strategy));
        Assert.Equal("a load unit bids with strategy 'price-taker', not 'community'", errors.At("units[0].strategy.kind").Message);
        Assert.Equal("a battery unit bids with strategy 'arbitrage' or 'community', not 'ev-charging'", errors.At("units[1].strategy.kind").Message);
        Assert.NotNull(errors.At("units[2].strategy.price_margin"));
    }

    [Fact]
    public void Strategy_prices_stay_within_the_market_bounds_and_defaults_are_clamped_into_them()
    {
        var errors = _scratch.Errors(Minimal.With("  - { id: a, kind: load, bus: B2, profile: { ieee: 1 }, strategy: { price: 5 } }\n"));
        var scenario = _scratch.Load(Minimal.With("  - { id: a, kind: load, bus: B2, profile: { ieee: 1 } }\n").Replace("units:", "market: { price_cap: 0.5 }\nunits:"));

        Assert.Contains("outside the market's price bounds [0, 3]", errors.At("units[0].strategy.price").Message);
        Assert.Equal(new PriceTakerStrategy(0.5m), scenario.Units[0].Strategy);
    }

    [Fact]
    public void An_ev_session_must_fit_the_battery_and_the_plug_in_time()
    {
        var errors = _scratch.Errors(Minimal.With("""
              - id: ev
                kind: ev
                bus: B5
                battery_kwh: 40
                charger_kw: 3.7
                sessions:
                  - { arrive: "18:00", depart: "07:00", energy_kwh: 35, arrival_soc: 0.25 }
                  - { arrive: "08:00", depart: "09:00", energy_kwh: 5 }

            """));

        Assert.Equal("does not fit the battery: arrival_soc x battery_kwh + energy_kwh = 10 + 35 kWh exceeds battery_kwh 40", errors.At("units[0].sessions[0].energy_kwh").Message);
        Assert.Equal("cannot be charged while plugged in: 1 h x charger_kw 3.7 x charge_efficiency 0.92 = 3.4 kWh", errors.At("units[0].sessions[1].energy_kwh").Message);
    }

    [Fact]
    public void Ev_sessions_may_not_overlap_and_times_fall_on_slot_boundaries()
    {
        var errors = _scratch.Errors(Minimal.With("""
              - id: ev
                kind: ev
                bus: B5
                battery_kwh: 40
                charger_kw: 7.4
                sessions:
                  - { arrive: "18:00", depart: "07:00", energy_kwh: 10 }
                  - { arrive: "06:00", depart: "09:00", energy_kwh: 5 }
              - { id: ev-2, kind: ev, bus: B5, battery_kwh: 40, charger_kw: 7.4, sessions: [ { arrive: "18:07", depart: "07:00", energy_kwh: 10 } ] }

            """));

        Assert.Equal("the session plugged in at 18:00 is still plugged in when the one at 06:00 arrives", errors.At("units[0].sessions[0].depart").Message);
        Assert.Equal("18:07 is not on a 15-minute slot boundary", errors.At("units[1].sessions[0].arrive").Message);
    }

    [Fact]
    public void A_flexible_job_must_fit_its_window()
    {
        var errors = _scratch.Errors(Minimal.With("""
              - { id: big, kind: flexible-load, bus: B4, energy_kwh: 20, power_kw: 2, window: { start: "09:00", end: "17:00" } }
              - { id: late, kind: flexible-load, bus: B4, energy_kwh: 3, power_kw: 2, window: { start: "09:00", end: "17:00" }, preferred_start: "16:00" }

            """));

        Assert.Equal("does not fit its window: 8 h x power_kw 2 = 16 kWh", errors.At("units[0].energy_kwh").Message);
        Assert.Equal("a full-power run from 16:00 takes 90 min and would end after the window (17:00)", errors.At("units[1].preferred_start").Message);
    }

    [Fact]
    public void A_window_across_midnight_is_fine_and_the_preferred_start_defaults_to_its_start()
    {
        var scenario = _scratch.Load(Minimal.With("  - { id: heater, kind: flexible-load, bus: B2, energy_kwh: 6, power_kw: 2, window: { start: \"22:00\", end: \"06:00\" } }\n"));

        var heater = Assert.IsType<FlexibleLoadUnit>(scenario.Units[0]);
        Assert.Equal((new TimeOnly(22, 0), new TimeOnly(6, 0), new TimeOnly(22, 0)), (heater.WindowStart, heater.WindowEnd, heater.PreferredStart));
    }

    [Fact]
    public void Soc_limits_are_ordered()
    {
        var errors = _scratch.Errors(Minimal.With("  - { id: b, kind: battery, bus: B3, capacity_kwh: 10, charge_kw: 5, soc: { min: 0.9, max: 0.2 } }\n"));

        Assert.Equal("must be below max (0.2), found 0.9", errors.At("units[0].soc.min").Message);
    }

    [Fact]
    public void Island_units_must_be_reachable_from_the_slack_over_lines()
    {
        var errors = _scratch.Errors("""
            time: { start: 2026-06-15 }
            mode: { kind: island }
            network: { name: cigre-lv }
            units:
              - { id: diesel, kind: slack, bus: Bus R1, technology: diesel, rated_kw: 200 }
              - { id: plant, kind: load, bus: Bus I2, profile: { ieee: 5 } }
              - { id: home, kind: load, bus: Bus R11, profile: { ieee: 6 } }
            """);

        var error = Assert.Single(errors);
        Assert.Equal(("units[1].bus", "bus 'Bus I2' is not connected to the slack's bus 'Bus R1' by lines: in island mode the transformer is open"), (error.Path, error.Message));
    }

    [Fact]
    public void Time_zones_are_iana_ids()
    {
        var windows = _scratch.Errors(Minimal.With("").Replace("Europe/Madrid", "Romance Standard Time"));
        var scenario = _scratch.Load(Minimal.With("").Replace("Europe/Madrid", "America/Argentina/Buenos_Aires"));

        Assert.Contains("is not an IANA time zone id", windows.At("time.time_zone").Message);
        Assert.Equal("America/Argentina/Buenos_Aires", scenario.Time.TimeZone);
    }

    [Fact]
    public void Referenced_files_must_exist_relative_to_the_scenario()
    {
        var errors = _scratch.Errors(Minimal.With("  - { id: h, kind: load, bus: B2, profile: { file: profiles/missing.csv } }\n").Replace("upc-pilot.feeder", "nowhere.feeder"));

        Assert.Equal($"file not found: {Path.Combine(_scratch.Folder, "feeders", "nowhere.feeder")}", errors.At("network.file").Message);
        Assert.Equal($"file not found: {Path.Combine(_scratch.Folder, "profiles", "missing.csv")}", errors.At("units[0].profile.file").Message);
    }

    [Fact]
    public void A_feeder_file_that_does_not_load_is_reported_at_network_file_with_its_own_line()
    {
        _scratch.Write("feeders/bad.feeder", File.ReadAllText(Shipped.Path("feeders/upc-pilot.feeder")).Replace("L7,   B4,       B7,     30,", "L7,   B4,       B7,     thirty,"));

        var errors = _scratch.Errors(Minimal.With("").Replace("upc-pilot.feeder", "bad.feeder"));

        var error = Assert.Single(errors);
        Assert.Equal("network.file", error.Path);
        Assert.Matches(@"^the network does not load: .*bad\.feeder:\d+: \[lines\] length_m: ", error.Message);
    }

    [Fact]
    public void A_series_that_would_wrap_round_the_run_is_an_error_at_the_unit_s_resource()
    {
        var errors = _scratch.Errors(Minimal.With("""
              - { id: pv, kind: pv, bus: B3, peak_kw: 5, resource: { measured: { day_offset: 103 } } }
              - { id: wind, kind: wind, bus: B6, rated_kw: 5, resource: { measured: { series: beresford, day_offset: 32 } } }

            """));

        // Delivery day 1 reads the record's day day_offset + 2 (day_offset + 1 is the day before, when day-ahead orders go in).
        Assert.Equal("the measured PV profile (NREL SERF East, 15 min) covers 104.17 days and this run would read its days 105..105: it would wrap round; shorten time.days or set wrap: true on the unit to repeat the series on purpose",
            errors.At("units[0].resource").Message);
        Assert.Equal("the measured wind series 'beresford' (10 min) covers 32.77 days and this run would read its days 34..34: it would wrap round; shorten time.days or set wrap: true on the unit to repeat the series on purpose",
            errors.At("units[1].resource").Message);
        Assert.Equal(2, errors.Count);
    }

    [Fact]
    public void The_last_day_a_measured_record_covers_is_accepted_and_one_more_is_not()
    {
        Assert.NotNull(_scratch.Load(Minimal.With("  - { id: pv, kind: pv, bus: B3, peak_kw: 5, resource: { measured: { day_offset: 102 } } }\n")));
        Assert.Single(_scratch.Errors(Minimal.With("  - { id: pv, kind: pv, bus: B3, peak_kw: 5, resource: { measured: { day_offset: 103 } } }\n")));
    }

    [Fact]
    public void A_unit_without_resource_does_not_silently_wrap_its_default_series()
    {
        var yaml = Minimal.With("  - { id: pv, kind: pv, bus: B3, peak_kw: 5 }\n").Replace("time: { start: 2026-06-15,", "time: { start: 2026-06-15, days: 200,");

        var error = Assert.Single(_scratch.Errors(yaml));

        Assert.Equal(("units[0].resource", 6), (error.Path, error.Line));
        Assert.StartsWith("the measured PV profile (NREL SERF East, 15 min) covers 104.17 days and this run would read its days 2..201: it would wrap round;", error.Message);
    }

    [Fact]
    public void Wrap_true_repeats_a_short_series_on_purpose_and_is_kept_in_the_scenario()
    {
        var scenario = _scratch.Load(Minimal.With("""
              - { id: pv, kind: pv, bus: B3, peak_kw: 5, wrap: true }
              - { id: home, kind: load, bus: B2, profile: { ieee: 3 }, wrap: true }

            """).Replace("time: { start: 2026-06-15,", "time: { start: 2026-06-15, days: 200,"));

        Assert.True(scenario.Units.OfType<PvUnit>().Single().Wrap);
        Assert.True(scenario.Units.OfType<LoadUnit>().Single().Wrap);
    }

    [Fact]
    public void Ieee_households_repeat_after_100_days_so_a_longer_run_needs_wrap()
    {
        var yaml = Minimal.With("  - { id: home, kind: load, bus: B2, profile: { ieee: 3 } }\n");

        Assert.NotNull(_scratch.Load(yaml.Replace("time: { start: 2026-06-15,", "time: { start: 2026-06-15, days: 100,")));
        var error = Assert.Single(_scratch.Errors(yaml.Replace("time: { start: 2026-06-15,", "time: { start: 2026-06-15, days: 101,")));
        Assert.Equal("units[0].profile", error.Path);
        Assert.Equal("the IEEE household profiles (one day each, a household takes the next profile each day) covers 100 days and this run would read its days 1..101: it would wrap round; shorten time.days or set wrap: true on the unit to repeat the series on purpose", error.Message);
    }

    [Fact]
    public void Year_series_are_read_by_day_of_year_so_a_run_past_31_december_is_an_error()
    {
        var units = """
              - { id: pv, kind: pv, bus: B3, peak_kw: 5, resource: { year: { tilt_deg: 35 } } }
              - { id: wind, kind: wind, bus: B6, rated_kw: 5, resource: { year: {} } }
              - { id: home, kind: load, bus: B2, profile: { year: { annual_kwh: 3500 } } }

            """;

        var scenario = _scratch.Load(Minimal.With(units).Replace("time: { start: 2026-06-15,", "time: { start: 2026-01-01, days: 365,"));
        Assert.Equal(new YearPvResource(YearPvResource.PvgisTmy, 35, 180), scenario.Units.OfType<PvUnit>().Single().Resource);
        Assert.Equal(WindResource.Windpowerlib2010, scenario.Units.OfType<WindUnit>().Single().Resource.YearSeries);
        Assert.Equal(new YearLoadProfile(YearLoadProfile.BdewH0, 3500), scenario.Units.OfType<LoadUnit>().Single().Profile.Year);

        var errors = _scratch.Errors(Minimal.With(units).Replace("time: { start: 2026-06-15,", "time: { start: 2026-12-31, days: 2,"));
        Assert.Equal(["units[0].resource", "units[1].resource", "units[2].profile"], errors.Select(e => e.Path));
        Assert.All(errors, e => Assert.Contains("covers 365 days and this run would read its days 365..366: it would wrap round", e.Message));
    }

    [Fact]
    public void Slots_finer_than_a_series_can_follow_are_an_error_also_for_the_default_resources()
    {
        var errors = _scratch.Errors(Minimal.With("""
              - { id: pv, kind: pv, bus: B3, peak_kw: 5 }
              - { id: wind, kind: wind, bus: B6, rated_kw: 5 }
              - { id: home, kind: load, bus: B2, profile: { year: { annual_kwh: 3500 } } }

            """).Replace("time: { start: 2026-06-15,", "time: { start: 2026-06-15, slot_minutes: 4,"));

        Assert.Equal(["units[0]", "units[1]", "units[2].profile.year.series"], errors.Select(e => e.Path));
        Assert.Equal("the measured PV profile (NREL SERF East, 15 min), the default resource, has a 15-minute step: it needs slots of at least that (time.slot_minutes is 4)", errors[0].Message);
        Assert.Equal("'bdew-h0' has a 15-minute step: time.slot_minutes (4) must divide it or be at least that", errors[2].Message);
    }

    [Fact]
    public void A_year_household_needs_its_annual_energy()
    {
        var error = Assert.Single(_scratch.Errors(Minimal.With("  - { id: home, kind: load, bus: B2, profile: { year: { series: bdew-h0 } } }\n")));

        Assert.Equal(("units[0].profile.year.annual_kwh", "is required"), (error.Path, error.Message));
    }

    [Fact]
    public void The_seed_override_replaces_the_file_seed()
    {
        var yaml = "seed: 5\n" + Minimal.With("");

        Assert.Equal(5, _scratch.Load(yaml).Seed);
        Assert.Equal(99, _scratch.Load(yaml, 99).Seed);
    }

    [Fact]
    public void A_stream_named_in_seeds_keeps_its_seed_and_the_others_take_the_seed_or_its_override()
    {
        var yaml = "seed: 5\nseeds: { weather: 7, populate: 0 }\n" + Minimal.With("");

        Assert.Equal(new SeedStreams(7, 5, 5, 0), _scratch.Load(yaml).Streams);
        Assert.Equal(new SeedStreams(7, 99, 99, 0), _scratch.Load(yaml, 99).Streams);
        Assert.Equal(SeedStreams.All(5), _scratch.Load("seed: 5\n" + Minimal.With("")).Streams);
    }

    [Fact]
    public void An_unknown_or_negative_stream_seed_is_reported_where_it_is()
    {
        var errors = _scratch.Errors("seeds: { wether: 7, forecast: -1 }\n" + Minimal.With(""));

        Assert.Contains(errors, e => e.Path == "seeds.forecast");
        Assert.Contains(errors, e => e.Path == "seeds.wether" && e.Message.Contains("weather", StringComparison.Ordinal));
    }
}
