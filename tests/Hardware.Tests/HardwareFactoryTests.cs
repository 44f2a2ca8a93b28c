using System.Device.Spi;
using MicroMarket.Hardware.Configuration;
using MicroMarket.Hardware.Fakes;
using MicroMarket.Hardware.Meters;
using MicroMarket.Hardware.Relays;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace MicroMarket.Hardware.Tests;

public sealed class HardwareFactoryTests
{
    [Fact]
    public void FakeModeBuildsTheRealDriversOverFakes()
    {
        using NodeHardware node = HardwareFactory.Create(new HardwareOptions { Driver = HardwareDriver.Fake, RelayPin = 22, RelayActiveLow = true });

        Assert.True(node.IsSimulated);
        Assert.IsType<GpioRelay>(node.Relay);
        Assert.IsType<Ina219Meter>(node.Meter);
        Assert.NotNull(node.Simulation!.Ina219);
        Assert.Equal(System.Device.Gpio.PinValue.High, node.Simulation.Gpio.LevelOf(22)); // active-low: off is high
    }

    [Fact]
    public void FakeMeterFollowsTheFakeRelay()
    {
        using NodeHardware node = HardwareFactory.Create(new HardwareOptions { Meter = MeterKind.Ina236, ShuntOhms = 0.008, MaxExpectedCurrentA = 10, FakeDcBusVoltageV = 24 });
        node.Simulation!.PowerWhenOnW = 96;

        Assert.True(node.Meter.TryRead(out PowerReading off));
        Assert.Equal(0, off.PowerW);

        node.Relay.Switch(true);
        Assert.True(node.Meter.TryRead(out PowerReading on));
        Assert.Equal(96, on.PowerW, 0.1);
        Assert.Equal(4, on.CurrentA, 0.001);
        Assert.IsType<SimulatedIna236>(node.Simulation.Ina236);
    }

    [Fact]
    public void FakeCtMeterSeesSimulatedMainsIncludingExportWithAVoltageChannel()
    {
        var clock = new FakeTimeProvider { AutoAdvanceAmount = TimeSpan.FromMicroseconds(40) };
        var options = new HardwareOptions
        {
            Meter = MeterKind.Mcp3008Ct,
            Ct = new AcCtOptions { VoltageChannel = 2, PowerFactor = 0.9 },
        };
        using NodeHardware node = HardwareFactory.Create(options, clock);
        node.Simulation!.PowerWhenOnW = -1800;
        node.Relay.Switch(true);

        Assert.IsType<AcCtMeter>(node.Meter);
        Assert.True(node.Meter.TryRead(out PowerReading reading), node.Meter.LastFailure);
        Assert.Equal(-1800, reading.PowerW, 1800 * 0.02);
        Assert.Equal(230, reading.VoltageV, 230 * 0.01);
    }

    [Fact]
    public void RealModeAsksForTheConfiguredChipAndFailsClearlyWithoutIt()
    {
        // No machine has gpiochip99, so this is deterministic on a laptop, in CI and on a Pi.
        var options = new HardwareOptions { Driver = HardwareDriver.Real, GpioChip = 99 };
        HardwareUnavailableException ex = Assert.Throws<HardwareUnavailableException>(() => HardwareFactory.Create(options));
        Assert.Contains("/dev/gpiochip99", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BusSettingsComeFromTheOptions()
    {
        var options = new HardwareOptions { I2cBus = 3, I2cAddress = 0x45, SpiBus = 1, SpiChipSelect = 1, SpiClockHz = 1_350_000 };

        var i2c = HardwareFactory.I2cSettings(options);
        Assert.Equal((3, 0x45), (i2c.BusId, i2c.DeviceAddress));

        SpiConnectionSettings spi = HardwareFactory.SpiSettings(options);
        Assert.Equal((1, 1, SpiMode.Mode0, 1_350_000, 8), (spi.BusId, spi.ChipSelectLine, spi.Mode, spi.ClockFrequency, spi.DataBitLength));
    }

    [Fact]
    public void EveryDriverAndMeterHasOneConfigName()
    {
        Assert.Equal([("fake", HardwareDriver.Fake), ("real", HardwareDriver.Real)], HardwareOptions.DriverNames);
        Assert.Equal([("ina219", MeterKind.Ina219), ("ina236", MeterKind.Ina236), ("mcp3008-ct", MeterKind.Mcp3008Ct)], HardwareOptions.MeterNames);
    }

    [Fact]
    public void InvalidOptionsAreRejectedWithEveryProblem()
    {
        var options = new HardwareOptions { Meter = MeterKind.Ina236, I2cAddress = 0x4A, ShuntOhms = 0.1, MaxExpectedCurrentA = 5, LibGpiodVersion = 3 };

        IReadOnlyList<string> problems = options.Validate();
        Assert.Equal(3, problems.Count);
        ArgumentException ex = Assert.Throws<ArgumentException>(() => HardwareFactory.Create(options));
        Assert.Contains("0x4A", ex.Message, StringComparison.Ordinal);
    }
}
