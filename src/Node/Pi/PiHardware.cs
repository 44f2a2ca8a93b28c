using MicroMarket.Hardware.Configuration;
using MicroMarket.Scenarios.Deployment;

namespace MicroMarket.Node.Pi;

/// <summary>The hardware options of a Pi unit, from its configuration.</summary>
internal static class PiHardware
{
    public static HardwareOptions Options(PiHardwareSettings s) => new()
    {
        Driver = HardwareOptions.ParseDriver(s.Driver),
        GpioChip = s.GpioChip,
        RelayPin = s.RelayPin,
        RelayActiveLow = s.RelayActiveLow,
        Meter = HardwareOptions.ParseMeterKind(s.Meter),
        I2cBus = s.I2cBus,
        I2cAddress = s.I2cAddress,
        ShuntOhms = s.ShuntOhms,
        MaxExpectedCurrentA = s.MaxCurrentA,
        SpiBus = s.SpiBus,
        SpiChipSelect = s.SpiChipSelect,
    };
}
