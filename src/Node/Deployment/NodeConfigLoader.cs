using MicroMarket.Hardware.Configuration;
using MicroMarket.Hardware.Meters;
using MicroMarket.Scenarios;
using MicroMarket.Scenarios.Yaml;

namespace MicroMarket.Node.Deployment;

/// <summary>
/// Loads a node configuration file (format: docs/cluster.md), reporting every error with file:line:column. It lives
/// with the node rather than with the scenarios because it binds the hardware layer's own settings
/// (<see cref="HardwareOptions"/>), which only the node sees; it reads with the scenarios' YAML machinery.
/// </summary>
public static class NodeConfigLoader
{
    // A CT meter cannot tell import from export without a voltage channel; "export" flips the current's sign
    // (AcCtOptions.InvertCurrent): with a voltage channel it corrects a CT clipped on backwards, without one it makes
    // an export-only unit's power negative.
    private static readonly (string Name, bool Value)[] Directions = [("import", false), ("export", true)];

    /// <exception cref="FileNotFoundException">there is no file at <paramref name="path"/>.</exception>
    /// <exception cref="ScenarioValidationException">the file has errors: all of them, in file order.</exception>
    public static NodeConfig Load(string path)
    {
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"node configuration '{fullPath}' does not exist", fullPath);
        }
        var diagnostics = new Diagnostics(fullPath);
        var document = YamlSource.Read(YamlFileKind.NodeConfiguration, diagnostics);
        var config = document is null ? null : Bind(YamlMap.Root(document, diagnostics), fullPath);
        diagnostics.ThrowIfAny();
        return config ?? throw new InvalidOperationException($"{fullPath}: the configuration was not read, yet no error was reported");
    }

    private static NodeConfig? Bind(YamlMap root, string sourcePath)
    {
        var folder = Path.GetDirectoryName(sourcePath) ?? ".";
        var scenario = root.Text("scenario");
        if (root.AllValid("scenario") && !File.Exists(Path.Combine(folder, scenario)))
        {
            root.Error("scenario", $"no scenario file at '{Path.GetFullPath(Path.Combine(folder, scenario))}'");
        }
        int? seed = root.Has("seed") ? root.Integer("seed", Bounds.Closed(0, int.MaxValue)) : null;
        var cluster = Cluster(root.Map("cluster"));
        var market = Market(root.Map("market"), folder);
        var pis = root.Maps("pi_units").Select(m => PiUnit(m, folder)).ToList();
        foreach (var duplicate in pis.OfType<PiUnitSettings>().GroupBy(p => p.Unit).Where(g => g.Count() > 1))
        {
            root.Error("pi_units", $"unit '{duplicate.Key}' is listed {duplicate.Count()} times");
        }
        root.RejectUnknownKeys();
        return root.AllValid("scenario", "seed", "cluster", "market", "pi_units") && cluster is not null && market is not null && pis.All(p => p is not null)
            ? new NodeConfig(sourcePath, Path.GetFullPath(Path.Combine(folder, scenario)), seed, cluster, market, pis!)
            : null;
    }

    private static ClusterSettings? Cluster(YamlMap? map)
    {
        if (map is null)
        {
            return new ClusterSettings("micromarket", [], 1, TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(60), TimeSpan.FromMinutes(2));
        }
        var name = map.Text("name", "micromarket");
        if (map.AllValid("name") && (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            map.Error("name", $"'{name}' is not an actor system name: use letters, digits, '-' and '_'");
        }
        var seeds = map.Items("seed_nodes").Select(item => SeedNode(map, item.Node)).OfType<string>().ToList();
        var simNodes = map.Integer("sim_nodes", 1, Bounds.Closed(1, 64));
        var stableAfter = map.Number("stable_after_seconds", 7, Bounds.Closed(1, 600));
        var replyTimeout = map.Number("unit_reply_timeout_seconds", 60, Bounds.Closed(1, 3600));
        var startTimeout = map.Number("start_timeout_seconds", 120, Bounds.Closed(1, 86_400));
        map.RejectUnknownKeys();
        return map.AllValid("name", "seed_nodes", "sim_nodes", "stable_after_seconds", "unit_reply_timeout_seconds", "start_timeout_seconds")
            ? new ClusterSettings(name, seeds, simNodes, TimeSpan.FromSeconds(stableAfter), TimeSpan.FromSeconds(replyTimeout), TimeSpan.FromSeconds(startTimeout))
            : null;
    }

    /// <summary>A seed node as host:port.</summary>
    private static string? SeedNode(YamlMap map, YamlDotNet.RepresentationModel.YamlNode node)
    {
        if (node is YamlDotNet.RepresentationModel.YamlScalarNode { Value: { } text } && TryHostPort(text, out _, out _))
        {
            return text;
        }
        map.Diagnostics.Add(node.Start, map.PathOf("seed_nodes"), $"expected host:port, found {YamlValue.Describe(node)}");
        return null;
    }

    public static bool TryHostPort(string text, out string host, out int port)
    {
        var colon = text.LastIndexOf(':');
        host = colon > 0 ? text[..colon] : "";
        port = 0;
        return colon > 0 && int.TryParse(text[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port) && port is > 0 and < 65536;
    }

    private static MarketNodeSettings? Market(YamlMap? map, string folder)
    {
        if (map is null)
        {
            return new MarketNodeSettings(Path.GetFullPath(Path.Combine(folder, "runs", "cluster")), null, "127.0.0.1", null);
        }
        var output = map.Text("out", "runs/cluster");
        var chainText = map.Text("chain", "anvil");
        Uri? chain = null;
        if (map.AllValid("chain") && !chainText.Equals("anvil", StringComparison.OrdinalIgnoreCase)
            && !(Uri.TryCreate(chainText, UriKind.Absolute, out chain) && chain.Scheme is "http" or "https"))
        {
            map.Error("chain", $"expected 'anvil' or an http(s) JSON-RPC URL, found '{chainText}'");
        }
        var rpcHost = map.Text("rpc_host", "127.0.0.1");
        var live = Live(map.Map("live"));
        var rpcPort = map.Integer("rpc_port", 0, Bounds.Closed(0, 65535));
        var operatorKey = map.OptionalText("operator_key");
        map.RejectUnknownKeys();
        return map.AllValid("out", "chain", "rpc_host", "rpc_port", "live", "operator_key")
            ? new MarketNodeSettings(Path.GetFullPath(Path.Combine(folder, output)), chain, rpcHost, live,
                operatorKey is null ? null : Path.GetFullPath(Path.Combine(folder, operatorKey)), rpcPort == 0 ? null : rpcPort)
            : null;
    }

    private static LiveSettings? Live(YamlMap? map)
    {
        if (map is null)
        {
            return null;
        }
        var slotSeconds = map.Integer("slot_seconds", Bounds.Closed(2, 3600));
        if (map.AllValid("slot_seconds") && 86_400 % slotSeconds != 0)
        {
            map.Error("slot_seconds", $"must divide a day (86 400 s) so that slots line up on the wall clock, found {slotSeconds}");
        }
        var startDelay = map.Integer("start_delay_seconds", 10, Bounds.Closed(0, 86_400));
        var blockSeconds = map.Integer("block_seconds", 1, Bounds.Closed(1, 60));
        map.RejectUnknownKeys();
        return new LiveSettings(slotSeconds, startDelay, blockSeconds);
    }

    private static PiUnitSettings? PiUnit(YamlMap map, string folder)
    {
        var unit = map.Text("unit");
        var keys = map.OptionalText("keys");
        var meterKey = map.OptionalText("meter_key");
        if (keys is not null && meterKey is not null && map.AllValid("keys", "meter_key")
            && Path.GetFullPath(Path.Combine(folder, keys)) == Path.GetFullPath(Path.Combine(folder, meterKey)))
        {
            map.Error("meter_key", "must be a file of its own, apart from the trading key (keys)");
        }
        if ((keys is null) != (meterKey is null) && map.AllValid("keys", "meter_key"))
        {
            map.Error(keys is null ? "keys" : "meter_key", "give both keys (the trading key) and meter_key (the meter's), or neither (--dev-keys)");
        }
        var scale = map.Number("power_scale", 1, Bounds.Positive);
        var sample = map.Number("sample_seconds", 1, Bounds.Closed(0.05, 60));
        var hardware = Hardware(map.Map("hardware"));
        map.RejectUnknownKeys();
        string? Resolve(string? path) => path is null ? null : Path.GetFullPath(Path.Combine(folder, path));
        return map.AllValid("unit", "keys", "meter_key", "power_scale", "sample_seconds", "hardware") && hardware is not null
            ? new PiUnitSettings(unit, Resolve(keys), Resolve(meterKey), scale, TimeSpan.FromSeconds(sample), hardware)
            : null;
    }

    /// <summary>
    /// The relay and meter: each setting of <see cref="HardwareOptions"/> from its key, the rest at the model's own
    /// defaults; then the model's own checks, each reported at the mapping it concerns, so that no setting the
    /// driver would refuse gets past the file.
    /// </summary>
    private static HardwareOptions? Hardware(YamlMap? map)
    {
        var d = new HardwareOptions();
        if (map is null)
        {
            return d;
        }
        var errorsBefore = map.Diagnostics.Count;
        var ctMap = map.Map("ct");
        var hardware = new HardwareOptions
        {
            Driver = map.Choice("driver", HardwareOptions.DriverNames, d.Driver),
            GpioChip = map.Integer("gpio_chip", d.GpioChip, Bounds.Closed(0, 16)),
            LibGpiodVersion = map.Integer("libgpiod_version", d.LibGpiodVersion, Bounds.Any),
            RelayPin = map.Integer("relay_pin", d.RelayPin, Bounds.Closed(0, 63)),
            RelayActiveLow = map.Flag("relay_active_low", d.RelayActiveLow),
            Meter = map.Choice("meter", HardwareOptions.MeterNames, d.Meter),
            I2cBus = map.Integer("i2c_bus", d.I2cBus, Bounds.Closed(0, 16)),
            I2cAddress = map.Integer("i2c_address", d.I2cAddress, Bounds.Closed(0x03, 0x77)),
            ShuntOhms = map.Number("shunt_ohms", d.ShuntOhms, Bounds.Positive),
            MaxExpectedCurrentA = map.Number("max_current_a", d.MaxExpectedCurrentA, Bounds.Positive),
            MaxBusVoltageV = map.Number("max_bus_voltage_v", d.MaxBusVoltageV, Bounds.Positive),
            SpiBus = map.Integer("spi_bus", d.SpiBus, Bounds.Closed(0, 16)),
            SpiChipSelect = map.Integer("spi_chip_select", d.SpiChipSelect, Bounds.Closed(0, 3)),
            SpiClockHz = map.Integer("spi_clock_hz", d.SpiClockHz, Bounds.Positive),
            FakeDcBusVoltageV = map.Number("fake_dc_bus_voltage_v", d.FakeDcBusVoltageV, Bounds.Positive),
            Ct = ctMap is null ? d.Ct : Ct(ctMap),
        };
        map.RejectUnknownKeys();
        if (map.Diagnostics.Count > errorsBefore)
        {
            // A key that failed to read holds its default: the model's checks would judge a value nobody wrote.
            return null;
        }
        var ctProblems = hardware.Ct.Validate();
        foreach (var problem in hardware.Validate())
        {
            (ctMap is not null && ctProblems.Contains(problem) ? ctMap : map).Error(problem);
        }
        return map.Diagnostics.Count == errorsBefore ? hardware : null;
    }

    private static AcCtOptions Ct(YamlMap map)
    {
        var d = new AcCtOptions();
        var ct = new AcCtOptions
        {
            CurrentChannel = map.Integer("current_channel", d.CurrentChannel, Bounds.Any),
            ReferenceChannel = map.Integer("reference_channel", d.ReferenceChannel, Bounds.Any),
            VoltageChannel = map.Has("voltage_channel") ? map.Integer("voltage_channel", Bounds.Any) : d.VoltageChannel,
            AdcReferenceV = map.Number("adc_reference_v", d.AdcReferenceV, Bounds.Any),
            CtTurnsRatio = map.Number("turns_ratio", d.CtTurnsRatio, Bounds.Any),
            BurdenOhms = map.Number("burden_ohms", d.BurdenOhms, Bounds.Any),
            CurrentCalibration = map.Number("current_calibration", d.CurrentCalibration, Bounds.Any),
            VoltageScale = map.Number("voltage_scale", d.VoltageScale, Bounds.Any),
            NominalVoltageV = map.Number("nominal_voltage_v", d.NominalVoltageV, Bounds.Any),
            PowerFactor = map.Number("power_factor", d.PowerFactor, Bounds.Any),
            MainsFrequencyHz = map.Number("mains_frequency_hz", d.MainsFrequencyHz, Bounds.Any),
            CyclesPerReading = map.Integer("cycles_per_reading", d.CyclesPerReading, Bounds.Any),
            InvertCurrent = map.Choice("direction", Directions, d.InvertCurrent),
            CurrentNoiseFloorA = map.Number("noise_floor_a", d.CurrentNoiseFloorA, Bounds.Any),
            MaxSamples = map.Integer("max_samples", d.MaxSamples, Bounds.Any),
        };
        map.RejectUnknownKeys();
        return ct;
    }
}
