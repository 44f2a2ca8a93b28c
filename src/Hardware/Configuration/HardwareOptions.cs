using MicroMarket.Hardware.Meters;

namespace MicroMarket.Hardware.Configuration;

/// <summary>Whether a node drives real hardware or the in-memory fakes.</summary>
public enum HardwareDriver
{
    /// <summary>In-memory fakes: a fake GPIO chip and simulated meter chips (config name "fake").</summary>
    Fake,

    /// <summary>libgpiod, /dev/i2c-N and /dev/spidevB.C on a Raspberry Pi (config name "real").</summary>
    Real,
}

/// <summary>Which meter chip is fitted.</summary>
public enum MeterKind
{
    /// <summary>TI INA219 on I2C, DC (config name "ina219").</summary>
    Ina219,

    /// <summary>TI INA236 on I2C, DC (config name "ina236").</summary>
    Ina236,

    /// <summary>MCP3008 on SPI with a current transformer, AC (config name "mcp3008-ct").</summary>
    Mcp3008Ct,
}

/// <summary>
/// How one Pi node's relay and meter are connected. Defaults match the wiring in
/// src/Hardware/README.md: relay on GPIO17 of gpiochip0, INA219 on I2C-1 at 0x40 with a 0.1 Ω
/// shunt, MCP3008 on SPI0 CE0 at 1 MHz with the CT on CH0 and the bias on CH1.
/// </summary>
public sealed record HardwareOptions
{
    /// <summary>Real hardware or fakes.</summary>
    public HardwareDriver Driver { get; init; } = HardwareDriver.Fake;

    /// <summary>The GPIO chip (/dev/gpiochipN): 0 on a Pi 1-4, and on a Pi 5 with a current kernel.</summary>
    public int GpioChip { get; init; }

    /// <summary>libgpiod API generation on the Pi: 1 (libgpiod 1.x, Raspberry Pi OS Bookworm) or 2 (libgpiod 2.x).</summary>
    public int LibGpiodVersion { get; init; } = 1;

    /// <summary>GPIO line (BCM number) driving the relay module.</summary>
    public int RelayPin { get; init; } = 17;

    /// <summary>True when the relay module energises on a low level.</summary>
    public bool RelayActiveLow { get; init; }

    /// <summary>The meter fitted.</summary>
    public MeterKind Meter { get; init; } = MeterKind.Ina219;

    /// <summary>I2C bus (/dev/i2c-N): 1 on the Pi header.</summary>
    public int I2cBus { get; init; } = 1;

    /// <summary>I2C address of the INA chip (0x40 with A0 and A1 to GND).</summary>
    public int I2cAddress { get; init; } = 0x40;

    /// <summary>Shunt resistance, ohms (INA219 breakouts 0.1 Ω; INA236 boards often 8 mΩ).</summary>
    public double ShuntOhms { get; init; } = 0.1;

    /// <summary>Largest expected current either way, amperes.</summary>
    public double MaxExpectedCurrentA { get; init; } = 3.2;

    /// <summary>Largest DC bus voltage, volts (INA219 range selection).</summary>
    public double MaxBusVoltageV { get; init; } = 32;

    /// <summary>SPI bus (/dev/spidevB.C): 0 on the Pi header.</summary>
    public int SpiBus { get; init; }

    /// <summary>SPI chip select: 0 for CE0 (GPIO8), 1 for CE1 (GPIO7).</summary>
    public int SpiChipSelect { get; init; }

    /// <summary>SPI clock, Hz: the MCP3008 allows 1.35 MHz at 2.7 V and 3.6 MHz at 5 V.</summary>
    public int SpiClockHz { get; init; } = 1_000_000;

    /// <summary>Channels and calibration of the CT meter.</summary>
    public AcCtOptions Ct { get; init; } = new();

    /// <summary>Fake mode: the DC supply voltage the simulated INA chips see, volts.</summary>
    public double FakeDcBusVoltageV { get; init; } = 12;

    /// <summary>The name used in configuration files.</summary>
    public static string ConfigName(HardwareDriver driver)
    {
        return driver switch
        {
            HardwareDriver.Fake => "fake",
            HardwareDriver.Real => "real",
            _ => throw new ArgumentOutOfRangeException(nameof(driver)),
        };
    }

    /// <summary>The name used in configuration files.</summary>
    public static string ConfigName(MeterKind meter)
    {
        return meter switch
        {
            MeterKind.Ina219 => "ina219",
            MeterKind.Ina236 => "ina236",
            MeterKind.Mcp3008Ct => "mcp3008-ct",
            _ => throw new ArgumentOutOfRangeException(nameof(meter)),
        };
    }

    /// <summary>Every driver by its configuration name: what a configuration file may say.</summary>
    public static IReadOnlyList<(string Name, HardwareDriver Value)> DriverNames { get; } =
        [.. Enum.GetValues<HardwareDriver>().Select(driver => (ConfigName(driver), driver))];

    /// <summary>Every meter by its configuration name: what a configuration file may say.</summary>
    public static IReadOnlyList<(string Name, MeterKind Value)> MeterNames { get; } =
        [.. Enum.GetValues<MeterKind>().Select(meter => (ConfigName(meter), meter))];

    /// <summary>Problems with these settings, empty when usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!Enum.IsDefined(Driver))
        {
            problems.Add($"unknown driver {Driver}");
        }

        if (GpioChip < 0 || RelayPin < 0)
        {
            problems.Add("GPIO chip and relay pin must be non-negative");
        }

        if (LibGpiodVersion is not (1 or 2))
        {
            problems.Add($"libgpiod version {LibGpiodVersion} must be 1 or 2");
        }

        // The simulated bench divides its power by this to get its current.
        if (FakeDcBusVoltageV is <= 0 or double.NaN)
        {
            problems.Add($"fake DC bus voltage {FakeDcBusVoltageV} V must be positive");
        }

        switch (Meter)
        {
            case MeterKind.Ina219:
                Check(0x40, 0x4F, () => Ina219Calibration.For(ShuntOhms, MaxExpectedCurrentA, MaxBusVoltageV));
                break;
            case MeterKind.Ina236:
                Check(0x40, 0x47, () => Ina236Calibration.For(ShuntOhms, MaxExpectedCurrentA));
                break;
            case MeterKind.Mcp3008Ct:
                if (SpiBus < 0 || SpiChipSelect < 0)
                {
                    problems.Add("SPI bus and chip select must be non-negative");
                }

                if (SpiClockHz is <= 0 or > 3_600_000)
                {
                    problems.Add($"SPI clock {SpiClockHz} Hz is outside the MCP3008's 3.6 MHz");
                }

                problems.AddRange(Ct.Validate());
                break;
            default:
                problems.Add($"unknown meter {Meter}");
                break;
        }

        return problems;

        void Check(int lowAddress, int highAddress, Action calibrate)
        {
            if (I2cBus < 0)
            {
                problems.Add("I2C bus must be non-negative");
            }

            if (I2cAddress < lowAddress || I2cAddress > highAddress)
            {
                problems.Add($"I2C address 0x{I2cAddress:X2} is not one a {ConfigName(Meter)} can have (0x{lowAddress:X2}-0x{highAddress:X2})");
            }

            try
            {
                calibrate();
            }
            catch (ArgumentOutOfRangeException ex)
            {
                // The calibration's own words, without .NET's "(Parameter '...')" and "Actual value was" lines.
                problems.Add(ex.Message.Split(Environment.NewLine)[0].Replace($" (Parameter '{ex.ParamName}')", "", StringComparison.Ordinal));
            }
        }
    }
}
