using System.Device.Gpio;
using System.Device.Gpio.Drivers;
using System.Device.I2c;
using System.Device.Spi;
using MicroMarket.Hardware.Fakes;
using MicroMarket.Hardware.Meters;
using MicroMarket.Hardware.Relays;

namespace MicroMarket.Hardware.Configuration;

/// <summary>
/// Builds a node's relay and meter from <see cref="HardwareOptions"/>: on a Pi, libgpiod for the
/// relay and the kernel's I2C or SPI device for the meter; in fake mode, the same driver classes
/// over a <see cref="FakeGpioDriver"/> and a simulated meter chip.
/// </summary>
public static class HardwareFactory
{
    /// <summary>Creates the hardware.</summary>
    /// <param name="options">What is connected where.</param>
    /// <param name="timeProvider">Clock for AC sampling (and the simulated mains); the system clock by default.</param>
    /// <exception cref="ArgumentException">The options are not usable.</exception>
    /// <exception cref="HardwareUnavailableException">Real mode, and the chip, bus or library is not there.</exception>
    public static NodeHardware Create(HardwareOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Hardware settings: " + string.Join("; ", problems), nameof(options));
        }

        TimeProvider time = timeProvider ?? TimeProvider.System;
        return options.Driver == HardwareDriver.Real ? CreateReal(options, time) : CreateFake(options, time);
    }

    /// <summary>The I2C settings for the meter chip.</summary>
    public static I2cConnectionSettings I2cSettings(HardwareOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new I2cConnectionSettings(options.I2cBus, options.I2cAddress);
    }

    /// <summary>The SPI settings for the MCP3008: mode 0,0, MSB first, 8-bit words.</summary>
    public static SpiConnectionSettings SpiSettings(HardwareOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SpiConnectionSettings(options.SpiBus, options.SpiChipSelect)
        {
            Mode = SpiMode.Mode0,
            ClockFrequency = options.SpiClockHz,
            DataBitLength = 8,
            DataFlow = DataFlow.MsbFirst,
        };
    }

    private static NodeHardware CreateReal(HardwareOptions options, TimeProvider time)
    {
        var cleanup = new Stack<IDisposable>();
        try
        {
            Require($"/dev/gpiochip{options.GpioChip}", "GPIO chip");
            GpioDriver driver = Attempt<GpioDriver>(
                $"libgpiod (v{options.LibGpiodVersion}) on gpiochip{options.GpioChip}",
                () => options.LibGpiodVersion == 2 ? new LibGpiodV2Driver(options.GpioChip) : new LibGpiodDriver(options.GpioChip));
            var controller = new GpioController(driver);
            cleanup.Push(controller);
            var relay = new GpioRelay(options.RelayPin, options.RelayActiveLow, controller, shouldDispose: true);
            cleanup.Pop();
            cleanup.Push(relay);

            IPowerMeter meter;
            if (options.Meter == MeterKind.Mcp3008Ct)
            {
                Require($"/dev/spidev{options.SpiBus}.{options.SpiChipSelect}", "SPI device (enable SPI with raspi-config)");
                SpiDevice spi = Attempt("SPI", () => SpiDevice.Create(SpiSettings(options)));
                cleanup.Push(spi);
                meter = new AcCtMeter(spi, options.Ct, time, shouldDispose: true);
            }
            else
            {
                Require($"/dev/i2c-{options.I2cBus}", "I2C bus (enable I2C with raspi-config)");
                I2cDevice i2c = Attempt("I2C", () => I2cDevice.Create(I2cSettings(options)));
                cleanup.Push(i2c);
                meter = Attempt($"the {HardwareOptions.ConfigName(options.Meter)} at 0x{options.I2cAddress:X2}", () => CreateI2cMeter(options, i2c));
            }

            return new NodeHardware(options, relay, meter, simulation: null);
        }
        catch
        {
            while (cleanup.Count > 0)
            {
                cleanup.Pop().Dispose();
            }

            throw;
        }
    }

    private static NodeHardware CreateFake(HardwareOptions options, TimeProvider time)
    {
        var gpio = new FakeGpioDriver();
        SimulatedIna219? ina219 = null;
        SimulatedIna236? ina236 = null;
        SimulatedMcp3008? mcp3008 = null;
        IPowerMeter meter;
        switch (options.Meter)
        {
            case MeterKind.Ina219:
                ina219 = new SimulatedIna219(I2cSettings(options));
                meter = new Ina219Meter(ina219, Ina219Options(options), shouldDispose: true);
                break;
            case MeterKind.Ina236:
                ina236 = new SimulatedIna236(I2cSettings(options));
                meter = new Ina236Meter(ina236, Ina236Options(options), shouldDispose: true);
                break;
            default:
                mcp3008 = new SimulatedMcp3008(SpiSettings(options), options.Ct.AdcReferenceV, time);
                meter = new AcCtMeter(mcp3008, options.Ct, time, shouldDispose: true);
                break;
        }

        var simulation = new SimulatedUnit(gpio, options, ina219, ina236, mcp3008);
        var relay = new GpioRelay(options.RelayPin, options.RelayActiveLow, new GpioController(gpio), shouldDispose: true);
        return new NodeHardware(options, relay, meter, simulation);
    }

    private static IPowerMeter CreateI2cMeter(HardwareOptions options, I2cDevice device)
    {
        return options.Meter == MeterKind.Ina236
            ? new Ina236Meter(device, Ina236Options(options), shouldDispose: true)
            : new Ina219Meter(device, Ina219Options(options), shouldDispose: true);
    }

    private static Ina219Options Ina219Options(HardwareOptions o)
    {
        return new Ina219Options(o.ShuntOhms, o.MaxExpectedCurrentA, o.MaxBusVoltageV);
    }

    private static Ina236Options Ina236Options(HardwareOptions o)
    {
        return new Ina236Options(o.ShuntOhms, o.MaxExpectedCurrentA);
    }

    private static void Require(string path, string what)
    {
        if (!File.Exists(path))
        {
            throw new HardwareUnavailableException($"No {what} at {path}: is this a Raspberry Pi with the interface enabled, and is the user in the gpio/i2c/spi group?");
        }
    }

    private static T Attempt<T>(string what, Func<T> create)
    {
        try
        {
            return create();
        }
        catch (Exception ex) when (ex is PlatformNotSupportedException or DllNotFoundException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            throw new HardwareUnavailableException($"Could not open {what}: {ex.Message}", ex);
        }
    }
}
