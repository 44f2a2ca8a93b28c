using System.Globalization;
using System.Text;
using MicroMarket.Scenarios.Model;

namespace MicroMarket.Scenarios.Tests;

/// <summary>The resolved file: every default and generated unit written out; loading it gives the same scenario.</summary>
public sealed class WriterTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();

    public void Dispose() => _scratch.Dispose();

    public static TheoryData<string> ShippedFiles => [.. Shipped.ScenarioFiles];

    [Theory]
    [MemberData(nameof(ShippedFiles))]
    public void A_shipped_scenario_written_and_read_back_is_equal(string file)
    {
        var scenario = ScenarioLoader.Load(Shipped.Path(file));

        var reloaded = RoundTrip(scenario);

        Assert.Equal(scenario with { SourcePath = reloaded.SourcePath }, reloaded);
    }

    [Fact]
    public void Every_kind_of_resource_strategy_and_option_survives_the_round_trip()
    {
        WriteProfiles();
        var scenario = _scratch.Load("""
            name: kitchen-sink
            description: "Every option: quotes \" and colons: here"
            seed: 17
            time: { start: 2026-03-29, days: 2, slot_minutes: 15, time_zone: Europe/Madrid }
            mode: { kind: island }
            network: { file: feeders/upc-pilot.feeder }
            market: { day_ahead_gate: "13:30", intraday_gate_minutes: 45, price_floor: 0.01, price_cap: 2.5, imbalance: { penalty_percent: 12.5, fallback_price: 0.2 }, initial_balance: 250.5, margin_slots: 2 }
            units:
              - { id: pv-sky, kind: pv, bus: B3, peak_kw: 4, resource: { clear_sky: { latitude_deg: 41.39, longitude_deg: 2.11 } }, initial_balance: 12.345678 }
              - { id: pv-file, kind: pv, bus: B3, phase: C, peak_kw: 3, inverter_kw: 2.5, resource: { file: profiles/pv.csv }, wrap: true, forecast: { distribution: laplace, scale: capacity, day_ahead_sigma: 0.1, intraday_sigma: 0.05 } }
              - id: turbine
                kind: wind
                bus: B6
                rated_kw: 6
                power_curve: [[3, 0], [6, 1.5], [9, 4.2], [12, 6], [25, 6]]
                resource: { file: { path: profiles/wind.csv, height_m: 10, day_offset: 1 } }
                wrap: true
              - { id: pv-year, kind: pv, bus: B3, peak_kw: 2, resource: { year: { tilt_deg: 20, azimuth_deg: 200 } } }
              - { id: mill, kind: wind, bus: B6, rated_kw: 3, resource: { year: {} } }
              - { id: flat, kind: load, bus: B2, profile: { year: { annual_kwh: 2500 } } }
              - { id: home, kind: load, bus: B2, phase: B, profile: { file: profiles/load.csv }, scale: 1.5, power_factor: 0.9, wrap: true }
              - id: car
                kind: ev
                bus: B5
                battery_kwh: 50
                charger_kw: 11
                v2g_kw: 5
                sessions:
                  - { arrive: "07:00", depart: "08:30", energy_kwh: 2 }
                  - { arrive: "19:00", depart: "06:00", energy_kwh: 25, arrival_soc: 0.1, arrival_jitter_minutes: 20 }
                strategy: { willingness_to_pay: 0.5, demand_response: false, demand_response_premium: 0 }
              - { id: pump, kind: flexible-load, bus: B4, energy_kwh: 1.5, power_kw: 1, window: { start: "22:00", end: "24:00" }, strategy: { kind: flexible-shift } }
              - { id: shared-store, kind: battery, bus: B3, capacity_kwh: 10, charge_kw: 5, strategy: { kind: community, price_margin: 0.015 } }
              - { id: store, kind: slack, bus: B0, technology: battery, rated_kw: 50, capacity_kwh: 200, soc_initial: 0.6, strategy: { markup: 0.05 } }
            """);

        var reloaded = RoundTrip(scenario);

        Assert.Equal(scenario with { SourcePath = reloaded.SourcePath }, reloaded);
        Assert.Equal(0.200000m, reloaded.Market.ImbalanceFallbackPrice);
        Assert.Equal(scenario.Units.OfType<LoadUnit>().Select(u => u.PeakKw), reloaded.Units.OfType<LoadUnit>().Select(u => u.PeakKw));
    }

    [Fact]
    public void Time_of_use_and_series_tariffs_and_the_grid_fee_survive_the_round_trip()
    {
        _scratch.Write("feed-in.csv", "time,value\n" + string.Concat(Enumerable.Range(0, 48).Select(i => $"2026-06-15 {i / 2:00}:{i % 2 * 30:00},0.0{i % 7 + 1}\n")));
        var scenario = _scratch.Load("""
            name: tariffs
            time: { start: 2026-06-15, time_zone: Europe/Madrid }
            mode:
              kind: grid-connected
              retail_price: { time_of_use: { weekdays: [0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.4, 0.4, 0.4, 0.4, 0.2, 0.2] } }
              feed_in_price: { series: feed-in.csv }
              grid_fee: 0.035
              capacity_kw: 100
            network: { file: feeders/upc-pilot.feeder }
            units:
              - { id: home, kind: load, bus: B2, profile: { ieee: 1 } }
            """);

        var reloaded = RoundTrip(scenario);

        Assert.Equal(scenario with { SourcePath = reloaded.SourcePath }, reloaded);
        Assert.Contains("retail_price: { time_of_use: { weekdays: [0.2, 0.2, ", Write(scenario));
        Assert.Contains($"feed_in_price: {{ series: {Path.Combine(_scratch.Folder, "feed-in.csv")} }}, grid_fee: 0.035, capacity_kw: 100 }}\n", Write(scenario));
    }

    [Fact]
    public void The_output_spells_out_defaults_lists_generated_units_and_has_no_populate()
    {
        var text = Write(ScenarioLoader.Load(Shipped.Path("ieee-eu-lv-prosumers.yaml")));

        Assert.DoesNotContain("\npopulate:", text);
        Assert.Contains("\nseed: 7\nseeds: { weather: 7, forecast: 7, behaviour: 7, populate: 7 }\n", text);
        Assert.Contains("  - id: LOAD2\n    kind: load\n    bus: \"47\"\n    phase: B\n    profile: { ieee: 2 }\n    scale: 1\n    power_factor: 0.95\n", text);
        // A household with PV behind its meter is a prosumer, its members written as mappings of their own kinds.
        Assert.Contains("  - id: LOAD1\n    kind: prosumer\n    bus: \"34\"\n    phase: A\n    strategy: { kind: price-taker, price: 0.6 }\n    load:\n      profile: { ieee: 1 }\n", text);
        Assert.Contains("    strategy: { kind: price-taker, price: 0.6 }\n    forecast: { day_ahead_sigma: 0.25, intraday_sigma: 0.1, scale: actual, distribution: normal, correlation: 0.8 }\n", text);
        Assert.Contains("mode: { kind: grid-connected, retail_price: 0.3, feed_in_price: 0.06, capacity_kw: 800 }\n", text);
        Assert.Contains("  day_ahead_gate: \"12:00\"\n", text);
    }

    [Fact]
    public void The_same_scenario_gives_the_same_bytes_whatever_the_culture()
    {
        var scenario = ScenarioLoader.Load(Shipped.Path("island-week.yaml"));
        var first = Write(scenario);

        var culture = CultureInfo.CurrentCulture;
        try
        {
            // InvariantGlobalization has no named cultures; a clone with a decimal comma shows the same thing.
            var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            comma.NumberFormat.NumberDecimalSeparator = ",";
            CultureInfo.CurrentCulture = comma;
            Assert.Equal(first, Write(scenario));
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
        Assert.Equal(first, Write(RoundTrip(scenario)));
        Assert.DoesNotContain('\r', first);
    }

    private Scenario RoundTrip(Scenario scenario)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_scratch.Folder, "run")).FullName;
        var path = Path.Combine(folder, "resolved.yaml");
        File.WriteAllText(path, Write(scenario));
        return ScenarioLoader.Load(path);
    }

    private static string Write(Scenario scenario)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        ScenarioWriter.WriteResolved(scenario, text);
        return text.ToString();
    }

    /// <summary>A day of PV per kWp (15 min, clock times), two days of wind (10 min, date-times), a day of load (5 min).</summary>
    private void WriteProfiles()
    {
        Directory.CreateDirectory(Path.Combine(_scratch.Folder, "profiles"));
        _scratch.Write("profiles/pv.csv", Csv(96, 15, i => Math.Max(0, Math.Sin((i - 24) * Math.PI / 48)), clock: true));
        _scratch.Write("profiles/wind.csv", Csv(288, 10, i => 4 + 3 * Math.Sin(i / 20.0), clock: false));
        _scratch.Write("profiles/load.csv", Csv(288, 5, i => 0.3 + 0.2 * Math.Cos(i / 30.0), clock: true));
    }

    private static string Csv(int rows, int stepMinutes, Func<int, double> value, bool clock)
    {
        var text = new StringBuilder("# generated for a test\ntime,value\n");
        var start = new DateTime(2026, 3, 29);
        for (var i = 0; i < rows; i++)
        {
            var at = start.AddMinutes(i * stepMinutes);
            text.Append(CultureInfo.InvariantCulture, $"{(clock ? at.ToString("HH:mm", CultureInfo.InvariantCulture) : at.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))},{value(i).ToString("R", CultureInfo.InvariantCulture)}\n");
        }
        return text.ToString();
    }
}
