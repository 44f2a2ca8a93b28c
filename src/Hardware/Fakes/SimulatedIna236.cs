using System.Device.I2c;
using MicroMarket.Hardware.Meters;

namespace MicroMarket.Hardware.Fakes;

/// <summary>
/// An INA236 register map (datasheet SBOSA81D) behind the I2C protocol. From the analog side:
/// shunt = round(V_shunt / LSB) with LSB 2.5 µV (ADCRANGE = 0, ±81.92 mV) or 625 nV (ADCRANGE = 1,
/// ±20.48 mV); bus = round(V_bus / 1.6 mV); current = shunt × SHUNT_CAL / 2048;
/// power = |current| × bus / 20000. Checked against the datasheet's worked example
/// (8.2.2.5, Table 8-4): 6 A through 8 mΩ at 12 V, SHUNT_CAL 1280.
/// </summary>
/// <remarks>Not modelled: conversion timing, averaging, alerts and the Mask/Enable flags.</remarks>
public sealed class SimulatedIna236 : SimulatedShuntMonitor
{
    /// <summary>Configuration register after power-on or reset.</summary>
    public const ushort ConfigurationResetValue = 0x4127;

    /// <summary>Manufacturer ID register content, "TI".</summary>
    public const ushort ManufacturerIdValue = 0x5449;

    /// <summary>Device ID register content: die ID A08h, revision 0.</summary>
    public const ushort DeviceIdValue = 0xA080;

    private ushort _configuration = ConfigurationResetValue;
    private ushort _calibration;
    private ushort _maskEnable;
    private ushort _alertLimit;

    /// <summary>Creates the chip at a bus and address (INA236A: 0x40-0x43, INA236B: 0x44-0x47).</summary>
    public SimulatedIna236(I2cConnectionSettings settings)
        : base(settings)
    {
    }

    /// <summary>Creates the chip at I2C bus 1, address 0x40.</summary>
    public SimulatedIna236()
        : this(new I2cConnectionSettings(1, 0x40))
    {
    }

    /// <inheritdoc />
    protected override ushort ReadRegister(byte address)
    {
        return (Ina236Register)address switch
        {
            Ina236Register.Configuration => _configuration,
            Ina236Register.ShuntVoltage => (ushort)ShuntRaw(),
            Ina236Register.BusVoltage => (ushort)BusCounts(),
            Ina236Register.Power => (ushort)Math.Min(Math.Abs(CurrentRaw()) * BusCounts() / 20000, 0xFFFF),
            Ina236Register.Current => (ushort)(short)Math.Clamp(CurrentRaw(), short.MinValue, short.MaxValue),
            Ina236Register.Calibration => _calibration,
            Ina236Register.MaskEnable => _maskEnable,
            Ina236Register.AlertLimit => _alertLimit,
            Ina236Register.ManufacturerId => ManufacturerIdValue,
            Ina236Register.DeviceId => DeviceIdValue,
            _ => 0,
        };
    }

    /// <inheritdoc />
    protected override void WriteRegister(byte address, ushort value)
    {
        switch ((Ina236Register)address)
        {
            case Ina236Register.Configuration when (value & 0x8000) != 0:
                ResetRegisters();
                break;
            case Ina236Register.Configuration:
                _configuration = value;
                break;
            case Ina236Register.Calibration:
                _calibration = value;
                break;
            case Ina236Register.MaskEnable:
                _maskEnable = value;
                break;
            case Ina236Register.AlertLimit:
                _alertLimit = value;
                break;
        }
    }

    /// <inheritdoc />
    protected override void ResetRegisters()
    {
        _configuration = ConfigurationResetValue;
        _calibration = 0;
        _maskEnable = 0;
        _alertLimit = 0;
    }

    private short ShuntRaw()
    {
        bool fineRange = (_configuration & 0x1000) != 0;
        double lsb = fineRange ? 625e-9 : Ina236Calibration.ShuntVoltageLsbV;
        return (short)Math.Clamp((int)Math.Round(ShuntV / lsb), -32768, 32767);
    }

    private int BusCounts()
    {
        return Math.Clamp((int)Math.Round(BusV / Ina236Calibration.BusVoltageLsbV), 0, 0x7FFF);
    }

    private long CurrentRaw()
    {
        return (long)ShuntRaw() * _calibration / 2048;
    }
}
