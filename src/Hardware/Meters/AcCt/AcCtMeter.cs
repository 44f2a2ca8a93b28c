using System.Device.Spi;
using Iot.Device.Adc;

namespace MicroMarket.Hardware.Meters;

/// <summary>
/// An AC power meter from an MCP3008 10-bit ADC (through the stock <see cref="Mcp3008"/> binding)
/// and a current transformer. Each reading samples for a whole number of mains cycles:
/// current = (code_CT − code_ref) × V_REF/1024 × ratio/burden × trim; with a voltage channel,
/// real power is the mean of v·i, else nominal voltage × RMS current × power factor.
/// </summary>
/// <remarks>
/// Sample sets are read as V, CT, V, reference, and the two voltage conversions are averaged,
/// which places the voltage at the current's instant and cancels the channel skew to first
/// order. Sample times come from the injected <see cref="TimeProvider"/>'s timestamp, so the
/// window is measured, not assumed from the SPI clock.
/// </remarks>
public sealed class AcCtMeter : IPowerMeter
{
    private const double AdcCodes = 1024;

    private readonly Mcp3008 _adc;
    private readonly bool _shouldDispose;
    private readonly TimeProvider _time;
    private readonly double[] _timesS;
    private readonly double[] _currentA;
    private readonly double[] _voltageV;
    private bool _disposed;

    /// <summary>Creates the meter.</summary>
    /// <param name="device">The SPI device with the MCP3008 on it (mode 0, at most 1.35 MHz at 2.7 V, 3.6 MHz at 5 V).</param>
    /// <param name="options">Channels and calibration.</param>
    /// <param name="timeProvider">Timestamps for the samples.</param>
    /// <param name="shouldDispose">True to dispose <paramref name="device"/> with this meter.</param>
    public AcCtMeter(SpiDevice device, AcCtOptions options, TimeProvider timeProvider, bool shouldDispose = false)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        IReadOnlyList<string> problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("AC CT meter settings: " + string.Join("; ", problems), nameof(options));
        }

        Options = options;
        _time = timeProvider;
        _shouldDispose = shouldDispose;
        _adc = new Mcp3008(device);
        _timesS = new double[options.MaxSamples];
        _currentA = new double[options.MaxSamples];
        _voltageV = options.VoltageChannel is null ? [] : new double[options.MaxSamples];
        Description = $"MCP3008 CT meter @ SPI bus {device.ConnectionSettings.BusId}, CS {device.ConnectionSettings.ChipSelectLine}, CT on CH{options.CurrentChannel}";
    }

    /// <summary>Settings this meter was built with.</summary>
    public AcCtOptions Options { get; }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public string? LastFailure { get; private set; }

    /// <summary>The waveform figures behind the last good reading.</summary>
    public AcWaveform LastWaveform { get; private set; }

    /// <summary>Sample sets taken for the last reading.</summary>
    public int LastSampleCount { get; private set; }

    /// <inheritdoc />
    public bool TryRead(out PowerReading reading)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        reading = default;
        AcCtOptions o = Options;
        double voltsPerCode = o.AdcReferenceV / AdcCodes;
        double ampsPerCode = voltsPerCode * o.AmperesPerBurdenVolt * o.CurrentCalibration * (o.InvertCurrent ? -1 : 1);
        double mainsVoltsPerCode = voltsPerCode * o.VoltageScale;
        double windowS = o.Window.TotalSeconds;
        bool hasVoltage = o.VoltageChannel is not null;
        int voltageChannel = o.VoltageChannel ?? 0;

        int n = 0;
        try
        {
            long start = _time.GetTimestamp();
            while (true)
            {
                if (n == _timesS.Length)
                {
                    return Fail($"{n} samples did not span {o.CyclesPerReading} mains cycles; is the clock running?");
                }

                double t = _time.GetElapsedTime(start).TotalSeconds;
                int v0 = hasVoltage ? _adc.Read(voltageChannel) : 0;
                int ct = _adc.Read(o.CurrentChannel);
                int v1 = hasVoltage ? _adc.Read(voltageChannel) : 0;
                int reference = _adc.Read(o.ReferenceChannel);

                _timesS[n] = t;
                _currentA[n] = (ct - reference) * ampsPerCode;
                if (hasVoltage)
                {
                    _voltageV[n] = (((v0 + v1) / 2.0) - reference) * mainsVoltsPerCode;
                }

                n++;
                if (t >= windowS && n >= 2)
                {
                    break;
                }
            }
        }
        catch (IOException ex)
        {
            return Fail($"SPI transfer failed: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            // Mcp3Base throws this when the null bit before the result is not 0 (a garbled frame).
            return Fail($"MCP3008 frame invalid: {ex.Message}");
        }

        AcWaveform wave = AcWaveform.Compute(
            _timesS.AsSpan(0, n),
            _currentA.AsSpan(0, n),
            hasVoltage ? _voltageV.AsSpan(0, n) : [],
            windowS);
        if (wave.CurrentRmsA < o.CurrentNoiseFloorA)
        {
            wave = wave with { CurrentRmsA = 0, RealPowerW = 0 };
        }

        LastWaveform = wave;
        LastSampleCount = n;
        double powerW = hasVoltage
            ? wave.RealPowerW
            : (o.InvertCurrent ? -1 : 1) * o.NominalVoltageV * wave.CurrentRmsA * o.PowerFactor;
        reading = new PowerReading(powerW, hasVoltage ? wave.VoltageRmsV : o.NominalVoltageV, wave.CurrentRmsA);
        LastFailure = null;
        return true;
    }

    /// <summary>Reads one channel's raw 10-bit code (for wiring checks and calibration).</summary>
    public bool TryReadCode(int channel, out int code)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            code = _adc.Read(channel);
            return true;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            code = 0;
            Fail(ex.Message);
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;

        // Mcp3Base.Dispose disposes the SPI device it was given, so only call it when we own it.
        if (_shouldDispose)
        {
            _adc.Dispose();
        }
    }

    private bool Fail(string why)
    {
        LastFailure = why;
        return false;
    }
}
