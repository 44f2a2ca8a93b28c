namespace MicroMarket.Hardware.Meters;

/// <summary>RMS and real power of sampled AC waveforms, over exactly a chosen time window.</summary>
/// <param name="CurrentRmsA">RMS of the current after removing its mean over the window.</param>
/// <param name="VoltageRmsV">RMS of the voltage after removing its mean, or 0 without voltage samples.</param>
/// <param name="RealPowerW">Mean of the instantaneous product v·i over the window, or 0 without voltage samples.</param>
public readonly record struct AcWaveform(double CurrentRmsA, double VoltageRmsV, double RealPowerW)
{
    /// <summary>
    /// Integrates the piecewise-linear signals through the samples over [0, window], clipping the
    /// last segment at the window's end. Segment integrals are exact for straight lines:
    /// ∫x² = h(a² + ab + b²)/3 and ∫xy = h(2a₁b₁ + a₁b₂ + a₂b₁ + 2a₂b₂)/6, so uneven sample
    /// spacing (a busy loop on Linux) costs nothing. The mean over a whole number of mains cycles
    /// is the DC offset (bias mismatch), removed before the RMS.
    /// </summary>
    /// <param name="timesS">Sample times, seconds from the window's start, increasing.</param>
    /// <param name="currentA">Current at each time.</param>
    /// <param name="voltageV">Voltage at each time, or empty.</param>
    /// <param name="windowS">Window length, a whole number of mains periods.</param>
    public static AcWaveform Compute(ReadOnlySpan<double> timesS, ReadOnlySpan<double> currentA, ReadOnlySpan<double> voltageV, double windowS)
    {
        if (timesS.Length != currentA.Length || (!voltageV.IsEmpty && voltageV.Length != timesS.Length))
        {
            throw new ArgumentException("time, current and voltage spans differ in length");
        }

        if (timesS.Length < 2 || timesS[^1] < windowS)
        {
            throw new ArgumentException("the samples must reach the end of the window", nameof(timesS));
        }

        bool hasVoltage = !voltageV.IsEmpty;

        // Two passes: the means first, then the integrals about them, so a large DC offset does
        // not cancel catastrophically against the AC part.
        double meanI = 0, meanV = 0;
        double covered = Integrate(timesS, currentA, voltageV, windowS, 0, 0, hasVoltage, ref meanI, ref meanV, out _, out _, out _);
        meanI /= covered;
        meanV /= covered;
        double unusedI = 0, unusedV = 0;
        Integrate(timesS, currentA, voltageV, windowS, meanI, meanV, hasVoltage, ref unusedI, ref unusedV, out double sumI2, out double sumV2, out double sumIv);

        double currentRms = Math.Sqrt(sumI2 / covered);
        return hasVoltage
            ? new AcWaveform(currentRms, Math.Sqrt(sumV2 / covered), sumIv / covered)
            : new AcWaveform(currentRms, 0, 0);
    }

    private static double Integrate(
        ReadOnlySpan<double> timesS,
        ReadOnlySpan<double> currentA,
        ReadOnlySpan<double> voltageV,
        double windowS,
        double offsetI,
        double offsetV,
        bool hasVoltage,
        ref double sumI,
        ref double sumV,
        out double sumI2,
        out double sumV2,
        out double sumIv)
    {
        sumI2 = 0;
        sumV2 = 0;
        sumIv = 0;
        double covered = 0;
        for (int k = 1; k < timesS.Length && timesS[k - 1] < windowS; k++)
        {
            double t0 = timesS[k - 1], t1 = timesS[k];
            double h = t1 - t0;
            if (h <= 0)
            {
                throw new ArgumentException("sample times must increase", nameof(timesS));
            }

            double i0 = currentA[k - 1] - offsetI, i1 = currentA[k] - offsetI;
            double v0 = hasVoltage ? voltageV[k - 1] - offsetV : 0, v1 = hasVoltage ? voltageV[k] - offsetV : 0;
            if (t1 > windowS)
            {
                double f = (windowS - t0) / h;
                i1 = i0 + ((i1 - i0) * f);
                v1 = v0 + ((v1 - v0) * f);
                h = windowS - t0;
            }

            sumI += h * (i0 + i1) / 2;
            sumI2 += h * ((i0 * i0) + (i0 * i1) + (i1 * i1)) / 3;
            if (hasVoltage)
            {
                sumV += h * (v0 + v1) / 2;
                sumV2 += h * ((v0 * v0) + (v0 * v1) + (v1 * v1)) / 3;
                sumIv += h * ((2 * i0 * v0) + (i0 * v1) + (i1 * v0) + (2 * i1 * v1)) / 6;
            }

            covered += h;
        }

        return covered;
    }
}
