using MicroMarket.Hardware.Fakes;
using MicroMarket.Hardware.Meters;
using UnitsNet;
using Xunit;

namespace MicroMarket.Hardware.Tests;

public sealed class Ina236Tests
{
    // INA236 datasheet SBOSA81D, 8.2.2.5 Table 8-4: 8 mΩ shunt, CURRENT_LSB 500 µA, SHUNT_CAL 1280,
    // 6 A at 12 V: shunt 4B00h, bus 1D4Ch, current 2EE0h, power 1194h (72 W).
    [Fact]
    public void CalibrationFollowsTheDatasheetExample()
    {
        // 10 A / 2^15 = 305 µA, rounded up the 1-2-5 series to the example's 500 µA.
        Ina236Calibration cal = Ina236Calibration.For(shuntOhms: 0.008, maxExpectedCurrentA: 10);

        Assert.Equal(1280, cal.Register);
        Assert.Equal(500e-6, cal.CurrentLsbA, 12);
        Assert.Equal(16e-3, cal.PowerLsbW, 12);
    }

    [Fact]
    public void SimulatorAndMeterReproduceTheDatasheetRegisterTable()
    {
        var chip = new SimulatedIna236();
        using var meter = new Ina236Meter(chip, new Ina236Options(0.008, 10, AveragingSamples: 1));
        chip.SetLoad(6, 0.008, 12);

        Assert.Equal(0x4127, chip.Peek((byte)Ina236Register.Configuration));
        Assert.Equal(0x0500, chip.Peek((byte)Ina236Register.Calibration));
        Assert.Equal(0x4B00, chip.Peek((byte)Ina236Register.ShuntVoltage));
        Assert.Equal(0x1D4C, chip.Peek((byte)Ina236Register.BusVoltage));
        Assert.Equal(0x2EE0, chip.Peek((byte)Ina236Register.Current));
        Assert.Equal(0x1194, chip.Peek((byte)Ina236Register.Power));

        Assert.True(meter.TryRead(out PowerReading reading));
        Assert.Equal(6, reading.CurrentA, 9);
        Assert.Equal(12, reading.VoltageV, 9);
        Assert.Equal(72, reading.PowerW, 9);
    }

    [Fact]
    public void NegativeCurrentIsReadAsExport()
    {
        var chip = new SimulatedIna236();
        using var meter = new Ina236Meter(chip, new Ina236Options(0.008, 10));
        chip.SetLoad(-6, 0.008, 12);

        Assert.True(meter.TryRead(out PowerReading reading));
        Assert.Equal(-6, reading.CurrentA, 9);
        Assert.Equal(-72, reading.PowerW, 9);
        Assert.True(meter.TryReadShuntVoltage(out double shuntV));
        Assert.Equal(-0.048, shuntV, 9);
    }

    [Fact]
    public void StockBindingReadsCurrentSignedButShuntVoltageUnsigned()
    {
        // What we checked in Iot.Device.Bindings 4.2.0 before deciding what to take from it.
        var chip = new SimulatedIna236();
        var stock = new Iot.Device.Adc.Ina236(chip, ElectricResistance.FromMilliohms(8), ElectricCurrent.FromAmperes(8.192));
        chip.SetLoad(-6, 0.008, 12);

        // Its calibration uses CURRENT_LSB = 2 × I_max / 2^15: asked for 8.192 A it takes 500 µA,
        // the LSB that Equation 2 gives for 16.384 A.
        ushort stockCal = chip.Peek((byte)Ina236Register.Calibration);
        Assert.Equal(1280, stockCal);
        double stockLsb = 0.00512 / 0.008 / stockCal;

        Assert.Equal((short)chip.Peek((byte)Ina236Register.Current) * stockLsb, stock.ReadCurrent().Amperes, 9);
        Assert.True(stock.ReadCurrent().Amperes < 0);
        Assert.Equal(0xB500 * 2.5e-6, stock.ReadShuntVoltage().Volts, 9); // +0.116 V for -0.048 V
        Assert.True(stock.ReadPower().Watts > 0);
    }

    [Fact]
    public void RejectsAChipThatIsNotAnIna236()
    {
        var notIna236 = new SimulatedIna219();
        Assert.Throws<InvalidOperationException>(() => new Ina236Meter(notIna236, new Ina236Options()));
    }

    [Fact]
    public void BrownOutIsDetectedAndTheCalibrationRestored()
    {
        var chip = new SimulatedIna236();
        using var meter = new Ina236Meter(chip, new Ina236Options(0.008, 10, AveragingSamples: 64));
        chip.SetLoad(2, 0.008, 24);

        chip.PowerCycle();

        Assert.False(meter.TryRead(out _));
        Assert.True(meter.TryRead(out PowerReading reading));
        Assert.Equal(2, reading.CurrentA, 9);
        Assert.Equal(3, (chip.Peek((byte)Ina236Register.Configuration) >> 9) & 0b111); // AVG = 64 restored
    }

    [Fact]
    public void GivenDeviceIsNotDisposed()
    {
        var chip = new SimulatedIna236();
        new Ina236Meter(chip, new Ina236Options()).Dispose();
        Assert.False(chip.IsDisposed);
    }
}
