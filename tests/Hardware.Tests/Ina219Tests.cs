using System.Device.I2c;
using Iot.Device.Adc;
using MicroMarket.Hardware.Fakes;
using MicroMarket.Hardware.Meters;
using Xunit;

namespace MicroMarket.Hardware.Tests;

public sealed class Ina219Tests
{
    // INA219 datasheet (SBOS448G 8.5.1; rev F Table 3 "Configure/Measure/Calculate Example"):
    // 10 A load, 12 V common mode, 2 mΩ shunt, 40 mV shunt range, 16 V bus range.
    private static readonly Ina219Options DatasheetExample = new(ShuntOhms: 0.002, MaxExpectedCurrentA: 20, MaxBusVoltageV: 16);

    [Fact]
    public void CalibrationFollowsTheDatasheetFor32V2AAndPointOneOhm()
    {
        // Equation 2: min LSB = 2 A / 2^15 = 61 µA; rounded to 100 µA.
        // Equation 1: Cal = trunc(0.04096 / (100 µA × 0.1 Ω)) = 4096. Power LSB = 20 × 100 µA = 2 mW.
        Ina219Calibration cal = Ina219Calibration.For(shuntOhms: 0.1, maxExpectedCurrentA: 2, maxBusVoltageV: 32);

        Assert.Equal(4096, cal.Register);
        Assert.Equal(100e-6, cal.CurrentLsbA, 12);
        Assert.Equal(2e-3, cal.PowerLsbW, 12);
        Assert.Equal(Ina219PgaSensitivity.PlusOrMinus320mv, cal.Pga);
        Assert.Equal(Ina219BusVoltageRange.Range32v, cal.BusRange);
    }

    [Fact]
    public void CalibrationFollowsTheDatasheetWorkedExample()
    {
        Ina219Calibration cal = Ina219Calibration.For(0.002, 20, 16);

        Assert.Equal(20480, cal.Register); // 5000h
        Assert.Equal(1e-3, cal.CurrentLsbA, 12);
        Assert.Equal(Ina219PgaSensitivity.PlusOrMinus40mv, cal.Pga);
        Assert.Equal(Ina219BusVoltageRange.Range16v, cal.BusRange);
    }

    [Fact]
    public void CalibrationRejectsACurrentBeyondTheShuntRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Ina219Calibration.For(0.1, 4));
    }

    [Fact]
    public void SimulatorAndMeterReproduceTheDatasheetRegisterTable()
    {
        var chip = new SimulatedIna219();
        using var meter = new Ina219Meter(chip, DatasheetExample);
        chip.SetShuntVoltage(0.020);
        chip.SetBusVoltage(11.98);

        Assert.Equal(0x019F, chip.Peek((byte)Ina219Register.Configuration));
        Assert.Equal(0x07D0, chip.Peek((byte)Ina219Register.ShuntVoltage));
        Assert.Equal(0x5D98, chip.Peek((byte)Ina219Register.BusVoltage));
        Assert.Equal(0x5000, chip.Peek((byte)Ina219Register.Calibration));
        Assert.Equal(0x2710, chip.Peek((byte)Ina219Register.Current));
        Assert.Equal(0x1766, chip.Peek((byte)Ina219Register.Power));

        Assert.True(meter.TryRead(out PowerReading reading));
        Assert.Equal(10.0, reading.CurrentA, 9);
        Assert.Equal(11.98, reading.VoltageV, 9);
        Assert.Equal(119.8, reading.PowerW, 9);
    }

    [Fact]
    public void NegativeCurrentIsReadAsExport()
    {
        var chip = new SimulatedIna219();
        using var meter = new Ina219Meter(chip, new Ina219Options(ShuntOhms: 0.1, MaxExpectedCurrentA: 2));
        chip.SetLoad(currentA: -1.5, shuntOhms: 0.1, busVoltageV: 12);

        Assert.True(meter.TryRead(out PowerReading reading));
        Assert.Equal(-1.5, reading.CurrentA, 9);
        Assert.Equal(12, reading.VoltageV, 9);
        Assert.Equal(-18, reading.PowerW, 9);
        Assert.True(meter.TryReadShuntVoltage(out double shuntV));
        Assert.Equal(-0.150, shuntV, 9);
    }

    [Fact]
    public void StockBindingMisreadsNegativeCurrentAsAHugePositiveOne()
    {
        // Documents why Ina219Meter reads the registers itself: Iot.Device.Bindings 4.2.0 turns the
        // signed current register (-15000 = C568h) into +50536 counts, so -1.5 A reads +5053.6 A.
        var chip = new SimulatedIna219();
        using (new Ina219Meter(chip, new Ina219Options(0.1, 2)))
        {
            chip.SetLoad(-1.5, 0.1, 12);
        }

        using var stock = new Iot.Device.Adc.Ina219(chip);
        stock.SetCalibration(4096, 100e-6f);

        Assert.Equal(0xC568, chip.Peek((byte)Ina219Register.Current));
        Assert.Equal(50536 * 100e-6f, stock.ReadCurrent().Amperes, 3);
        Assert.Equal(50536 * 10e-6, stock.ReadShuntVoltage().Volts, 9);
    }

    [Fact]
    public void StockShuntAdcSetterWritesIntoTheBusAdcField()
    {
        // Documents why Ina219Meter sets SADC itself: the 4.2.0 setter shifts the in-place
        // SADC bits (6-3) by 4 more, into BADC (10-7).
        var chip = new SimulatedIna219();
        using var stock = new Iot.Device.Adc.Ina219(chip);
        stock.Reset();
        stock.ShuntAdcResolutionOrSamples = Ina219AdcResolutionOrSamples.Adc128Sample;

        ushort config = chip.Peek((byte)Ina219Register.Configuration);
        Assert.Equal(0, config & (ushort)Ina219Bits.ShuntAdcMask);
        Assert.Equal(0x0780, config & (ushort)Ina219Bits.BusAdcMask);
    }

    [Fact]
    public void MeterProgramsAveragingIntoBothAdcFields()
    {
        var chip = new SimulatedIna219();
        using var meter = new Ina219Meter(chip, new Ina219Options(Adc: Ina219AdcResolutionOrSamples.Adc128Sample));

        ushort config = chip.Peek((byte)Ina219Register.Configuration);
        Assert.Equal(0x78, config & (ushort)Ina219Bits.ShuntAdcMask);
        Assert.Equal(0x780, config & (ushort)Ina219Bits.BusAdcMask);
    }

    [Fact]
    public void BrownOutIsDetectedAndTheCalibrationRestored()
    {
        var chip = new SimulatedIna219();
        using var meter = new Ina219Meter(chip, new Ina219Options(0.1, 2));
        chip.SetLoad(1, 0.1, 5);

        chip.PowerCycle();

        Assert.False(meter.TryRead(out _));
        Assert.Contains("reset", meter.LastFailure, StringComparison.Ordinal);
        Assert.Equal(1, meter.Reconfigurations);
        Assert.True(meter.TryRead(out PowerReading reading));
        Assert.Equal(1, reading.CurrentA, 9);
        Assert.Null(meter.LastFailure);
    }

    [Fact]
    public void OverflowAndBusFailuresAreFailedReadsNotNumbers()
    {
        var chip = new SimulatedIna219();
        // 0.65 A max: 80 mV range (0.8 A full scale) but a 20 µA LSB, so 15 bits end at 0.655 A.
        using var meter = new Ina219Meter(chip, new Ina219Options(0.1, 0.65));
        chip.SetLoad(0.75, 0.1, 12);
        Assert.False(meter.TryRead(out _));
        Assert.Contains("overflow", meter.LastFailure, StringComparison.Ordinal);

        chip.SetLoad(0.5, 0.1, 12);
        Assert.True(meter.TryRead(out PowerReading ok));
        Assert.Equal(0.5, ok.CurrentA, 9);

        chip.Disconnected = true;
        Assert.False(meter.TryRead(out _));
        Assert.Contains("I2C", meter.LastFailure, StringComparison.Ordinal);

        chip.Disconnected = false;
        Assert.True(meter.TryRead(out _));
    }

    [Fact]
    public void GivenDeviceIsNotDisposedOwnedDeviceIs()
    {
        var given = new SimulatedIna219();
        new Ina219Meter(given, new Ina219Options()).Dispose();
        Assert.False(given.IsDisposed);

        var owned = new SimulatedIna219(new I2cConnectionSettings(1, 0x41));
        new Ina219Meter(owned, new Ina219Options(), shouldDispose: true).Dispose();
        Assert.True(owned.IsDisposed);
    }
}
