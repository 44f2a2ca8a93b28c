namespace MicroMarket.Hardware.Meters;

/// <summary>INA236 register pointer addresses (datasheet SBOSA81D, 7.6 "Register Maps").</summary>
public enum Ina236Register : byte
{
    /// <summary>00h, read/write, reset 4127h: bit 15 RST, bit 12 ADCRANGE, 11-9 AVG, 8-6 VBUSCT, 5-3 VSHCT, 2-0 MODE.</summary>
    Configuration = 0x00,

    /// <summary>01h, read-only, two's complement: 2.5 µV/LSB (ADCRANGE=0) or 625 nV/LSB (ADCRANGE=1).</summary>
    ShuntVoltage = 0x01,

    /// <summary>02h, read-only, 1.6 mV/LSB.</summary>
    BusVoltage = 0x02,

    /// <summary>03h, read-only, unsigned: 32 × Current_LSB per LSB.</summary>
    Power = 0x03,

    /// <summary>04h, read-only, two's complement: Current_LSB per LSB.</summary>
    Current = 0x04,

    /// <summary>05h, read/write: SHUNT_CAL.</summary>
    Calibration = 0x05,

    /// <summary>06h, read/write: alert configuration and flags.</summary>
    MaskEnable = 0x06,

    /// <summary>07h, read/write: alert threshold.</summary>
    AlertLimit = 0x07,

    /// <summary>3Eh, read-only: 5449h ("TI").</summary>
    ManufacturerId = 0x3E,

    /// <summary>3Fh, read-only: A080h (die ID A08h, revision 0).</summary>
    DeviceId = 0x3F,
}
