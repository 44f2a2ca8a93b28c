using System.Device.Gpio;
using System.Reflection;
using MicroMarket.Hardware.Configuration;
using MicroMarket.Hardware.Meters;
using Microsoft.Extensions.Time.Testing;

namespace MicroMarket.Node.Tests;

/// <summary>
/// node.yaml reaches every setting of a Pi's relay and meter: a file with every hardware key loads into the hardware
/// layer's own options, the device the node builds from them carries them, a CT meter with a voltage reference
/// measures both directions, and a value the drivers would refuse is an error located in the file.
/// </summary>
public sealed class PiHardwareConfigTests : IDisposable
{
    // Every key of pi_units[].hardware, each set away from its default.
    private const string EveryKey = NodeYamlFolder.Scenario + """
        pi_units:
          - unit: house-1
            hardware:
              driver: real
              gpio_chip: 4
              libgpiod_version: 2
              relay_pin: 27
              relay_active_low: true
              meter: mcp3008-ct
              i2c_bus: 3
              i2c_address: 0x41
              shunt_ohms: 0.008
              max_current_a: 10
              max_bus_voltage_v: 16
              spi_bus: 1
              spi_chip_select: 1
              spi_clock_hz: 1350000
              fake_dc_bus_voltage_v: 24
              ct:
                current_channel: 3
                reference_channel: 4
                voltage_channel: 5
                adc_reference_v: 5
                turns_ratio: 1000
                burden_ohms: 22
                current_calibration: 1.02
                voltage_scale: 300
                nominal_voltage_v: 120
                power_factor: 0.95
                mains_frequency_hz: 60
                cycles_per_reading: 12
                direction: export
                noise_floor_a: 0.05
                max_samples: 8192
        """;

    private static readonly HardwareOptions EveryKeyOptions = new()
    {
        Driver = HardwareDriver.Real,
        GpioChip = 4,
        LibGpiodVersion = 2,
        RelayPin = 27,
        RelayActiveLow = true,
        Meter = MeterKind.Mcp3008Ct,
        I2cBus = 3,
        I2cAddress = 0x41,
        ShuntOhms = 0.008,
        MaxExpectedCurrentA = 10,
        MaxBusVoltageV = 16,
        SpiBus = 1,
        SpiChipSelect = 1,
        SpiClockHz = 1_350_000,
        FakeDcBusVoltageV = 24,
        Ct = new AcCtOptions
        {
            CurrentChannel = 3,
            ReferenceChannel = 4,
            VoltageChannel = 5,
            AdcReferenceV = 5,
            CtTurnsRatio = 1000,
            BurdenOhms = 22,
            CurrentCalibration = 1.02,
            VoltageScale = 300,
            NominalVoltageV = 120,
            PowerFactor = 0.95,
            MainsFrequencyHz = 60,
            CyclesPerReading = 12,
            InvertCurrent = true,
            CurrentNoiseFloorA = 0.05,
            MaxSamples = 8192,
        },
    };

    private readonly NodeYamlFolder _files = new();

    public void Dispose() => _files.Dispose();

    private HardwareOptions Hardware(string yaml) => _files.Load(yaml).PiUnits[0].Hardware;

    /// <summary>A clock that moves on at each reading, as the AC meter's sampling needs.</summary>
    private static FakeTimeProvider Clock() => new() { AutoAdvanceAmount = TimeSpan.FromMicroseconds(40) };

    [Fact]
    public void A_file_with_every_hardware_key_loads_into_the_options_it_says()
    {
        Assert.Equal(EveryKeyOptions, Hardware(EveryKey));
    }

    [Fact]
    public void Every_hardware_option_is_reached_by_a_key()
    {
        // Each key of the file moves its setting off the default, so a setting still at its default is one that no
        // key reaches: a new option needs its key (and a line in EveryKey) before this passes.
        var loaded = Hardware(EveryKey);

        Assert.Empty(Unreached(loaded, new HardwareOptions()).Concat(Unreached(loaded.Ct, new AcCtOptions())));
    }

    private static IEnumerable<string> Unreached<T>(T loaded, T defaults) =>
        typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } && Equals(p.GetValue(loaded), p.GetValue(defaults)))
            .Select(p => $"{typeof(T).Name}.{p.Name}");

    [Fact]
    public void The_ct_device_built_from_the_file_carries_its_settings()
    {
        // The real drivers need a Pi; the fakes take the same options and show what their chips were opened with.
        var options = Hardware(EveryKey.Replace("driver: real", "driver: fake", StringComparison.Ordinal));

        using var node = HardwareFactory.Create(options, Clock());

        Assert.Equal(EveryKeyOptions with { Driver = HardwareDriver.Fake }, node.Options);
        var adc = node.Simulation!.Mcp3008!;
        Assert.Equal((1, 1, 1_350_000), (adc.ConnectionSettings.BusId, adc.ConnectionSettings.ChipSelectLine, adc.ConnectionSettings.ClockFrequency));
        Assert.Equal(5, adc.ReferenceVolts);
        Assert.Equal(EveryKeyOptions.Ct, Assert.IsType<AcCtMeter>(node.Meter).Options);
        Assert.Equal(120, node.Simulation.SupplyVoltageV);
        Assert.Equal(PinValue.High, node.Simulation.Gpio.LevelOf(27)); // active low: off is high
    }

    [Fact]
    public void The_ina_device_built_from_the_file_carries_its_settings()
    {
        var options = Hardware(EveryKey.Replace("driver: real", "driver: fake", StringComparison.Ordinal)
            .Replace("meter: mcp3008-ct", "meter: ina236", StringComparison.Ordinal));

        using var node = HardwareFactory.Create(options, Clock());

        var ina = node.Simulation!.Ina236!;
        Assert.Equal((3, 0x41), (ina.ConnectionSettings.BusId, ina.ConnectionSettings.DeviceAddress));
        Assert.Equal(24, node.Simulation.SupplyVoltageV);
        node.Simulation.PowerWhenOnW = -48;
        node.Relay.Switch(true);
        Assert.True(node.Meter.TryRead(out var reading), node.Meter.LastFailure);
        Assert.Equal((-48, -2), (reading.PowerW, reading.CurrentA), (a, b) => Math.Abs(a.Item1 - b.Item1) < 0.1 && Math.Abs(a.Item2 - b.Item2) < 0.01);
    }

    [Theory]
    [InlineData("import", 1500.0)]
    [InlineData("import", -1500.0)]
    [InlineData("export", 1500.0)]
    [InlineData("export", -1500.0)]
    public void A_ct_with_a_voltage_reference_measures_import_as_positive_and_export_as_negative(string direction, double powerW)
    {
        // With a voltage channel, "export" says the CT is clipped on backwards; the simulated CT is clipped as the
        // file says, so the meter must turn it round and still tell import from export.
        var options = Hardware(NodeYamlFolder.Scenario + $$"""
            pi_units:
              - { unit: house-1, hardware: { meter: mcp3008-ct, ct: { voltage_channel: 2, power_factor: 0.9, direction: {{direction}} } } }
            """);

        Assert.Equal(powerW, ReadCt(options, powerW), Math.Abs(powerW) * 0.02);
    }

    [Theory]
    [InlineData("import", 1500.0, 1500.0)]
    [InlineData("import", -1500.0, 1500.0)] // a CT alone cannot see which way the power flows
    [InlineData("export", -1500.0, -1500.0)]
    public void A_ct_without_a_voltage_reference_reports_the_direction_the_file_gives(string direction, double powerW, double expectedW)
    {
        var options = Hardware(NodeYamlFolder.Scenario + $$"""
            pi_units:
              - { unit: pv-1, hardware: { meter: mcp3008-ct, ct: { direction: {{direction}} } } }
            """);

        Assert.Equal(expectedW, ReadCt(options, powerW), Math.Abs(powerW) * 0.02);
    }

    /// <summary>One reading of the fake CT meter while the bench draws (positive) or feeds in (negative) <paramref name="powerW"/>.</summary>
    private static double ReadCt(HardwareOptions options, double powerW)
    {
        using var node = HardwareFactory.Create(options, Clock());
        node.Simulation!.PowerWhenOnW = powerW;
        node.Relay.Switch(true);
        Assert.True(node.Meter.TryRead(out var reading), node.Meter.LastFailure);
        return reading.PowerW;
    }

    [Theory]
    [InlineData("{ libgpiod_version: 3 }", 3, 32, "pi_units[0].hardware", "libgpiod version 3 must be 1 or 2")]
    [InlineData("{ meter: mcp3008-ct, spi_clock_hz: 5000000 }", 3, 32, "pi_units[0].hardware", "SPI clock 5000000 Hz is outside the MCP3008's 3.6 MHz")]
    [InlineData("{ meter: mcp3008-ct, ct: { current_channel: 1 } }", 3, 57, "pi_units[0].hardware.ct", "current, reference and voltage channels must differ")]
    [InlineData("{ meter: mcp3008-ct, ct: { current_channel: 2, reference_channel: 2 } }", 3, 57, "pi_units[0].hardware.ct", "current, reference and voltage channels must differ")]
    [InlineData("{ meter: mcp3008-ct, ct: { burden_ohm: 22 } }", 3, 59, "pi_units[0].hardware.ct.burden_ohm", "unknown key; did you mean 'burden_ohms'?")]
    [InlineData("{ meter: mcp3008-ct, ct: { direction: both } }", 3, 70, "pi_units[0].hardware.ct.direction", "expected one of import, export, found 'both'")]
    [InlineData("{ fake_dc_bus_voltage_v: 0 }", 3, 57, "pi_units[0].hardware.fake_dc_bus_voltage_v", "expected a number > 0, found 0")]
    [InlineData("{ max_bus_voltage_v: 40 }", 3, 32, "pi_units[0].hardware", "a bus voltage of 40 V is beyond the INA219's 32 V range")]
    public void A_setting_the_drivers_would_refuse_is_an_error_at_its_place_in_the_file(string hardware, int line, int column, string path, string message)
    {
        var error = Assert.Single(_files.Failure(NodeYamlFolder.Scenario + $"pi_units:\n  - {{ unit: house-1, hardware: {hardware} }}\n").Errors);

        Assert.Equal((_files.ConfigPath, line, column, path, message), (error.File, error.Line, error.Column, error.Path, error.Message));
    }
}
