using System.Device.Spi;

namespace MicroMarket.Hardware.Fakes;

/// <summary>
/// An MCP3008 (8-channel 10-bit SAR ADC) that answers the real SPI protocol bit by bit
/// (datasheet DS21295, section 5.0 "Serial Communication" and 6.1, Figure 6-1): with CS low,
/// the first 1 on DIN is the start bit; SGL/DIFF, D2, D1, D0 follow; one more clock completes the
/// sample; the next clock outputs a null bit (0), then B9…B0 MSB first and, if clocks continue,
/// B1…B9 LSB first, then zeros. DOUT is high impedance before the null bit (read here as 1s,
/// so sloppy masking shows). Code = floor(1024 × V_IN / V_REF), clipped to 0…1023.
/// </summary>
/// <remarks>
/// Each transfer is one CS-low frame. Inputs are functions of time since the simulator was made,
/// read from the injected <see cref="TimeProvider"/> at the sample clock, so an AC waveform
/// moves between conversions as on the bench. Accepts SPI modes 0 and 3 only, at most 3.6 MHz.
/// </remarks>
public sealed class SimulatedMcp3008 : SpiDevice
{
    /// <summary>The highest clock in the datasheet (V_DD = 5 V).</summary>
    public const int MaxClockHz = 3_600_000;

    private readonly object _gate = new();
    private readonly SpiConnectionSettings _settings;
    private readonly TimeProvider _time;
    private readonly long _start;
    private readonly Func<TimeSpan, double>[] _inputs = new Func<TimeSpan, double>[8];

    /// <summary>Creates the ADC.</summary>
    /// <param name="settings">Bus, chip select, mode and clock, as the driver would open them.</param>
    /// <param name="referenceVolts">The V_REF pin.</param>
    /// <param name="timeProvider">Clock for time-varying inputs; the system clock by default.</param>
    public SimulatedMcp3008(SpiConnectionSettings settings, double referenceVolts = 3.3, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(referenceVolts);
        _settings = settings;
        ReferenceVolts = referenceVolts;
        _time = timeProvider ?? TimeProvider.System;
        _start = _time.GetTimestamp();
        for (int k = 0; k < _inputs.Length; k++)
        {
            _inputs[k] = static _ => 0;
        }
    }

    /// <inheritdoc />
    public override SpiConnectionSettings ConnectionSettings => _settings;

    /// <summary>The V_REF pin, volts.</summary>
    public double ReferenceVolts { get; }

    /// <summary>Conversions performed so far.</summary>
    public int Conversions { get; private set; }

    /// <summary>Fault injection: while true every transfer fails with an IOException.</summary>
    public bool Disconnected { get; set; }

    /// <summary>True once disposed.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>Puts a constant voltage on an input.</summary>
    public void SetInput(int channel, double volts)
    {
        SetInput(channel, _ => volts);
    }

    /// <summary>Puts a time-varying voltage on an input; time counts from the simulator's creation.</summary>
    public void SetInput(int channel, Func<TimeSpan, double> volts)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(channel);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(channel, 7);
        ArgumentNullException.ThrowIfNull(volts);
        lock (_gate)
        {
            _inputs[channel] = volts;
        }
    }

    /// <summary>The code a conversion of this input configuration would give now.</summary>
    /// <param name="singleEnded">SGL/DIFF bit.</param>
    /// <param name="select">D2 D1 D0: the channel, or in differential mode the pair and polarity (Table 5-2).</param>
    public int Convert(bool singleEnded, int select)
    {
        lock (_gate)
        {
            return ConvertCore(singleEnded, select, _time.GetElapsedTime(_start));
        }
    }

    /// <inheritdoc />
    public override void TransferFullDuplex(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        if (writeBuffer.Length != readBuffer.Length)
        {
            throw new ArgumentException("SPI full-duplex buffers must be the same length.");
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            if (Disconnected)
            {
                throw new IOException("SPI transfer failed (simulated disconnection).");
            }

            if (_settings.Mode is not (SpiMode.Mode0 or SpiMode.Mode3))
            {
                throw new InvalidOperationException($"The MCP3008 speaks SPI modes 0,0 and 1,1; {_settings.Mode} garbles every frame.");
            }

            if (_settings.ClockFrequency > MaxClockHz)
            {
                throw new InvalidOperationException($"{_settings.ClockFrequency} Hz is above the MCP3008's {MaxClockHz} Hz.");
            }

            Frame(writeBuffer, readBuffer);
        }
    }

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Span<byte> discard = buffer.Length <= 64 ? stackalloc byte[buffer.Length] : new byte[buffer.Length];
        TransferFullDuplex(buffer, discard);
    }

    /// <inheritdoc />
    public override void Read(Span<byte> buffer)
    {
        Span<byte> zeros = buffer.Length <= 64 ? stackalloc byte[buffer.Length] : new byte[buffer.Length];
        zeros.Clear();
        TransferFullDuplex(zeros, buffer);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        IsDisposed = true;
        base.Dispose(disposing);
    }

    private void Frame(ReadOnlySpan<byte> mosi, Span<byte> miso)
    {
        Phase phase = Phase.AwaitStart;
        int config = 0, configBits = 0, code = 0, dataBit = 0;
        for (int bit = 0; bit < mosi.Length * 8; bit++)
        {
            int din = (mosi[bit / 8] >> (7 - (bit % 8))) & 1;
            int dout = 1; // high impedance
            switch (phase)
            {
                case Phase.AwaitStart when din == 1:
                    phase = Phase.Config;
                    break;
                case Phase.Config:
                    config = (config << 1) | din;
                    if (++configBits == 4)
                    {
                        phase = Phase.Sample;
                    }

                    break;
                case Phase.Sample:
                    code = ConvertCore((config & 0b1000) != 0, config & 0b111, _time.GetElapsedTime(_start));
                    Conversions++;
                    phase = Phase.Null;
                    break;
                case Phase.Null:
                    dout = 0;
                    phase = Phase.MsbFirst;
                    dataBit = 9;
                    break;
                case Phase.MsbFirst:
                    dout = (code >> dataBit) & 1;
                    if (--dataBit < 0)
                    {
                        phase = Phase.LsbFirst;
                        dataBit = 1;
                    }

                    break;
                case Phase.LsbFirst:
                    dout = (code >> dataBit) & 1;
                    if (++dataBit > 9)
                    {
                        phase = Phase.Done;
                    }

                    break;
                case Phase.Done:
                    dout = 0;
                    break;
            }

            int index = bit / 8;
            int shift = 7 - (bit % 8);
            miso[index] = (byte)((miso[index] & ~(1 << shift)) | (dout << shift));
        }
    }

    private int ConvertCore(bool singleEnded, int select, TimeSpan now)
    {
        double vin;
        if (singleEnded)
        {
            vin = _inputs[select](now);
        }
        else
        {
            // Pairs (0,1), (2,3), (4,5), (6,7); D0 = 1 swaps IN+ and IN- (Table 5-2).
            int even = select & 0b110;
            bool swapped = (select & 1) != 0;
            double a = _inputs[even](now), b = _inputs[even + 1](now);
            vin = swapped ? b - a : a - b;
        }

        return Math.Clamp((int)Math.Floor(1024 * vin / ReferenceVolts), 0, 1023);
    }

    private enum Phase
    {
        AwaitStart,
        Config,
        Sample,
        Null,
        MsbFirst,
        LsbFirst,
        Done,
    }
}
