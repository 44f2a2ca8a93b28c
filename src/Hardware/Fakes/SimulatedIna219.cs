using System.Device.I2c;
using MicroMarket.Hardware.Meters;

namespace MicroMarket.Hardware.Fakes;

/// <summary>
/// An INA219 register map (datasheet SBOS448G) behind the I2C protocol. The analog side is set
/// in volts; the registers are what the chip would compute from it:
/// shunt = round(V_shunt / 10 µV) clipped to the PGA range; bus = round(V_bus / 4 mV) &lt;&lt; 3;
/// current = shunt × Cal / 4096 (Equation 4, truncated); power = |current| × bus / 5000 (Equation 5).
/// Checked against the datasheet's worked example (8.5.1, Table 3 of rev F): 10 A through 2 mΩ at 12 V.
/// </summary>
/// <remarks>
/// Not modelled: conversion timing (results are immediate), CNVR (reads 0, as in the worked
/// example's bus register 5D98h), ADC noise and averaging, triggered and power-down modes.
/// </remarks>
public sealed class SimulatedIna219 : SimulatedShuntMonitor
{
    /// <summary>Configuration register after power-on or reset.</summary>
    public const ushort ConfigurationResetValue = 0x399F;

    private ushort _configuration = ConfigurationResetValue;
    private ushort _calibration;

    /// <summary>Creates the chip at a bus and address (INA219 addresses are 0x40-0x4F).</summary>
    public SimulatedIna219(I2cConnectionSettings settings)
        : base(settings)
    {
    }

    /// <summary>Creates the chip at I2C bus 1, address 0x40 (A0 and A1 to GND).</summary>
    public SimulatedIna219()
        : this(new I2cConnectionSettings(1, 0x40))
    {
    }

    /// <inheritdoc />
    protected override ushort ReadRegister(byte address)
    {
        return (Ina219Register)address switch
        {
            Ina219Register.Configuration => _configuration,
            Ina219Register.ShuntVoltage => (ushort)ShuntRaw(),
            Ina219Register.BusVoltage => BusRegister(),
            Ina219Register.Power => (ushort)Math.Min(PowerRaw(), 0xFFFF),
            Ina219Register.Current => (ushort)(short)Math.Clamp(CurrentRaw(), short.MinValue, short.MaxValue),
            Ina219Register.Calibration => _calibration,
            _ => 0,
        };
    }

    /// <inheritdoc />
    protected override void WriteRegister(byte address, ushort value)
    {
        switch ((Ina219Register)address)
        {
            case Ina219Register.Configuration when (value & (ushort)Ina219Bits.Reset) != 0:
                ResetRegisters();
                break;
            case Ina219Register.Configuration:
                _configuration = value;
                break;
            case Ina219Register.Calibration:
                // FS0 (bit 0) is not used and reads 0 (8.6.4.1).
                _calibration = (ushort)(value & 0xFFFE);
                break;
        }
    }

    /// <inheritdoc />
    protected override void ResetRegisters()
    {
        _configuration = ConfigurationResetValue;
        _calibration = 0;
    }

    private short ShuntRaw()
    {
        // PG bits 12-11 divide the ±320 mV range by 1, 2, 4 or 8 (8.3.1.2); the register holds
        // ±4000 × 2^PG counts of 10 µV, sign-extended.
        int pg = (_configuration >> 11) & 0b11;
        int limit = 4000 << pg;
        return (short)Math.Clamp((int)Math.Round(ShuntV / Ina219Calibration.ShuntVoltageLsbV), -limit, limit);
    }

    private int BusCounts()
    {
        // BRNG (bit 13): 16 V or 32 V full scale, 4 mV per count.
        int limit = (_configuration & 0x2000) != 0 ? 8000 : 4000;
        return Math.Clamp((int)Math.Round(BusV / Ina219Calibration.BusVoltageLsbV), 0, limit);
    }

    private long CurrentRaw()
    {
        return (long)ShuntRaw() * _calibration / 4096;
    }

    private long PowerRaw()
    {
        return Math.Abs(CurrentRaw()) * BusCounts() / 5000;
    }

    private ushort BusRegister()
    {
        long current = CurrentRaw();
        bool overflow = current is > short.MaxValue or < short.MinValue || PowerRaw() > 0xFFFF;
        return (ushort)((BusCounts() << 3) | (overflow ? (int)Ina219Bits.MathOverflow : 0));
    }
}
