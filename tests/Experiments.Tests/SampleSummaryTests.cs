using MicroMarket.Experiments.Statistics;

namespace MicroMarket.Experiments.Tests;

/// <summary>A level's mean, standard deviation and t interval, against R's <c>t.test</c> and exact arithmetic.</summary>
public sealed class SampleSummaryTests
{
    [Fact]
    public void One_to_ten_matches_R_t_test()
    {
        // R: t.test(1:10) -> mean of x 5.5, 95 percent confidence interval 3.334149 7.665851.
        // Exactly: s² = Σ(i − 5.5)² / 9 = 82.5 / 9 = 55/6, and the half-width is t₀.₉₇₅,₉·s/√10 with t₀.₉₇₅,₉ = 2.262157.
        var summary = SampleSummary.Of([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

        Assert.Equal(10, summary.N);
        Assert.Equal(5.5, summary.Mean, 12);
        Assert.Equal(Math.Sqrt(55.0 / 6), summary.StandardDeviation, 12);
        Assert.Equal(3.334149, summary.Low, tolerance: 1e-6);
        Assert.Equal(7.665851, summary.High, tolerance: 1e-6);
        Assert.Equal(2.262157, (summary.High - summary.Mean) / (Math.Sqrt(55.0 / 6) / Math.Sqrt(10)), tolerance: 5e-7);
    }

    [Fact]
    public void The_interval_is_t_based_for_a_small_sample()
    {
        // R: t.test(c(1, 2, 3)) -> 95 percent confidence interval -0.4841377 4.4841377 (s = 1, t₀.₉₇₅,₂ = 4.302653).
        var summary = SampleSummary.Of([1, 2, 3]);

        Assert.Equal(1, summary.StandardDeviation, 12);
        Assert.Equal(-0.4841377, summary.Low, tolerance: 1e-7);
        Assert.Equal(4.4841377, summary.High, tolerance: 1e-7);
    }

    [Fact]
    public void One_value_has_a_mean_and_no_spread_or_interval()
    {
        var summary = SampleSummary.Of([4.2]);

        Assert.Equal(1, summary.N);
        Assert.Equal(4.2, summary.Mean);
        Assert.True(double.IsNaN(summary.StandardDeviation));
        Assert.True(double.IsNaN(summary.Low));
        Assert.True(double.IsNaN(summary.High));
    }

    [Fact]
    public void Equal_values_have_exactly_zero_spread_and_their_own_value_as_mean()
    {
        // Summed, ten times 0.1 is 0.9999999999999999: the mean would be off by an ulp and s would not be 0.
        var summary = SampleSummary.Of(Enumerable.Repeat(0.1, 10).ToArray());

        Assert.Equal(0.1, summary.Mean);
        Assert.Equal(0, summary.StandardDeviation);
        Assert.Equal((0.1, 0.1), (summary.Low, summary.High));
    }

    [Fact]
    public void No_values_or_a_non_finite_one_is_refused()
    {
        Assert.Throws<ArgumentException>(() => SampleSummary.Of([]));
        Assert.Throws<ArgumentException>(() => SampleSummary.Of([1, double.NaN]));
        Assert.Throws<ArgumentException>(() => SampleSummary.Of([1, double.PositiveInfinity]));
    }
}
