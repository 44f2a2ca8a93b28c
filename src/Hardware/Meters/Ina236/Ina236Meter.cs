using System.Device.I2c;
using System.Diagnostics.CodeAnalysis;
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
public sealed class Ina236Meter : InaMeter
{
    private readonly I2cDevice _device;

    /// <summary>Resets the chip, checks its ID, and programs averaging and SHUNT_CAL.</summary>
    /// <param name="device">The I2C device at the INA236's address (0x40-0x47).</param>
    /// <param name="options">Shunt and averaging settings.</param>
    /// <param name="shouldDispose">True to dispose <paramref name="device"/> with this meter.</param>
    /// <exception cref="InvalidOperationException">The device ID is not an INA236's.</exception>
    public Ina236Meter(I2cDevice device, Ina236Options options, bool shouldDispose = false)
        : base(device, shouldDispose, "INA236")
    {
        ArgumentNullException.ThrowIfNull(options);
        _device = device;
        Options = options;
        Calibration = Ina236Calibration.For(options.ShuntOhms, options.MaxExpectedCurrentA);
        Configure();
    }

    /// <summary>Settings this meter was built with.</summary>
    public Ina236Options Options { get; }

    /// <summary>The calibration programmed into the chip.</summary>
    public Ina236Calibration Calibration { get; }

    protected override ushort CalibrationValue => Calibration.Register;

    protected override string CalibrationName => "SHUNT_CAL";

    protected override double CurrentLsbA => Calibration.CurrentLsbA;

    /// <summary>2.5 µV per count (ADCRANGE = 0).</summary>
    protected override double ShuntVoltageLsbV => Ina236Calibration.ShuntVoltageLsbV;

    protected override bool TryReadBusVoltage(out double voltageV, [NotNullWhen(false)] out string? failure)
    {
        voltageV = (ReadRegister((byte)Ina236Register.BusVoltage) & 0x7FFF) * Ina236Calibration.BusVoltageLsbV;
        failure = null;
        return true;
    }

    protected override void Configure()
    {
        // The binding's constructor resets the chip and throws unless the device ID reads A08xh.
        // Its own SHUNT_CAL is overwritten below.
        var stock = new StockIna236(_device, ElectricResistance.FromOhms(Options.ShuntOhms), ElectricCurrent.FromAmperes(Options.MaxExpectedCurrentA));
        stock.AverageOverNoSamples = Options.AveragingSamples;
        stock.OperatingMode = Ina236OperatingMode.ContinuousShuntAndBusVoltage;
        WriteRegister((byte)Ina236Register.Calibration, Calibration.Register);
    }
}
