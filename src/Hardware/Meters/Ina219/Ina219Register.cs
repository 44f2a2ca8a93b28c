namespace MicroMarket.Hardware.Meters;

/// <summary>INA219 register pointer addresses (datasheet SBOS448G, 8.6 "Register Maps").</summary>
public enum Ina219Register : byte
{
    /// <summary>00h, read/write, reset 399Fh.</summary>
    Configuration = 0x00,

    /// <summary>01h, read-only, signed, LSB 10 µV, sign-extended for every PGA range.</summary>
    ShuntVoltage = 0x01,

    /// <summary>02h, read-only: bits 15-3 voltage (LSB 4 mV), bit 1 CNVR, bit 0 OVF.</summary>
    BusVoltage = 0x02,

    /// <summary>03h, read-only, unsigned: Current × BusVoltage / 5000, LSB 20 × Current_LSB.</summary>
    Power = 0x03,

    /// <summary>04h, read-only, signed: ShuntVoltage × Calibration / 4096, LSB Current_LSB.</summary>
    Current = 0x04,

    /// <summary>05h, read/write, reset 0: bit 0 is not used.</summary>
    Calibration = 0x05,
}

/// <summary>Bits of the INA219 configuration and bus voltage registers (SBOS448G 8.6.2.1, 8.6.3.2).</summary>
[Flags]
public enum Ina219Bits : ushort
{
    /// <summary>Configuration bit 15: reset all registers; self-clearing.</summary>
    Reset = 0x8000,

    /// <summary>Configuration bits 6-3: shunt ADC resolution/averaging (SADC).</summary>
    ShuntAdcMask = 0x0078,

    /// <summary>Configuration bits 10-7: bus ADC resolution/averaging (BADC).</summary>
    BusAdcMask = 0x0780,

    /// <summary>Bus voltage bit 1: conversion ready.</summary>
    ConversionReady = 0x0002,

    /// <summary>Bus voltage bit 0: math overflow; current and power are then meaningless.</summary>
    MathOverflow = 0x0001,
}
