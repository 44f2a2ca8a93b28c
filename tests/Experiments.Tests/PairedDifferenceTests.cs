using MicroMarket.Experiments.Statistics;

namespace MicroMarket.Experiments.Tests;

/// <summary>A level's effect against the baseline over common seeds: the paired t test against R, the seeded bootstrap, the edge cases.</summary>
public sealed class PairedDifferenceTests
{
    [Fact]
    public void The_sleep_data_match_R_paired_t_test()
    {
        // R: t.test(extra ~ group, data = sleep, paired = TRUE)
        //   t = -4.0621, df = 9, p-value = 0.002833
        //   95 percent confidence interval: -2.4598858 -0.7001142; mean difference -1.58
        // The differences' sum of squares about -1.58 is 13.616 exactly, so s_d = √(13.616 / 9).
        var effect = PairedDifference.Of(SleepData.Group1, SleepData.Group2, bootstrapSeed: 1);

        Assert.Equal(10, effect.N);
        Assert.Equal(-1.58, effect.MeanDifference, 12);
        Assert.Equal(Math.Sqrt(13.616 / 9), effect.StandardDeviation, 12);
        Assert.Equal(-4.0621, effect.T, tolerance: 5e-5);
        Assert.Equal(0.002833, effect.PValue, tolerance: 5e-7);
        Assert.Equal(-2.4598858, effect.Low, tolerance: 1e-7);
        Assert.Equal(-0.7001142, effect.High, tolerance: 1e-7);
    }

    [Fact]
    public void Swapping_treatment_and_baseline_mirrors_the_effect()
    {
        var effect = PairedDifference.Of(SleepData.Group2, SleepData.Group1, bootstrapSeed: 1);

        Assert.Equal(1.58, effect.MeanDifference, 12);
        Assert.Equal(4.0621, effect.T, tolerance: 5e-5);
        Assert.Equal(0.002833, effect.PValue, tolerance: 5e-7);
        Assert.Equal(0.7001142, effect.Low, tolerance: 1e-7);
        Assert.Equal(2.4598858, effect.High, tolerance: 1e-7);
    }

    [Fact]
    public void The_bootstrap_is_the_same_for_a_seed_and_differs_between_seeds()
    {
        var first = PairedDifference.Of(SleepData.Group1, SleepData.Group2, bootstrapSeed: 42);
        var again = PairedDifference.Of(SleepData.Group1, SleepData.Group2, bootstrapSeed: 42);
        var other = PairedDifference.Of(SleepData.Group1, SleepData.Group2, bootstrapSeed: 43);

        Assert.Equal(first, again);
        Assert.NotEqual((first.BootstrapLow, first.BootstrapHigh), (other.BootstrapLow, other.BootstrapHigh));
    }

    [Theory]
    [InlineData(42)]
    [InlineData(-7)]
    [InlineData(int.MaxValue)]
    public void The_bootstrap_interval_holds_the_mean_difference_and_is_close_to_the_t_interval(int seed)
    {
        var effect = PairedDifference.Of(SleepData.Group1, SleepData.Group2, seed);

        Assert.InRange(effect.MeanDifference, effect.BootstrapLow, effect.BootstrapHigh);
        Assert.InRange(effect.BootstrapLow, effect.Low - 0.3, effect.Low + 0.3);
        Assert.InRange(effect.BootstrapHigh, effect.High - 0.3, effect.High + 0.3);
    }

    [Fact]
    public void Four_times_the_pairs_give_a_narrower_bootstrap_interval()
    {
        // The same differences four times over: the spread is the same, so the interval shrinks by about √4 = 2.
        var treatment = Enumerable.Repeat(SleepData.Group1, 4).SelectMany(g => g).ToArray();
        var baseline = Enumerable.Repeat(SleepData.Group2, 4).SelectMany(g => g).ToArray();

        var ten = PairedDifference.Of(SleepData.Group1, SleepData.Group2, bootstrapSeed: 42);
        var forty = PairedDifference.Of(treatment, baseline, bootstrapSeed: 42);

        Assert.Equal(ten.MeanDifference, forty.MeanDifference, 12);
        Assert.InRange(forty.BootstrapHigh - forty.BootstrapLow, 0, 0.6 * (ten.BootstrapHigh - ten.BootstrapLow));
    }

    [Fact]
    public void Equal_non_zero_differences_are_certain_with_the_point_as_interval()
    {
        var effect = PairedDifference.Of([0.75, 1.75, 2.75], [0.5, 1.5, 2.5], bootstrapSeed: 1);

        Assert.Equal(0.25, effect.MeanDifference);
        Assert.Equal(0, effect.StandardDeviation);
        Assert.Equal(double.PositiveInfinity, effect.T);
        Assert.Equal(0, effect.PValue);
        Assert.Equal((0.25, 0.25, 0.25, 0.25), (effect.Low, effect.High, effect.BootstrapLow, effect.BootstrapHigh));

        Assert.Equal(double.NegativeInfinity, PairedDifference.Of([0.5, 1.5, 2.5], [0.75, 1.75, 2.75], bootstrapSeed: 1).T);
    }

    [Fact]
    public void No_difference_at_all_has_t_zero_and_p_one()
    {
        var effect = PairedDifference.Of([3, 1, 2], [3, 1, 2], bootstrapSeed: 1);

        Assert.Equal(0, effect.MeanDifference);
        Assert.Equal(0, effect.StandardDeviation);
        Assert.Equal(0, effect.T);
        Assert.Equal(1, effect.PValue);
        Assert.Equal((0.0, 0.0, 0.0, 0.0), (effect.Low, effect.High, effect.BootstrapLow, effect.BootstrapHigh));
    }

    [Fact]
    public void One_pair_has_a_difference_and_nothing_else()
    {
        var effect = PairedDifference.Of([5], [3], bootstrapSeed: 1);

        Assert.Equal(1, effect.N);
        Assert.Equal(2, effect.MeanDifference);
        Assert.All(
            [effect.StandardDeviation, effect.T, effect.PValue, effect.Low, effect.High, effect.BootstrapLow, effect.BootstrapHigh],
            value => Assert.True(double.IsNaN(value)));
    }

    [Fact]
    public void Lists_of_different_lengths_no_pairs_or_a_non_finite_value_are_refused()
    {
        Assert.Throws<ArgumentException>(() => PairedDifference.Of([1, 2, 3], [1, 2], bootstrapSeed: 1));
        Assert.Throws<ArgumentException>(() => PairedDifference.Of([], [], bootstrapSeed: 1));
        Assert.Throws<ArgumentException>(() => PairedDifference.Of([1, double.NaN], [1, 2], bootstrapSeed: 1));
    }
}
