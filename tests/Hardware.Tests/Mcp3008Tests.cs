using System.Device.Spi;
using Iot.Device.Adc;
using MicroMarket.Hardware.Fakes;
using Xunit;

namespace MicroMarket.Hardware.Tests;

public sealed class Mcp3008Tests
{
    private static SpiConnectionSettings Settings => new(0, 0) { Mode = SpiMode.Mode0, ClockFrequency = 1_000_000 };

    [Fact]
    public void AnswersTheThreeByteFrameOfFigure6_1()
    {
        // MCP3008 datasheet Figure 6-1: send 01h, (SGL D2 D1 D0 0000), 00h; receive
        // (high-Z…), (high-Z ×5, null 0, B9, B8), (B7…B0). CH5 at 2.0 V of 3.3 V: floor(1024×2/3.3) = 620 = 26Ch.
        var adc = new SimulatedMcp3008(Settings, referenceVolts: 3.3);
        adc.SetInput(5, 2.0);
        Span<byte> rx = stackalloc byte[3];

        adc.TransferFullDuplex([0x01, 0b1101_0000, 0x00], rx);

        Assert.Equal(0xFF, rx[0]);
        Assert.Equal(0b1111_1010, rx[1]); // 5 high-Z ones, null 0, B9 = 1, B8 = 0
        Assert.Equal(0x6C, rx[2]);
        Assert.Equal(620, ((rx[1] & 0b11) << 8) | rx[2]);
    }

    [Fact]
    public void StartBitAnywhereAndLsbFirstTailAsInSection5()
    {
        // Leading zeros before the start bit are ignored; after B0 the result repeats LSB first
        // (B1…B9), then DOUT stays low.
        var adc = new SimulatedMcp3008(Settings, referenceVolts: 1.024);
        adc.SetInput(0, 0.6405); // code 640 = 10 1000 0000b
        Span<byte> rx = stackalloc byte[6];

        // Start bit is frame bit 15; SGL=1, D2-D0 = 0 (CH0) are bits 16-19; bit 20 completes the sample.
        adc.TransferFullDuplex([0x00, 0x01, 0x80, 0x00, 0x00, 0x00], rx);
        ulong frame = 0;
        foreach (byte b in rx)
        {
            frame = (frame << 8) | b;
        }

        int Bit(int index) => (int)((frame >> (47 - index)) & 1);

        for (int index = 0; index <= 20; index++)
        {
            Assert.Equal(1, Bit(index)); // high impedance
        }

        Assert.Equal(0, Bit(21)); // null bit
        int msbFirst = 0;
        for (int k = 0; k < 10; k++)
        {
            msbFirst = (msbFirst << 1) | Bit(22 + k);
        }

        int lsbFirst = 0;
        for (int j = 1; j <= 9; j++)
        {
            lsbFirst |= Bit(31 + j) << j;
        }

        Assert.Equal(640, msbFirst);
        Assert.Equal(640 & ~1, lsbFirst);
        for (int index = 41; index < 48; index++)
        {
            Assert.Equal(0, Bit(index));
        }
    }

    [Fact]
    public void StockBindingReadsEveryChannelAndFullScale()
    {
        var adc = new SimulatedMcp3008(Settings, referenceVolts: 3.3);
        for (int ch = 0; ch < 8; ch++)
        {
            adc.SetInput(ch, ch * 0.4);
        }

        adc.SetInput(7, 5.0); // above V_REF: clips to 1023

        using var mcp = new Mcp3008(adc);
        for (int ch = 0; ch < 7; ch++)
        {
            Assert.Equal((int)Math.Floor(1024 * ch * 0.4 / 3.3), mcp.Read(ch));
        }

        Assert.Equal(1023, mcp.Read(7));
        Assert.Equal(8, adc.Conversions);
    }

    [Fact]
    public void DifferentialPairsFollowTable5_2()
    {
        var adc = new SimulatedMcp3008(Settings, referenceVolts: 3.3);
        adc.SetInput(2, 2.0);
        adc.SetInput(3, 0.5);

        Assert.Equal((int)Math.Floor(1024 * 1.5 / 3.3), adc.Convert(singleEnded: false, select: 0b010)); // CH2+ CH3-
        Assert.Equal(0, adc.Convert(singleEnded: false, select: 0b011)); // CH2- CH3+: negative clips to 0
    }

    [Fact]
    public void RefusesSettingsTheChipCannotSpeak()
    {
        var wrongMode = new SimulatedMcp3008(new SpiConnectionSettings(0, 0) { Mode = SpiMode.Mode1 });
        Assert.Throws<InvalidOperationException>(() => new Mcp3008(wrongMode).Read(0));

        var tooFast = new SimulatedMcp3008(new SpiConnectionSettings(0, 0) { ClockFrequency = 10_000_000 });
        Assert.Throws<InvalidOperationException>(() => new Mcp3008(tooFast).Read(0));
    }
}
