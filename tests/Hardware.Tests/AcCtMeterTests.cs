using System.Device.Spi;
using MicroMarket.Hardware.Fakes;
using MicroMarket.Hardware.Meters;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace MicroMarket.Hardware.Tests;

public sealed class AcCtMeterTests
{
    private const double Bias = 1.65;
    private const double Omega = 2 * Math.PI * 50;

    // SCT-013-000 (2000:1) into 33 Ω: 10 A RMS → 5 mA → 165 mV RMS on the burden.
    private static readonly AcCtOptions Ct = new() { CurrentChannel = 0, ReferenceChannel = 1, CtTurnsRatio = 2000, BurdenOhms = 33 };

    [Theory]
    [InlineData(10.0, 0.0)]
    [InlineData(10.0, 1.1)]
    [InlineData(3.0, 2.5)]
    public void RmsCurrentAndPowerOfAKnownSineWithNominalVoltage(double irms, double startPhase)
    {
        (FakeTimeProvider clock, SimulatedMcp3008 adc) = Bench();
        adc.SetInput(0, t => Bias + (Ct.BurdenOhms / Ct.CtTurnsRatio * irms * Math.Sqrt(2) * Math.Sin((Omega * t.TotalSeconds) + startPhase)));
        using var meter = new AcCtMeter(adc, Ct, clock);

        Assert.True(meter.TryRead(out PowerReading reading), meter.LastFailure);

        // A 10-bit code is 3.2 mV, 0.2 A here: RMS still comes out within 1 %.
        Assert.Equal(irms, reading.CurrentA, irms * 0.01);
        Assert.Equal(230 * irms, reading.PowerW, 230 * irms * 0.01);
        Assert.Equal(230, reading.VoltageV);
        Assert.InRange(meter.LastSampleCount, 1000, 2000);
    }

    [Fact]
    public void DcOffsetBetweenBiasAndReferenceIsRemoved()
    {
        (FakeTimeProvider clock, SimulatedMcp3008 adc) = Bench();
        adc.SetInput(0, t => Bias + 0.05 + (0.165 * Math.Sqrt(2) * Math.Sin(Omega * t.TotalSeconds)));
        using var meter = new AcCtMeter(adc, Ct, clock);

        Assert.True(meter.TryRead(out PowerReading reading));
        Assert.Equal(10, reading.CurrentA, 0.1);
    }

    [Theory]
    [InlineData(0.0, 2300.0)]
    [InlineData(Math.PI / 3, 1150.0)]
    [InlineData(Math.PI, -2300.0)]
    public void RealPowerFromAVoltageChannelCarriesPhaseAndDirection(double lagRad, double expectedW)
    {
        (FakeTimeProvider clock, SimulatedMcp3008 adc) = Bench();
        var options = Ct with { VoltageChannel = 2, VoltageScale = 230 * Math.Sqrt(2) / 1.0 };
        adc.SetInput(0, t => Bias + (0.165 * Math.Sqrt(2) * Math.Sin((Omega * t.TotalSeconds) - lagRad)));
        adc.SetInput(2, t => Bias + (1.0 * Math.Sin(Omega * t.TotalSeconds)));
        using var meter = new AcCtMeter(adc, options, clock);

        Assert.True(meter.TryRead(out PowerReading reading));
        Assert.Equal(230, reading.VoltageV, 2.3);
        Assert.Equal(10, reading.CurrentA, 0.1);
        Assert.Equal(expectedW, reading.PowerW, 2300 * 0.015);
    }

    [Fact]
    public void InvertCurrentMakesACtOnlyExportUnitNegative()
    {
        (FakeTimeProvider clock, SimulatedMcp3008 adc) = Bench();
        adc.SetInput(0, t => Bias + (0.165 * Math.Sqrt(2) * Math.Sin(Omega * t.TotalSeconds)));
        using var meter = new AcCtMeter(adc, Ct with { InvertCurrent = true }, clock);

        Assert.True(meter.TryRead(out PowerReading reading));
        Assert.Equal(-2300, reading.PowerW, 23.0);
    }

    [Fact]
    public void NoCurrentReadsZeroAndAFrozenClockFailsInsteadOfHanging()
    {
        (FakeTimeProvider clock, SimulatedMcp3008 adc) = Bench();
        adc.SetInput(0, Bias);
        using var meter = new AcCtMeter(adc, Ct, clock);
        Assert.True(meter.TryRead(out PowerReading idle));
        Assert.Equal(0, idle.PowerW);

        clock.AutoAdvanceAmount = TimeSpan.Zero;
        Assert.False(meter.TryRead(out _));
        Assert.Contains("clock", meter.LastFailure, StringComparison.Ordinal);
    }

    [Fact]
    public void SpiFailureIsAFailedRead()
    {
        (FakeTimeProvider clock, SimulatedMcp3008 adc) = Bench();
        using var meter = new AcCtMeter(adc, Ct, clock);
        adc.Disconnected = true;

        Assert.False(meter.TryRead(out _));
        Assert.Contains("SPI", meter.LastFailure, StringComparison.Ordinal);
    }

    [Fact]
    public void WaveformMathIsExactForPiecewiseLinearSignals()
    {
        // A triangle wave from -1 to 1 sampled at its corners: RMS 1/√3 exactly.
        double[] t = [0, 0.25, 0.5, 0.75, 1.0, 1.25];
        double[] i = [0, 1, 0, -1, 0, 1];
        AcWaveform w = AcWaveform.Compute(t, i, [], windowS: 1.0);
        Assert.Equal(1 / Math.Sqrt(3), w.CurrentRmsA, 12);

        // v = i: power = RMS², even with the window clipping the last segment.
        AcWaveform p = AcWaveform.Compute(t, i, i, windowS: 1.0);
        Assert.Equal(1.0 / 3, p.RealPowerW, 12);
    }

    private static (FakeTimeProvider Clock, SimulatedMcp3008 Adc) Bench()
    {
        // Every timestamp read advances 40 µs: a set of four conversions and a timestamp is 200 µs,
        // 100 sets per 20 ms mains cycle, about what a Pi manages at 1 MHz through spidev.
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero)) { AutoAdvanceAmount = TimeSpan.FromMicroseconds(40) };
        var adc = new SimulatedMcp3008(new SpiConnectionSettings(0, 0) { Mode = SpiMode.Mode0, ClockFrequency = 1_000_000 }, 3.3, clock);
        adc.SetInput(1, Bias);
        return (clock, adc);
    }
}
