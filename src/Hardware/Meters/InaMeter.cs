using System.Buffers.Binary;
using System.Device.I2c;
using System.Diagnostics.CodeAnalysis;

namespace MicroMarket.Hardware.Meters;

/// <summary>
/// What the TI INA2xx shunt monitors (<see cref="Ina219Meter"/>, <see cref="Ina236Meter"/>) read
/// alike: 16-bit big-endian registers behind an 8-bit pointer, the shunt voltage at 01h and the
/// current at 04h (both two's complement), and a calibration register at 05h that a brown-out
/// clears. A reading checks the calibration first and reprograms a reset chip, then takes bus
/// voltage and signed current from the same conversion; power is their product, because the
/// chips' power registers are magnitudes and lose the direction of flow.
/// </summary>
public abstract class InaMeter : IPowerMeter
{
    private const byte ShuntVoltageRegister = 0x01;
    private const byte CurrentRegister = 0x04;
    private const byte CalibrationRegister = 0x05;

    private readonly I2cDevice _device;
    private readonly bool _shouldDispose;
    private bool _disposed;

    /// <param name="device">The I2C device at the chip's address.</param>
    /// <param name="shouldDispose">True to dispose <paramref name="device"/> with this meter (the caller created it for us).</param>
    /// <param name="chip">The chip's name, for <see cref="Description"/>.</param>
    protected InaMeter(I2cDevice device, bool shouldDispose, string chip)
    {
        ArgumentNullException.ThrowIfNull(device);
        _device = device;
        _shouldDispose = shouldDispose;
        Description = $"{chip} @ I2C bus {device.ConnectionSettings.BusId}, 0x{device.ConnectionSettings.DeviceAddress:X2}";
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public string? LastFailure { get; private set; }

    /// <summary>How many times the chip was found reset (brown-out) and reprogrammed.</summary>
    public int Reconfigurations { get; private set; }

    /// <summary>The value programmed into the calibration register.</summary>
    protected abstract ushort CalibrationValue { get; }

    /// <summary>The calibration register's name in the chip's datasheet, for failure messages.</summary>
    protected abstract string CalibrationName { get; }

    /// <summary>Amperes per count of the current register.</summary>
    protected abstract double CurrentLsbA { get; }

    /// <summary>Volts per count of the shunt voltage register.</summary>
    protected abstract double ShuntVoltageLsbV { get; }

    /// <inheritdoc />
    public bool TryRead(out PowerReading reading)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        reading = default;
        try
        {
            // A brown-out resets the chip: calibration goes to 0 and the current register with it.
            // Reprogram, and skip this sample, as the next conversion has not happened yet.
            if (ReadRegister(CalibrationRegister) != CalibrationValue)
            {
                Configure();
                Reconfigurations++;
                return Fail($"{CalibrationName} lost (chip reset); reprogrammed, next read is valid");
            }

            if (!TryReadBusVoltage(out double voltageV, out string? failure))
            {
                return Fail(failure);
            }

            double currentA = (short)ReadRegister(CurrentRegister) * CurrentLsbA;
            reading = new PowerReading(voltageV * currentA, voltageV, currentA);
            LastFailure = null;
            return true;
        }
        catch (IOException ex)
        {
            return Fail($"I2C transfer failed: {ex.Message}");
        }
    }

    /// <summary>Reads the shunt voltage register as the datasheet defines it: signed.</summary>
    public bool TryReadShuntVoltage(out double shuntV)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            shuntV = (short)ReadRegister(ShuntVoltageRegister) * ShuntVoltageLsbV;
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

    /// <summary>Resets and programs the chip: ranges, averaging, operating mode and <see cref="CalibrationValue"/>.</summary>
    protected abstract void Configure();

    /// <summary>Reads the bus voltage of the last conversion, or says why that conversion cannot be used.</summary>
    protected abstract bool TryReadBusVoltage(out double voltageV, [NotNullWhen(false)] out string? failure);

    // Reads need no delay: in continuous mode the data registers always hold the last finished
    // conversion, and reading does not start a new one.
    protected ushort ReadRegister(byte register)
    {
        Span<byte> pointer = [register];
        Span<byte> value = stackalloc byte[2];
        _device.WriteRead(pointer, value);
        return BinaryPrimitives.ReadUInt16BigEndian(value);
    }

    protected void WriteRegister(byte register, ushort value)
    {
        Span<byte> buffer = stackalloc byte[3];
        buffer[0] = register;
        BinaryPrimitives.WriteUInt16BigEndian(buffer[1..], value);
        _device.Write(buffer);
    }

    private bool Fail(string why)
    {
        LastFailure = why;
        return false;
    }
}
