namespace MicroMarket.Experiments.Tests;

/// <summary>
/// Student's sleep data (Student, "The probable error of a mean", Biometrika 6, 1908; R's <c>datasets::sleep</c>): the
/// extra hours of sleep of ten patients under each of two drugs, the same patient at the same index, as a sweep pairs
/// two levels' runs by seed.
/// </summary>
internal static class SleepData
{
    public static readonly double[] Group1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];

    public static readonly double[] Group2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
}
