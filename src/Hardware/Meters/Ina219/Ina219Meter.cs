using System.Buffers.Binary;
using System.Device.I2c;
using Iot.Device.Adc;
using StockIna219 = Iot.Device.Adc.Ina219;

namespace MicroMarket.Hardware.Meters;

/// <summary>Settings for an <see cref="Ina219Meter"/>.</summary>
/// <param name="ShuntOhms">Shunt resistance (0.1 Ω on common breakout boards).</param>
/// <param name="MaxExpectedCurrentA">Largest current magnitude, import or export.</param>
/// <param name="MaxBusVoltageV">Largest bus voltage (selects the 16 V or 32 V range).</param>
/// <param name="Adc">ADC resolution or averaging for both shunt and bus (power-on default 12-bit, 532 µs).</param>
public sealed record Ina219Options(
    double ShuntOhms = 0.1,
    double MaxExpectedCurrentA = 3.2,
    double MaxBusVoltageV = 32,
    Ina219AdcResolutionOrSamples Adc = Ina219AdcResolutionOrSamples.Adc12Bit);

/// <summary>
/// A DC power meter on a TI INA219 (high-side shunt, I2C). It wraps the stock
/// <see cref="StockIna219"/> binding for reset, ranges and calibration, but reads the data
/// registers itself: the binding converts the shunt voltage and current registers as unsigned
/// (<c>(int)ushort * lsb</c>), so any export current comes out as a large positive number.
/// The datasheet defines both as two's complement (SBOS448G 8.6.3.1 and 8.6.3.4).
/// </summary>
public sealed class Ina219Meter : IPowerMeter
{
    private readonly I2cDevice _device;
    private readonly bool _shouldDispose;
    private readonly StockIna219 _stock;
    private bool _disposed;

    /// <summary>Configures the chip and programs its calibration.</summary>
    /// <param name="device">The I2C device at the INA219's address.</param>
    /// <param name="options">Shunt and range settings.</param>
    /// <param name="shouldDispose">True to dispose <paramref name="device"/> with this meter (the caller created it for us).</param>
    public Ina219Meter(I2cDevice device, Ina219Options options, bool shouldDispose = false)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(options);
        _device = device;
        _shouldDispose = shouldDispose;
        Options = options;
        Calibration = Ina219Calibration.For(options.ShuntOhms, options.MaxExpectedCurrentA, options.MaxBusVoltageV);
        Description = $"INA219 @ I2C bus {device.ConnectionSettings.BusId}, 0x{device.ConnectionSettings.DeviceAddress:X2}";

        // The stock binding is given our device and never disposes a device it was given.
        _stock = new StockIna219(device);
        Configure();
    }

    /// <summary>Settings this meter was built with.</summary>
    public Ina219Options Options { get; }

    /// <summary>The calibration programmed into the chip.</summary>
    public Ina219Calibration Calibration { get; }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public string? LastFailure { get; private set; }

    /// <summary>How many times the chip was found reset (brown-out) and reprogrammed.</summary>
    public int Reconfigurations { get; private set; }

    /// <inheritdoc />
    public bool TryRead(out PowerReading reading)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        reading = default;
        try
        {
            // A brown-out resets the chip: calibration goes to 0 and the current register with it.
            // Reprogram, and skip this sample, as the next conversion has not happened yet.
            if (ReadRegister(Ina219Register.Calibration) != Calibration.Register)
            {
                Configure();
                Reconfigurations++;
                return Fail("calibration register lost (chip reset); reprogrammed, next read is valid");
            }

            ushort bus = ReadRegister(Ina219Register.BusVoltage);
            if ((bus & (ushort)Ina219Bits.MathOverflow) != 0)
            {
                return Fail("math overflow (OVF): current or power out of range for this calibration");
            }

            short current = (short)ReadRegister(Ina219Register.Current);
            double voltageV = (bus >> 3) * Ina219Calibration.BusVoltageLsbV;
            double currentA = current * Calibration.CurrentLsbA;

            // The power register is an unsigned magnitude; the product of the signed current and
            // the bus voltage from the same conversion keeps the direction.
            reading = new PowerReading(voltageV * currentA, voltageV, currentA);
            LastFailure = null;
            return true;
        }
        catch (IOException ex)
        {
            return Fail($"I2C transfer failed: {ex.Message}");
        }
    }

    /// <summary>Reads the shunt voltage register as the datasheet defines it: signed, 10 µV per LSB.</summary>
    public bool TryReadShuntVoltage(out double shuntV)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            shuntV = (short)ReadRegister(Ina219Register.ShuntVoltage) * Ina219Calibration.ShuntVoltageLsbV;
            return true;
        }
        catch (IOException ex)
        {
            shuntV = 0;
            Fail($"I2C transfer failed: {ex.Message}");
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_shouldDispose)
        {
            _device.Dispose();
        }
    }

    private void Configure()
    {
        _stock.Reset();
        _stock.BusVoltageRange = Calibration.BusRange;
        _stock.PgaSensitivity = Calibration.Pga;
        _stock.BusAdcResolutionOrSamples = Options.Adc;

        // Not _stock.ShuntAdcResolutionOrSamples: in Iot.Device.Bindings 4.2.0 its setter shifts the
        // (already positioned) SADC value left by 4, into the BADC field. The enum values are
        // the SADC bits in place (bits 6-3), so they go in unshifted.
        ushort config = ReadRegister(Ina219Register.Configuration);
        config = (ushort)((config & ~(ushort)Ina219Bits.ShuntAdcMask) | ((ushort)Options.Adc & (ushort)Ina219Bits.ShuntAdcMask));
        WriteRegister(Ina219Register.Configuration, config);

        _stock.OperatingMode = Ina219OperatingMode.ShuntAndBusContinuous;
        _stock.SetCalibration(Calibration.Register, (float)Calibration.CurrentLsbA);
    }

    private bool Fail(string why)
    {
        LastFailure = why;
        return false;
    }

    // Reads need no delay: in continuous mode the data registers always hold the last finished
    // conversion, and reading does not start a new one (SBOS448G 8.3.1).
    private ushort ReadRegister(Ina219Register register)
    {
        Span<byte> pointer = [(byte)register];
        Span<byte> value = stackalloc byte[2];
        _device.WriteRead(pointer, value);
        return BinaryPrimitives.ReadUInt16BigEndian(value);
    }

    private void WriteRegister(Ina219Register register, ushort value)
    {
        Span<byte> buffer = stackalloc byte[3];
        buffer[0] = (byte)register;
        BinaryPrimitives.WriteUInt16BigEndian(buffer[1..], value);
        _device.Write(buffer);
    }
}
