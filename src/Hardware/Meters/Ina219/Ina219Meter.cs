using System.Device.I2c;
using System.Diagnostics.CodeAnalysis;
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
public sealed class Ina219Meter : InaMeter
{
    private readonly StockIna219 _stock;

    /// <summary>Configures the chip and programs its calibration.</summary>
    /// <param name="device">The I2C device at the INA219's address.</param>
    /// <param name="options">Shunt and range settings.</param>
    /// <param name="shouldDispose">True to dispose <paramref name="device"/> with this meter (the caller created it for us).</param>
    public Ina219Meter(I2cDevice device, Ina219Options options, bool shouldDispose = false)
        : base(device, shouldDispose, "INA219")
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Calibration = Ina219Calibration.For(options.ShuntOhms, options.MaxExpectedCurrentA, options.MaxBusVoltageV);

        // The stock binding is given our device and never disposes a device it was given.
        _stock = new StockIna219(device);
        Configure();
    }

    /// <summary>Settings this meter was built with.</summary>
    public Ina219Options Options { get; }

    /// <summary>The calibration programmed into the chip.</summary>
    public Ina219Calibration Calibration { get; }

    protected override ushort CalibrationValue => Calibration.Register;

    protected override string CalibrationName => "calibration register";

    protected override double CurrentLsbA => Calibration.CurrentLsbA;

    protected override double ShuntVoltageLsbV => Ina219Calibration.ShuntVoltageLsbV;

    protected override bool TryReadBusVoltage(out double voltageV, [NotNullWhen(false)] out string? failure)
    {
        ushort bus = ReadRegister((byte)Ina219Register.BusVoltage);
        voltageV = (bus >> 3) * Ina219Calibration.BusVoltageLsbV;
        failure = (bus & (ushort)Ina219Bits.MathOverflow) != 0
            ? "math overflow (OVF): current or power out of range for this calibration"
            : null;
        return failure is null;
    }

    protected override void Configure()
    {
        _stock.Reset();
        _stock.BusVoltageRange = Calibration.BusRange;
        _stock.PgaSensitivity = Calibration.Pga;
        _stock.BusAdcResolutionOrSamples = Options.Adc;

        // Not _stock.ShuntAdcResolutionOrSamples: in Iot.Device.Bindings 4.2.0 its setter shifts the
        // (already positioned) SADC value left by 4, into the BADC field. The enum values are
        // the SADC bits in place (bits 6-3), so they go in unshifted.
        ushort config = ReadRegister((byte)Ina219Register.Configuration);
        config = (ushort)((config & ~(ushort)Ina219Bits.ShuntAdcMask) | ((ushort)Options.Adc & (ushort)Ina219Bits.ShuntAdcMask));
        WriteRegister((byte)Ina219Register.Configuration, config);

        _stock.OperatingMode = Ina219OperatingMode.ShuntAndBusContinuous;
        _stock.SetCalibration(Calibration.Register, (float)Calibration.CurrentLsbA);
    }
}
