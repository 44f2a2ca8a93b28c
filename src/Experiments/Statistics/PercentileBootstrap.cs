namespace MicroMarket.Experiments.Statistics;

/// <summary>
/// The 95 % percentile bootstrap interval of a mean (Efron and Tibshirani, "An Introduction to the Bootstrap",
/// 1993, ch. 13): draw <see cref="Resamples"/> samples of n values with replacement, take each one's mean, and
/// report the 2.5th and 97.5th percentiles of those means. It assumes no distribution, where the t interval assumes
/// the mean is about normal, so the two side by side show when a KPI's skew matters.
/// </summary>
/// <remarks>
/// Deterministic: the indices come from <see cref="SplitMix64"/> seeded with the seed's 64-bit two's complement,
/// every sum runs in a fixed order and the percentiles come from a sort, so the same values and seed give the same
/// interval to the bit, on any runtime.
/// </remarks>
internal static class PercentileBootstrap
{
    /// <summary>B, the number of resamples: enough that the percentiles' own Monte Carlo error is small beside the interval.</summary>
    public const int Resamples = 10_000;

    /// <summary>The interval of the mean of <paramref name="values"/> (at least one), resampled with <paramref name="seed"/>.</summary>
    public static (double Low, double High) OfMean(IReadOnlyList<double> values, int seed)
    {
        var n = values.Count;
        var random = new SplitMix64(unchecked((ulong)seed));
        var means = new double[Resamples];
        for (var b = 0; b < Resamples; b++)
        {
            var sum = 0.0;
            for (var i = 0; i < n; i++)
                sum += values[random.NextIndex(n)];
            means[b] = sum / n;
        }

        Array.Sort(means);
        return (Percentile(means, 0.025), Percentile(means, 0.975));
    }

    /// <summary>
    /// The p-quantile of sorted values x₍₀₎ ≤ … ≤ x₍B₋₁₎ by linear interpolation between order statistics (Hyndman and
    /// Fan's type 7, R's default): h = (B − 1)·p, x₍⌊h⌋₎ + (h − ⌊h⌋)·(x₍⌊h⌋₊₁₎ − x₍⌊h⌋₎).
    /// </summary>
    private static double Percentile(double[] sorted, double p)
    {
        var h = (sorted.Length - 1) * p;
        var below = (int)Math.Floor(h);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (h - below) * (sorted[above] - sorted[below]);
    }
}
