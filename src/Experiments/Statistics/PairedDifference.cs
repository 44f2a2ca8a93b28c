namespace MicroMarket.Experiments.Statistics;

/// <summary>
/// The effect of a level on one KPI against the baseline level, paired over the seeds both were run with: the
/// differences dᵢ = treatmentᵢ − baselineᵢ, their mean, Student's paired t test and two 95 % intervals of the mean
/// difference (t and percentile bootstrap), as effects.csv reports each level against the baseline. Pairing removes
/// the variation the seeds (weather, loads, forecasts) cause in both levels alike.
/// </summary>
/// <param name="N">The number of pairs n.</param>
/// <param name="MeanDifference">d̄ = Σdᵢ / n, the treatment's mean minus the baseline's.</param>
/// <param name="StandardDeviation">s_d = √(Σ(dᵢ − d̄)² / (n − 1)); NaN for n = 1, exactly 0 when every dᵢ is the same.</param>
/// <param name="T">
/// The paired t statistic t = d̄ / (s_d/√n) with n − 1 degrees of freedom. When every difference is the same (s_d = 0)
/// it is ±∞ with the sign of d̄, or 0 when d̄ = 0 (no difference at all); NaN for n = 1.
/// </param>
/// <param name="PValue">
/// The two-sided p-value 2·F_{n−1}(−|t|) of the null hypothesis that the mean difference is 0: so 0 when every
/// difference is the same non-zero value and 1 when every difference is 0; NaN for n = 1.
/// </param>
/// <param name="Low">d̄ − t₀.₉₇₅,ₙ₋₁·s_d/√n (the point d̄ when s_d = 0); NaN for n = 1.</param>
/// <param name="High">d̄ + t₀.₉₇₅,ₙ₋₁·s_d/√n (the point d̄ when s_d = 0); NaN for n = 1.</param>
/// <param name="BootstrapLow">The 2.5th percentile of 10 000 seeded bootstrap means of the dᵢ (see <see cref="Of"/>); NaN for n = 1.</param>
/// <param name="BootstrapHigh">The 97.5th percentile of the same bootstrap means; NaN for n = 1.</param>
public sealed record PairedDifference(
    int N,
    double MeanDifference,
    double StandardDeviation,
    double T,
    double PValue,
    double Low,
    double High,
    double BootstrapLow,
    double BootstrapHigh)
{
    /// <summary>
    /// The paired difference of <paramref name="treatment"/> against <paramref name="baseline"/>, which the caller aligns:
    /// the values at one index come from runs with the same seed. The bootstrap draws 10 000 resamples of the n
    /// differences with replacement from a SplitMix64 generator seeded with <paramref name="bootstrapSeed"/> and takes
    /// the 2.5th and 97.5th percentiles of their means (linear interpolation between order statistics, R's type 7):
    /// the same inputs and seed give the same interval to the bit, on any runtime. It is skipped when the differences
    /// are all the same (the interval is then that point) and undefined for one pair (NaN).
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The lists differ in length, are empty, or hold a value that is NaN or infinite.
    /// </exception>
    public static PairedDifference Of(IReadOnlyList<double> treatment, IReadOnlyList<double> baseline, int bootstrapSeed)
    {
        ArgumentNullException.ThrowIfNull(treatment);
        ArgumentNullException.ThrowIfNull(baseline);
        if (treatment.Count != baseline.Count)
            throw new ArgumentException(
                $"The treatment has {treatment.Count} values and the baseline {baseline.Count}; pairs need one of each per seed.",
                nameof(baseline));

        var differences = new double[treatment.Count];
        for (var i = 0; i < differences.Length; i++)
            differences[i] = treatment[i] - baseline[i];
        var summary = SampleSummary.Of(differences);

        if (summary.N == 1)
            return new(1, summary.Mean, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        if (summary.StandardDeviation == 0)
        {
            var (t, p) = summary.Mean == 0 ? (0.0, 1.0) : (summary.Mean > 0 ? double.PositiveInfinity : double.NegativeInfinity, 0.0);
            return new(summary.N, summary.Mean, 0, t, p, summary.Mean, summary.Mean, summary.Mean, summary.Mean);
        }

        var tStatistic = summary.Mean / (summary.StandardDeviation / Math.Sqrt(summary.N));
        var (bootstrapLow, bootstrapHigh) = PercentileBootstrap.OfMean(differences, bootstrapSeed);
        return new(
            summary.N,
            summary.Mean,
            summary.StandardDeviation,
            tStatistic,
            StudentT95.TwoSidedP(tStatistic, summary.N - 1),
            summary.Low,
            summary.High,
            bootstrapLow,
            bootstrapHigh);
    }
}
