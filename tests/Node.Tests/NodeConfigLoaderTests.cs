using MicroMarket.Hardware.Configuration;
using MicroMarket.Node.Deployment;
using MicroMarket.Scenarios;

namespace MicroMarket.Node.Tests;

/// <summary>
/// The node configuration (node.yaml) every node of a cluster reads: every setting as written, the
/// defaults of what is left out, and each mistake reported at its file:line:column with its field
/// path, all of them at once.
/// </summary>
public sealed class NodeConfigLoaderTests : IDisposable
{
    private const string Scenario = NodeYamlFolder.Scenario;

    private readonly NodeYamlFolder _files = new();

    public void Dispose() => _files.Dispose();

    private string Folder => _files.Folder;

    private string ConfigPath => _files.ConfigPath;

    private NodeConfig Load(string yaml) => _files.Load(yaml);

    private ScenarioValidationException Failure(string yaml) => _files.Failure(yaml);

    private IReadOnlyList<ScenarioError> Errors(string yaml) => Failure(yaml).Errors;

    [Fact]
    public void A_full_configuration_loads_every_setting_with_paths_relative_to_the_file()
    {
        var config = Load("""
            scenario: ../scenarios/quickstart.yaml
            seed: 7
            cluster:
              name: upc-lab_1
              seed_nodes: [10.0.0.1:4053, market.local:4054]
              sim_nodes: 3
              stable_after_seconds: 4.5
              unit_reply_timeout_seconds: 30
              start_timeout_seconds: 600
            market:
              out: runs/demo
              chain: http://10.0.0.1:8545
              rpc_host: 10.0.0.1
              rpc_port: 8545
              operator_key: keys/operator.json
              live: { slot_seconds: 20, start_delay_seconds: 30, block_seconds: 2 }
            pi_units:
              - unit: house-1
                keys: keys/house-1.json
                meter_key: keys/house-1.meter.json
                power_scale: 500
                sample_seconds: 0.5
                hardware:
                  driver: real
                  gpio_chip: 4
                  relay_pin: 27
                  relay_active_low: true
                  meter: ina236
                  i2c_bus: 3
                  i2c_address: 65
                  shunt_ohms: 0.008
                  max_current_a: 10
                  spi_bus: 1
                  spi_chip_select: 1
              - unit: ev-1
                hardware: { meter: mcp3008-ct }
            """);

        var deploy = Path.Combine(Folder, "deploy");
        Assert.Equal(ConfigPath, config.SourcePath);
        Assert.Equal(Path.Combine(Folder, "scenarios", "quickstart.yaml"), config.ScenarioPath);
        Assert.Equal(7, config.Seed);

        Assert.Equal(("upc-lab_1", 3), (config.Cluster.Name, config.Cluster.SimNodes));
        Assert.Equal(["10.0.0.1:4053", "market.local:4054"], config.Cluster.SeedNodes);
        Assert.Equal(TimeSpan.FromSeconds(4.5), config.Cluster.StableAfter);
        Assert.Equal(TimeSpan.FromSeconds(30), config.Cluster.UnitReplyTimeout);
        Assert.Equal(TimeSpan.FromMinutes(10), config.Cluster.StartTimeout);

        Assert.Equal(Path.Combine(deploy, "runs", "demo"), config.Market.OutputDirectory);
        Assert.Equal(new Uri("http://10.0.0.1:8545"), config.Market.Chain);
        Assert.Equal("10.0.0.1", config.Market.RpcHost);
        Assert.Equal(Path.Combine(deploy, "keys", "operator.json"), config.Market.OperatorKeyFile);
        Assert.Equal(8545, config.Market.RpcPort);
        Assert.Equal(new LiveSettings(SlotSeconds: 20, StartDelaySeconds: 30, BlockSeconds: 2), config.Market.Live);

        Assert.Equal(2, config.PiUnits.Count);
        var house = config.PiUnit("house-1")!;
        Assert.Equal(Path.Combine(deploy, "keys", "house-1.json"), house.KeysFile);
        Assert.Equal(Path.Combine(deploy, "keys", "house-1.meter.json"), house.MeterKeyFile);
        Assert.Equal(500, house.PowerScale);
        Assert.Equal(TimeSpan.FromMilliseconds(500), house.SampleInterval);
        Assert.Equal(new HardwareOptions
        {
            Driver = HardwareDriver.Real, GpioChip = 4, RelayPin = 27, RelayActiveLow = true, Meter = MeterKind.Ina236, I2cBus = 3, I2cAddress = 0x41,
            ShuntOhms = 0.008, MaxExpectedCurrentA = 10, SpiBus = 1, SpiChipSelect = 1,
        }, house.Hardware);

        // A unit that gives only its meter takes the wiring of src/Hardware/README.md for the rest.
        var ev = config.PiUnit("ev-1")!;
        Assert.Equal((null, 1.0, TimeSpan.FromSeconds(1)), (ev.KeysFile, ev.PowerScale, ev.SampleInterval));
        Assert.Equal(new HardwareOptions { Meter = MeterKind.Mcp3008Ct }, ev.Hardware);
        Assert.Null(config.PiUnit("diesel"));
    }

    [Fact]
    public void A_configuration_with_only_a_scenario_takes_the_defaults()
    {
        var config = Load(Scenario);

        Assert.Null(config.Seed);
        Assert.Equal(("micromarket", 1), (config.Cluster.Name, config.Cluster.SimNodes));
        Assert.Empty(config.Cluster.SeedNodes);
        Assert.Equal((TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(60), TimeSpan.FromMinutes(2)),
            (config.Cluster.StableAfter, config.Cluster.UnitReplyTimeout, config.Cluster.StartTimeout));
        // The run directory sits beside node.yaml, not in whatever folder the node was started from.
        Assert.Equal(new MarketNodeSettings(Path.Combine(Folder, "deploy", "runs", "cluster"), Chain: null, "127.0.0.1", Live: null), config.Market);
        Assert.Empty(config.PiUnits);
    }

    [Fact]
    public void Empty_sections_take_the_same_defaults_as_missing_ones()
    {
        var missing = Load(Scenario);
        var empty = Load(Scenario + """
            cluster: {}
            market: {}
            pi_units:
              - { unit: house-1, hardware: {} }
            """);

        Assert.Equal(
            (missing.Cluster.Name, missing.Cluster.SimNodes, missing.Cluster.StableAfter, missing.Cluster.UnitReplyTimeout, missing.Cluster.StartTimeout),
            (empty.Cluster.Name, empty.Cluster.SimNodes, empty.Cluster.StableAfter, empty.Cluster.UnitReplyTimeout, empty.Cluster.StartTimeout));
        Assert.Equal(missing.Market, empty.Market);
        Assert.Equal(new HardwareOptions(), Assert.Single(empty.PiUnits).Hardware);
        Assert.Equal(Load(Scenario + "pi_units: [ { unit: house-1 } ]").PiUnits[0], empty.PiUnits[0]);
    }

    [Fact]
    public void Live_mode_defaults_its_start_delay_and_block_time_and_anvil_means_a_chain_of_its_own()
    {
        var market = Load(Scenario + "market: { chain: Anvil, live: { slot_seconds: 4 } }\n").Market;

        Assert.Null(market.Chain);
        Assert.Equal(new LiveSettings(SlotSeconds: 4, StartDelaySeconds: 10, BlockSeconds: 1), market.Live);
    }

    [Fact]
    public void An_absolute_scenario_path_is_taken_as_it_is()
    {
        var scenario = Path.Combine(Folder, "scenarios", "quickstart.yaml");

        Assert.Equal(scenario, Load($"scenario: {scenario}\n").ScenarioPath);
    }

    [Fact]
    public void A_configuration_with_many_mistakes_reports_each_at_its_node_in_file_order()
    {
        var errors = Errors("""
            scenario: ../scenarios/quickstrat.yaml
            seed: -1
            cluster:
              name: my cluster
              seed_nodes: [127.0.0.1, 127.0.0.1:4053, "host:99999"]
              sim_nodes: 0
              stable_after_seconds: -5
              unit_reply_timout_seconds: 10
              start_timeout_seconds: 0
            market:
              chain: ftp://example.org/chain
              live: { slot_seconds: 7, block_seconds: 0 }
            pi_units:
              - unit: house-1
                power_scale: 0
                sample_seconds: 120
                hardware: { driver: gpio, meter: ina226, i2c_address: 200, relay_active_low: yes }
            """);

        Assert.Equal(
            [
                (1, 11, "scenario"),
                (2, 7, "seed"),
                (4, 9, "cluster.name"),
                (5, 16, "cluster.seed_nodes"),
                (5, 43, "cluster.seed_nodes"),
                (6, 14, "cluster.sim_nodes"),
                (7, 25, "cluster.stable_after_seconds"),
                (8, 3, "cluster.unit_reply_timout_seconds"),
                (9, 26, "cluster.start_timeout_seconds"),
                (11, 10, "market.chain"),
                (12, 25, "market.live.slot_seconds"),
                (12, 43, "market.live.block_seconds"),
                (15, 18, "pi_units[0].power_scale"),
                (16, 21, "pi_units[0].sample_seconds"),
                (17, 25, "pi_units[0].hardware.driver"),
                (17, 38, "pi_units[0].hardware.meter"),
                (17, 59, "pi_units[0].hardware.i2c_address"),
                (17, 82, "pi_units[0].hardware.relay_active_low"),
            ],
            errors.Select(e => (e.Line, e.Column, e.Path)));
        Assert.All(errors, e => Assert.Equal(ConfigPath, e.File));

        Assert.Equal($"no scenario file at '{Path.Combine(Folder, "scenarios", "quickstrat.yaml")}'", errors.At("scenario").Message);
        Assert.Equal("expected a whole number in [0, 2147483647], found -1", errors.At("seed").Message);
        Assert.Equal("'my cluster' is not an actor system name: use letters, digits, '-' and '_'", errors.At("cluster.name").Message);
        Assert.Equal(
            ["expected host:port, found '127.0.0.1'", "expected host:port, found the text \"host:99999\""],
            errors.Where(e => e.Path == "cluster.seed_nodes").Select(e => e.Message));
        Assert.Equal("expected a whole number in [1, 64], found 0", errors.At("cluster.sim_nodes").Message);
        Assert.Equal("expected a number in [1, 600], found -5", errors.At("cluster.stable_after_seconds").Message);
        Assert.Equal("unknown key; did you mean 'unit_reply_timeout_seconds'?", errors.At("cluster.unit_reply_timout_seconds").Message);
        Assert.Equal("expected a number in [1, 86400], found 0", errors.At("cluster.start_timeout_seconds").Message);
        Assert.Equal("expected 'anvil' or an http(s) JSON-RPC URL, found 'ftp://example.org/chain'", errors.At("market.chain").Message);
        Assert.Equal("must divide a day (86 400 s) so that slots line up on the wall clock, found 7", errors.At("market.live.slot_seconds").Message);
        Assert.Equal("expected a whole number in [1, 60], found 0", errors.At("market.live.block_seconds").Message);
        Assert.Equal("expected a number > 0, found 0", errors.At("pi_units[0].power_scale").Message);
        Assert.Equal("expected a number in [0.05, 60], found 120", errors.At("pi_units[0].sample_seconds").Message);
        Assert.Equal("expected one of fake, real, found 'gpio'", errors.At("pi_units[0].hardware.driver").Message);
        Assert.Equal("expected one of ina219, ina236, mcp3008-ct, found 'ina226'; did you mean 'ina236'?", errors.At("pi_units[0].hardware.meter").Message);
        Assert.Equal("expected a whole number in [3, 119], found 200", errors.At("pi_units[0].hardware.i2c_address").Message);
        Assert.Equal("expected true or false, found 'yes'", errors.At("pi_units[0].hardware.relay_active_low").Message);
    }

    [Fact]
    public void The_exception_message_names_the_file_and_each_error_as_file_line_column_path_message()
    {
        var e = Failure(Scenario + "market:\n  live: { slot_seconds: 7 }\n");

        Assert.Equal(
            $"1 error(s) in {ConfigPath}:{Environment.NewLine}{ConfigPath}:3:25: market.live.slot_seconds: must divide a day (86 400 s) so that slots line up on the wall clock, found 7",
            e.Message);
    }

    [Theory]
    [InlineData("cluster:\n  stable_after_seconds: -1\n", "cluster.stable_after_seconds", "expected a number in [1, 600], found -1")]
    [InlineData("cluster:\n  unit_reply_timeout_seconds: -30\n", "cluster.unit_reply_timeout_seconds", "expected a number in [1, 3600], found -30")]
    [InlineData("cluster:\n  start_timeout_seconds: -0.5\n", "cluster.start_timeout_seconds", "expected a number in [1, 86400], found -0.5")]
    [InlineData("cluster:\n  sim_nodes: 2.5\n", "cluster.sim_nodes", "expected a whole number in [1, 64], found '2.5'")]
    [InlineData("cluster:\n  seed_nodes: 127.0.0.1:4053\n", "cluster.seed_nodes", "expected a list, found '127.0.0.1:4053'")]
    [InlineData("market:\n  live: { start_delay_seconds: 5 }\n", "market.live.slot_seconds", "is required")]
    [InlineData("market:\n  live: { slot_seconds: 1 }\n", "market.live.slot_seconds", "expected a whole number in [2, 3600], found 1")]
    [InlineData("market:\n  live: { slot_seconds: 10, start_delay_seconds: -10 }\n", "market.live.start_delay_seconds", "expected a whole number in [0, 86400], found -10")]
    [InlineData("market:\n  live: yes\n", "market.live", "expected a mapping (key: value, ...), found 'yes'")]
    [InlineData("market:\n  chain: localhost:8545\n", "market.chain", "expected 'anvil' or an http(s) JSON-RPC URL, found 'localhost:8545'")]
    [InlineData("pi_units:\n  - { keys: k.json, meter_key: m.json }\n", "pi_units[0].unit", "is required")]
    [InlineData("pi_units:\n  - { unit: house-1, keys: k.json }\n", "pi_units[0].meter_key", "give both keys (the trading key) and meter_key (the meter's), or neither (--dev-keys)")]
    [InlineData("pi_units:\n  - { unit: house-1, keys: k.json, meter_key: ./k.json }\n", "pi_units[0].meter_key", "must be a file of its own, apart from the trading key (keys)")]
    [InlineData("pi_units:\n  - house-1\n", "pi_units[0]", "expected a mapping (key: value, ...), found 'house-1'")]
    [InlineData("pi_units:\n  - { unit: house-1, hardware: { i2c_address: 2 } }\n", "pi_units[0].hardware.i2c_address", "expected a whole number in [3, 119], found 2")]
    [InlineData("pi_units:\n  - { unit: house-1, hardware: { i2c_address: 120 } }\n", "pi_units[0].hardware.i2c_address", "expected a whole number in [3, 119], found 120")]
    [InlineData("pi_units:\n  - { unit: house-1, hardware: { i2c_address: \"64\" } }\n", "pi_units[0].hardware.i2c_address", "expected a whole number in [3, 119], found the text \"64\"")]
    [InlineData("pi_units:\n  - { unit: house-1, hardware: { relay_pin: 64 } }\n", "pi_units[0].hardware.relay_pin", "expected a whole number in [0, 63], found 64")]
    [InlineData("pi_units:\n  - { unit: house-1, hardware: { spi_chip_select: 4 } }\n", "pi_units[0].hardware.spi_chip_select", "expected a whole number in [0, 3], found 4")]
    [InlineData("pi_units:\n  - { unit: house-1, hardware: { shunt_ohms: -0.1 } }\n", "pi_units[0].hardware.shunt_ohms", "expected a number > 0, found -0.1")]
    [InlineData("pi_units:\n  - { unit: house-1, hardware: { driver: rael } }\n", "pi_units[0].hardware.driver", "expected one of fake, real, found 'rael'; did you mean 'real'?")]
    [InlineData("pi_units:\n  - { unit: house-1, hardware: { meter: ct } }\n", "pi_units[0].hardware.meter", "expected one of ina219, ina236, mcp3008-ct, found 'ct'")]
    [InlineData("pi_units:\n  - { unit: house-1, hardware: { relay_pn: 17 } }\n", "pi_units[0].hardware.relay_pn", "unknown key; did you mean 'relay_pin'?")]
    [InlineData("pi_units:\n  - { unit: house-1, key: k.json }\n", "pi_units[0].key", "unknown key; did you mean 'keys'?")]
    [InlineData("markets:\n  out: runs\n", "markets", "unknown key; did you mean 'market'?")]
    public void A_mistake_is_reported_at_its_field_with_what_was_expected(string section, string path, string message)
    {
        var error = Assert.Single(Errors(Scenario + section));

        Assert.Equal((path, message), (error.Path, error.Message));
        Assert.Equal(ConfigPath, error.File);
        Assert.True(error.Line >= 2, $"{error} should point into the section, not at the file's start");
    }

    [Theory]
    [InlineData("0x40", 0x40)]
    [InlineData("0x4F", 0x4F)]
    [InlineData("0x4f", 0x4F)]
    [InlineData("65", 0x41)]
    public void An_i2c_address_may_be_written_in_hex_as_i2cdetect_shows_it(string written, int address)
    {
        var config = Load(Scenario + $"pi_units:\n  - {{ unit: house-1, hardware: {{ i2c_address: {written} }} }}\n");

        Assert.Equal(address, config.PiUnits[0].Hardware.I2cAddress);
    }

    [Theory]
    [InlineData("0x78", "expected a whole number in [3, 119], found 0x78")]
    [InlineData("0x", "expected a whole number in [3, 119], found '0x'")]
    [InlineData("0x4G", "expected a whole number in [3, 119], found '0x4G'")]
    [InlineData("0xFFFFFFFF", "expected a whole number in [3, 119], found '0xFFFFFFFF'")]
    [InlineData("-0x40", "expected a whole number in [3, 119], found '-0x40'")]
    [InlineData("\"0x40\"", "expected a whole number in [3, 119], found the text \"0x40\"")]
    public void A_bad_hex_i2c_address_is_reported_as_it_was_written(string written, string message)
    {
        var error = Assert.Single(Errors(Scenario + $"pi_units:\n  - {{ unit: house-1, hardware: {{ i2c_address: {written} }} }}\n"));

        Assert.Equal(("pi_units[0].hardware.i2c_address", message), (error.Path, error.Message));
        Assert.Equal((3, 47), (error.Line, error.Column));
    }

    [Fact]
    public void A_missing_scenario_key_is_required()
    {
        var error = Assert.Single(Errors("seed: 1\n"));

        Assert.Equal((1, 1, "scenario", "is required"), (error.Line, error.Column, error.Path, error.Message));
    }

    [Fact]
    public void A_unit_listed_twice_in_pi_units_is_reported_once_with_its_count()
    {
        var error = Assert.Single(Errors(Scenario + """
            pi_units:
              - { unit: house-1 }
              - { unit: ev-1 }
              - { unit: house-1, power_scale: 10 }
            """));

        Assert.Equal((3, 3, "pi_units", "unit 'house-1' is listed 2 times"), (error.Line, error.Column, error.Path, error.Message));
    }

    [Fact]
    public void An_unknown_key_far_from_any_known_one_lists_the_allowed_keys()
    {
        var error = Assert.Single(Errors(Scenario + "market:\n  live: { slot_seconds: 10, colour: blue }\n"));

        Assert.Equal(("market.live.colour", "unknown key; expected one of block_seconds, slot_seconds, start_delay_seconds"), (error.Path, error.Message));
    }

    [Fact]
    public void A_yaml_syntax_error_is_one_error_at_its_mark()
    {
        var error = Assert.Single(Errors(Scenario + "cluster:\n  name: a\n sim_nodes: 2\n"));

        Assert.Equal(4, error.Line);
        Assert.StartsWith("YAML syntax error", error.Message);
    }

    [Fact]
    public void An_empty_configuration_is_called_an_empty_node_configuration_file()
    {
        var error = Assert.Single(Errors(""));

        Assert.Equal("empty node configuration file: expected a mapping of node configuration keys (scenario, cluster, market, pi_units)", error.Message);
    }

    [Fact]
    public void A_latin1_configuration_is_not_utf8_at_its_line()
    {
        File.WriteAllBytes(ConfigPath, System.Text.Encoding.Latin1.GetBytes(Scenario + "cluster: { name: m\u00e9rcat }\n"));

        var error = Assert.Single(Assert.Throws<ScenarioValidationException>(() => NodeConfigLoader.Load(ConfigPath)).Errors);

        Assert.Equal(2, error.Line);
        Assert.Contains("not UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_configuration_file_is_named()
    {
        var missing = Path.Combine(Folder, "deploy", "nodes.yaml");

        var e = Assert.Throws<FileNotFoundException>(() => NodeConfigLoader.Load(missing));

        Assert.Equal(missing, e.FileName);
        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.1:4053", true, "10.0.0.1", 4053)]
    [InlineData("pi-market.local:1", true, "pi-market.local", 1)]
    [InlineData("[::1]:65535", true, "[::1]", 65535)]
    [InlineData("10.0.0.1", false, "", 0)]
    [InlineData(":4053", false, "", 0)]
    [InlineData("host:0", false, "host", 0)]
    [InlineData("host:65536", false, "host", 0)]
    [InlineData("host:+80", false, "host", 0)]
    [InlineData("host:80a", false, "host", 0)]
    public void A_seed_node_is_host_colon_port(string text, bool valid, string host, int port)
    {
        Assert.Equal(valid, NodeConfigLoader.TryHostPort(text, out var h, out var p));
        Assert.Equal(host, h);
        if (valid)
        {
            Assert.Equal(port, p);
        }
    }
}
