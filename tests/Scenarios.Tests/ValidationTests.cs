namespace MicroMarket.Scenarios.Tests;

/// <summary>Every error at once, each with the file, line:column of the offending node and its field path.</summary>
public sealed class ValidationTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void A_file_with_many_mistakes_reports_each_at_its_node_in_file_order()
    {
        var errors = _scratch.Errors("""
            name: many mistakes
            time: { start: 2026-06-15, slot_minutes: 7, time_zone: Europe/Madird }
            mode: { kind: island }
            network: { file: feeders/upc-pilot.feeder }
            market:
              price_floor: 0.5
              price_cap: 0.4
            units:
              - id: bat
                kind: battery
                bus: B3
                capcity_kwh: 20
                charge_kw: -5
                soc: { initial: 0.5, min: 0.6, max: 0.9 }
              - id: pv
                kind: pv
                bus: B9
                phase: D
                peak_kw: ten
              - { id: diesel, kind: slack, bus: B0, technology: diesel, rated_kw: 30 }
            """);

        Assert.Equal(
            [
                (1, 7, "name"),
                (2, 42, "time.slot_minutes"),
                (2, 56, "time.time_zone"),
                (6, 16, "market.price_floor"),
                (9, 5, "units[0].capacity_kwh"),
                (12, 5, "units[0].capcity_kwh"),
                (13, 16, "units[0].charge_kw"),
                (14, 21, "units[0].soc.initial"),
                (17, 10, "units[1].bus"),
                (18, 12, "units[1].phase"),
                (19, 14, "units[1].peak_kw"),
            ],
            errors.Select(e => (e.Line, e.Column, e.Path)));
        Assert.All(errors, e => Assert.Equal(Path.Combine(_scratch.Folder, "scenario.yaml"), e.File));
        Assert.Contains("run folders", errors.At("name").Message);
        Assert.Contains("must divide an hour", errors.At("time.slot_minutes").Message);
        Assert.Contains("did you mean 'Europe/Madrid'?", errors.At("time.time_zone").Message);
        Assert.Contains("must not exceed price_cap (0.4)", errors.At("market.price_floor").Message);
        Assert.Equal("is required", errors.At("units[0].capacity_kwh").Message);
        Assert.Equal("unknown key; did you mean 'capacity_kwh'?", errors.At("units[0].capcity_kwh").Message);
        Assert.Equal("expected a number > 0, found -5", errors.At("units[0].charge_kw").Message);
        Assert.Equal("must lie within min..max (0.6..0.9), found 0.5", errors.At("units[0].soc.initial").Message);
        Assert.Equal("network 'upc-pilot' has no bus 'B9'", errors.At("units[1].bus").Message);
        Assert.Equal("expected one of A, B, C, ABC, found 'D'", errors.At("units[1].phase").Message);
        Assert.Equal("expected a number > 0, found 'ten'", errors.At("units[1].peak_kw").Message);
    }

    [Fact]
    public void The_intraday_gate_cannot_close_before_the_day_ahead_gate_opens_it()
    {
        // The intra-day auction of an hour opens when its day's day-ahead gate closes.
        var errors = _scratch.Errors(Minimal.Header + "market: { day_ahead_gate: \"23:30\", intraday_gate_minutes: 31 }\nunits:\n" + Minimal.Diesel);
        Assert.Equal("the intra-day gate (31 minutes before the hour) must not close before the day-ahead gate (D-1 23:30), found 31",
            errors.At("market.intraday_gate_minutes").Message);
        _scratch.Load(Minimal.Header + "market: { day_ahead_gate: \"23:30\", intraday_gate_minutes: 30 }\nunits:\n" + Minimal.Diesel);
    }

    [Fact]
    public void The_exception_lists_every_error_as_file_line_column_path_message()
    {
        var path = _scratch.Write("scenario.yaml", Minimal.With("  - { id: h, kind: load, bus: B2, profile: { ieee: 101 } }\n"));

        var e = Assert.Throws<ScenarioValidationException>(() => ScenarioLoader.Load(path));

        Assert.Equal($"1 error(s) in {path}:{Environment.NewLine}{path}:6:52: units[0].profile.ieee: expected a whole number in [1, 100], found 101", e.Message);
    }

    [Fact]
    public void An_unknown_key_far_from_any_known_one_lists_the_allowed_keys()
    {
        var errors = _scratch.Errors(Minimal.Header.Replace("mode: { kind: island }", "mode: { kind: island, colour: blue }") + "units:\n" + Minimal.Diesel);

        Assert.Equal("unknown key; expected one of kind", errors.At("mode.colour").Message);
    }

    [Fact]
    public void A_misspelt_unit_kind_is_suggested_and_its_other_keys_are_not_judged()
    {
        var errors = _scratch.Errors(Minimal.With("  - { id: b, kind: baterry, bus: B3, capacity_kwh: 10, charge_kw: 5 }\n"));

        var error = Assert.Single(errors);
        Assert.Equal(("units[0].kind", "expected one of pv, wind, battery, ev, load, flexible-load, slack, prosumer, found 'baterry'; did you mean 'battery'?"), (error.Path, error.Message));
    }

    [Fact]
    public void A_yaml_syntax_error_is_one_error_at_its_mark()
    {
        var errors = _scratch.Errors("""
            name: broken
            time:
              start: 2026-06-15
             days: 2
            """);

        var error = Assert.Single(errors);
        Assert.Equal((4, 2), (error.Line, error.Column));
        Assert.StartsWith("YAML syntax error", error.Message);
    }

    [Fact]
    public void A_syntax_error_prints_what_yaml_found_without_an_empty_field_path()
    {
        var error = Assert.Single(_scratch.Errors("name: broken\ntime:\n  start: 2026-06-15\n days: 2\n"));

        Assert.Equal($"{error.File}:4:2: YAML syntax error: While parsing a block mapping, did not find expected key.", error.ToString());
    }

    [Fact]
    public void A_file_that_is_not_utf8_is_an_error_at_its_first_bad_byte()
    {
        // "Vilafranca del Pened\u00e8s" in Latin-1: the e-grave is the single byte 0xE8, not UTF-8.
        var latin1 = System.Text.Encoding.Latin1.GetBytes(Minimal.Header.Replace("name: minimal", "name: minimal\ndescription: Vilafranca del Pened\u00e8s", StringComparison.Ordinal) + "units:\n" + Minimal.Diesel);
        var path = Path.Combine(_scratch.Folder, "latin1.yaml");
        File.WriteAllBytes(path, latin1);

        var error = Assert.Single(Assert.Throws<ScenarioValidationException>(() => ScenarioLoader.Load(path)).Errors);

        Assert.Equal((path, 2, 34), (error.File, error.Line, error.Column));
        Assert.Equal("", error.Path);
        Assert.StartsWith("the file is not UTF-8 text (byte 0xE8 here", error.Message);

        // Behind a UTF-8 byte order mark the bad byte is found at the same place.
        File.WriteAllBytes(path, [.. System.Text.Encoding.UTF8.Preamble, .. latin1]);
        var afterMark = Assert.Single(Assert.Throws<ScenarioValidationException>(() => ScenarioLoader.Load(path)).Errors);
        Assert.Equal((2, 34), (afterMark.Line, afterMark.Column));
    }

    [Fact]
    public void A_utf8_file_with_a_byte_order_mark_loads()
    {
        var path = Path.Combine(_scratch.Folder, "bom.yaml");
        File.WriteAllText(path, Minimal.Header.Replace("name: minimal", "name: minimal\ndescription: Pened\u00e8s", StringComparison.Ordinal) + "units:\n" + Minimal.Diesel,
            new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        Assert.Equal("Pened\u00e8s", ScenarioLoader.Load(path).Description);
    }

    [Fact]
    public void An_empty_scenario_file_is_called_one()
    {
        var error = Assert.Single(_scratch.Errors(""));

        Assert.StartsWith("empty scenario file", error.Message);
    }

    [Fact]
    public void An_unclosed_flow_collection_is_reported_where_parsing_stopped()
    {
        var errors = _scratch.Errors("name: broken\nunits: [ { id: a, kind: pv\nmode: island\n");

        var error = Assert.Single(errors);
        Assert.Equal(2, error.Line);
        Assert.StartsWith("YAML syntax error", error.Message);
    }

    [Fact]
    public void Duplicate_keys_are_a_syntax_error_at_the_second_key()
    {
        var errors = _scratch.Errors("name: a\nname: b\n");

        Assert.Equal((2, 1), (errors.Single().Line, errors.Single().Column));
    }

    [Fact]
    public void An_empty_file_says_what_it_expected()
    {
        var error = Assert.Single(_scratch.Errors("# nothing yet\n"));

        Assert.Equal((1, 1), (error.Line, error.Column));
        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public void Missing_sections_are_reported_at_the_top_mapping()
    {
        var errors = _scratch.Errors("name: bare\nunits: []\n");

        Assert.Equal(["time", "network", "mode", "units"], errors.Select(e => e.Path));
        Assert.All(errors.Take(3), e => Assert.Equal(("is required", 1, 1), (e.Message, e.Line, e.Column)));
    }

    [Fact]
    public void Wrong_types_name_what_was_expected_and_found()
    {
        var errors = _scratch.Errors(Minimal.With("""
              - id: h
                kind: load
                bus: B2
                profile: { ieee: 3 }
                scale: "2"
                power_factor: [0.9]
                strategy: { price: 0.6.1 }
                forecast: { correlation: 1 }

            """));

        Assert.Equal("expected a number > 0, found the text \"2\"", errors.At("units[0].scale").Message);
        Assert.Equal("expected a number in (0, 1], found a list", errors.At("units[0].power_factor").Message);
        Assert.Equal("expected an amount (tokens) >= 0, found '0.6.1'", errors.At("units[0].strategy.price").Message);
        Assert.Equal("expected a number in [0, 0.99], found 1", errors.At("units[0].forecast.correlation").Message);
    }

    [Fact]
    public void Prices_finer_than_the_token_micro_unit_are_rejected()
    {
        var errors = _scratch.Errors(Minimal.With("  - { id: h, kind: load, bus: B2, profile: { ieee: 3 }, strategy: { price: 0.1234567 } }\n"));

        Assert.Contains("at most 6 decimals", errors.At("units[0].strategy.price").Message);
    }
}
