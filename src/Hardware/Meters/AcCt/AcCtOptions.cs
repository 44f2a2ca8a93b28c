namespace MicroMarket.Hardware.Meters;

/// <summary>
/// Settings for an <see cref="AcCtMeter"/>: an MCP3008 reading a current transformer's burden
/// voltage, biased to mid-rail, against a channel that carries the bias itself.
/// </summary>
public sealed record AcCtOptions
{
    /// <summary>MCP3008 input with the CT burden voltage (on the mid-rail bias).</summary>
    public int CurrentChannel { get; init; }

    /// <summary>MCP3008 input with the mid-rail bias alone (the zero of both AC channels).</summary>
    public int ReferenceChannel { get; init; } = 1;

    /// <summary>MCP3008 input with a scaled-down mains voltage (AC-AC adapter and divider), or null to use <see cref="NominalVoltageV"/>.</summary>
    public int? VoltageChannel { get; init; }

    /// <summary>The MCP3008's V_REF pin, volts (3.3 V on a Pi).</summary>
    public double AdcReferenceV { get; init; } = 3.3;

    /// <summary>CT turns ratio, primary amperes per secondary ampere (SCT-013-000: 100 A : 50 mA = 2000).</summary>
    public double CtTurnsRatio { get; init; } = 2000;

    /// <summary>Burden resistor across the CT secondary, ohms.</summary>
    public double BurdenOhms { get; init; } = 33;

    /// <summary>Trim factor on current, from a comparison with a reference meter (1 = none).</summary>
    public double CurrentCalibration { get; init; } = 1;

    /// <summary>Mains volts per volt at <see cref="VoltageChannel"/> (adapter ratio × divider ratio, trimmed against a reference).</summary>
    public double VoltageScale { get; init; } = 325.27;

    /// <summary>Supply voltage assumed without a voltage channel, V RMS.</summary>
    public double NominalVoltageV { get; init; } = 230;

    /// <summary>Power factor assumed without a voltage channel.</summary>
    public double PowerFactor { get; init; } = 1;

    /// <summary>Mains frequency, Hz: readings span a whole number of its cycles.</summary>
    public double MainsFrequencyHz { get; init; } = 50;

    /// <summary>Whole mains cycles per reading (10 cycles = 200 ms at 50 Hz).</summary>
    public int CyclesPerReading { get; init; } = 10;

    /// <summary>
    /// Flips the current's sign. With a voltage channel this corrects a CT clipped on backwards.
    /// Without one the meter cannot see direction and reports import; set this on an export-only
    /// unit (PV) so its power comes out negative.
    /// </summary>
    public bool InvertCurrent { get; init; }

    /// <summary>RMS current below which the reading is taken as zero (the ADC's noise floor; 0 = off).</summary>
    public double CurrentNoiseFloorA { get; init; }

    /// <summary>Most sample sets kept per reading; a reading that needs more fails rather than grow.</summary>
    public int MaxSamples { get; init; } = 16384;

    /// <summary>Amperes on the primary per volt across the burden, before trim: ratio / burden.</summary>
    public double AmperesPerBurdenVolt => CtTurnsRatio / BurdenOhms;

    /// <summary>The length of one reading.</summary>
    public TimeSpan Window => TimeSpan.FromSeconds(CyclesPerReading / MainsFrequencyHz);

    /// <summary>Problems with these settings, empty when usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        void Channel(string name, int channel)
        {
            if (channel is < 0 or > 7)
            {
                problems.Add($"{name} {channel} is not an MCP3008 input (0-7)");
            }
        }

        Channel("current channel", CurrentChannel);
        Channel("reference channel", ReferenceChannel);
        if (VoltageChannel is int v)
        {
            Channel("voltage channel", v);
        }

        if (CurrentChannel == ReferenceChannel || CurrentChannel == VoltageChannel || ReferenceChannel == VoltageChannel)
        {
            problems.Add("current, reference and voltage channels must differ");
        }

        if (AdcReferenceV is <= 0 or > 5.5)
        {
            problems.Add($"ADC reference {AdcReferenceV} V is outside the MCP3008's 0-5.5 V");
        }

        if (CtTurnsRatio <= 0 || BurdenOhms <= 0 || CurrentCalibration <= 0 || VoltageScale <= 0 || NominalVoltageV <= 0)
        {
            problems.Add("CT ratio, burden, calibration, voltage scale and nominal voltage must be positive");
        }

        if (PowerFactor is <= 0 or > 1)
        {
            problems.Add($"power factor {PowerFactor} must be in (0, 1]");
        }

        if (MainsFrequencyHz is < 40 or > 70 || CyclesPerReading < 1)
        {
            problems.Add("mains frequency must be 40-70 Hz and a reading at least one cycle");
        }

        if (CurrentNoiseFloorA < 0 || MaxSamples < 16)
        {
            problems.Add("noise floor must be non-negative and max samples at least 16");
        }

        return problems;
    }
}
