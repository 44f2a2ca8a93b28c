using System.Buffers.Binary;
using System.Device.I2c;
using Iot.Device.Adc;
using UnitsNet;
using StockIna236 = Iot.Device.Adc.Ina236;

namespace MicroMarket.Hardware.Meters;

/// <summary>Settings for an <see cref="Ina236Meter"/>.</summary>
/// <param name="ShuntOhms">Shunt resistance (8 mΩ on the datasheet's example and common boards).</param>
/// <param name="MaxExpectedCurrentA">Largest current magnitude, import or export.</param>
/// <param name="AveragingSamples">Samples averaged per result: 1, 4, 16, 64, 128, 256, 512 or 1024.</param>
public sealed record Ina236Options(
    double ShuntOhms = 0.008,
    double MaxExpectedCurrentA = 10,
    uint AveragingSamples = 16);

/// <summary>
/// A DC power meter on a TI INA236 (I2C, ±81.92 mV shunt range, 48 V bus).
/// Iot.Device.Bindings 4.2.0 has an <see cref="StockIna236"/> binding. Checked against it:
/// its current register read is signed (right), its shunt voltage read is unsigned (wrong for
/// export), its power register read is unsigned (right: the register is a magnitude, so the sign
/// is lost), and its calibration takes CURRENT_LSB = 2 × I_max / 2^15, twice the datasheet's
/// Equation 2, with no rounding to a round LSB. We use it for the
/// reset and device-ID check and the averaging setting, then program SHUNT_CAL and read the data
/// registers ourselves. The binding disposes the I2C device even when it was given one, so this
/// meter never disposes the binding.
/// </summary>
public sealed class Ina236Meter : IPowerMeter
{
    private readonly I2cDevice _device;
    private readonly bool _shouldDispose;
    private bool _disposed;

    /// <summary>Resets the chip, checks its ID, and programs averaging and SHUNT_CAL.</summary>
    /// <param name="device">The I2C device at the INA236's address (0x40-0x47).</param>
    /// <param name="options">Shunt and averaging settings.</param>
    /// <param name="shouldDispose">True to dispose <paramref name="device"/> with this meter.</param>
    /// <exception cref="InvalidOperationException">The device ID is not an INA236's.</exception>
    public Ina236Meter(I2cDevice device, Ina236Options options, bool shouldDispose = false)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(options);
        _device = device;
        _shouldDispose = shouldDispose;
        Options = options;
        Calibration = Ina236Calibration.For(options.ShuntOhms, options.MaxExpectedCurrentA);
        Description = $"INA236 @ I2C bus {device.ConnectionSettings.BusId}, 0x{device.ConnectionSettings.DeviceAddress:X2}";
        Configure();
    }

    /// <summary>Settings this meter was built with.</summary>
    public Ina236Options Options { get; }

    /// <summary>The calibration programmed into the chip.</summary>
    public Ina236Calibration Calibration { get; }

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
            if (ReadRegister(Ina236Register.Calibration) != Calibration.Register)
            {
                Configure();
                Reconfigurations++;
                return Fail("SHUNT_CAL lost (chip reset); reprogrammed, next read is valid");
            }

            double voltageV = (ReadRegister(Ina236Register.BusVoltage) & 0x7FFF) * Ina236Calibration.BusVoltageLsbV;
            double currentA = (short)ReadRegister(Ina236Register.Current) * Calibration.CurrentLsbA;
            reading = new PowerReading(voltageV * currentA, voltageV, currentA);
            LastFailure = null;
            return true;
        }
        catch (IOException ex)
        {
            return Fail($"I2C transfer failed: {ex.Message}");
        }
    }

    /// <summary>Reads the shunt voltage register as signed, 2.5 µV per LSB (ADCRANGE = 0).</summary>
    public bool TryReadShuntVoltage(out double shuntV)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            shuntV = (short)ReadRegister(Ina236Register.ShuntVoltage) * Ina236Calibration.ShuntVoltageLsbV;
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
        // The binding's constructor resets the chip and throws unless the device ID reads A08xh.
        // Its own SHUNT_CAL is overwritten below.
        var stock = new StockIna236(_device, ElectricResistance.FromOhms(Options.ShuntOhms), ElectricCurrent.FromAmperes(Options.MaxExpectedCurrentA));
        stock.AverageOverNoSamples = Options.AveragingSamples;
        stock.OperatingMode = Ina236OperatingMode.ContinuousShuntAndBusVoltage;
        WriteRegister(Ina236Register.Calibration, Calibration.Register);
    }

    private bool Fail(string why)
    {
        LastFailure = why;
        return false;
    }

    private ushort ReadRegister(Ina236Register register)
    {
        Span<byte> pointer = [(byte)register];
        Span<byte> value = stackalloc byte[2];
        _device.WriteRead(pointer, value);
        return BinaryPrimitives.ReadUInt16BigEndian(value);
    }

    private void WriteRegister(Ina236Register register, ushort value)
    {
        Span<byte> buffer = stackalloc byte[3];
        buffer[0] = (byte)register;
        BinaryPrimitives.WriteUInt16BigEndian(buffer[1..], value);
        _device.Write(buffer);
    }
}
