namespace MicroMarket.Experiments.Statistics;

/// <summary>
/// One KPI over the runs of one level (one value per seed): its mean, sample standard deviation and the 95 %
/// confidence interval of the mean from Student's t, as effects.csv reports each level.
/// </summary>
/// <param name="N">The number of values n.</param>
/// <param name="Mean">x̄ = Σxᵢ / n, summed in the given order.</param>
/// <param name="StandardDeviation">
/// The sample standard deviation s = √(Σ(xᵢ − x̄)² / (n − 1)); <see cref="double.NaN"/> for n = 1, where it is
/// undefined; exactly 0 when every value is the same (and <see cref="Mean"/> is then that value, not a rounded sum).
/// </param>
/// <param name="Low">x̄ − t₀.₉₇₅,ₙ₋₁·s/√n; <see cref="double.NaN"/> for n = 1.</param>
/// <param name="High">x̄ + t₀.₉₇₅,ₙ₋₁·s/√n; <see cref="double.NaN"/> for n = 1.</param>
public sealed record SampleSummary(int N, double Mean, double StandardDeviation, double Low, double High)
{
    /// <summary>The summary of <paramref name="values"/>, which must be finite (a caller leaves out runs whose KPI is undefined).</summary>
    /// <exception cref="ArgumentException">No values, or one that is NaN or infinite.</exception>
    public static SampleSummary Of(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
            throw new ArgumentException("A summary needs at least one value.", nameof(values));
        for (var i = 0; i < values.Count; i++)
        {
            if (!double.IsFinite(values[i]))
                throw new ArgumentException($"Value {i} is {values[i]}; only finite values can be summarised.", nameof(values));
        }

        var n = values.Count;
        if (values.All(v => v == values[0]))
            return n == 1 ? new(1, values[0], double.NaN, double.NaN, double.NaN) : new(n, values[0], 0, values[0], values[0]);

        var sum = 0.0;
        foreach (var v in values)
            sum += v;
        var mean = sum / n;
        var squares = 0.0;
        foreach (var v in values)
            squares += (v - mean) * (v - mean);
        var sd = Math.Sqrt(squares / (n - 1));
        var halfWidth = StudentT95.Quantile(n - 1) * sd / Math.Sqrt(n);
        return new(n, mean, sd, mean - halfWidth, mean + halfWidth);
    }
}
