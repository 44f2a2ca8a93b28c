namespace MicroMarket.Hardware.Meters;

/// <summary>
/// Arithmetic shared by the TI shunt monitors (INA219, INA236): the current register is
/// signed 16-bit, so the smallest current LSB that still holds the largest expected current
/// is I_max / 2^15; both datasheets then advise a rounder, larger LSB (INA236: "no higher than 8x").
/// </summary>
public static class ShuntCalibration
{
    /// <summary>2^15: the positive span of a signed 16-bit current register.</summary>
    public const double CurrentRegisterSpan = 32768.0;

    /// <summary>Smallest current LSB that still represents <paramref name="maxExpectedCurrentA"/>.</summary>
    public static double MinimumCurrentLsbA(double maxExpectedCurrentA)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExpectedCurrentA);
        return maxExpectedCurrentA / CurrentRegisterSpan;
    }

    /// <summary>
    /// Rounds up to the next value of the 1-2-5 series (…, 50 µA, 100 µA, 200 µA, 500 µA, 1 mA, …),
    /// at most 2.5x the input, which keeps the register readable in round numbers.
    /// </summary>
    public static double RoundUpToOneTwoFive(double value)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
        double decade = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (double step in (ReadOnlySpan<double>)[1, 2, 5, 10])
        {
            double candidate = step * decade;
            if (candidate >= value * (1 - 1e-12))
            {
                return candidate;
            }
        }

        return 10 * decade;
    }

    /// <summary>
    /// trunc() as the datasheets write it, but immune to binary rounding: 0.04096 / (1e-3 * 2e-3)
    /// is 20480 on paper and 20479.999… in doubles.
    /// </summary>
    public static long Truncate(double value)
    {
        double nearest = Math.Round(value);
        return Math.Abs(value - nearest) <= 1e-9 * Math.Max(1, Math.Abs(value)) ? (long)nearest : (long)Math.Floor(value);
    }
}
