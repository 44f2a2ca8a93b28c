using MathNet.Numerics.Distributions;

namespace MicroMarket.Experiments.Statistics;

/// <summary>Student's t distribution (MathNet.Numerics) as the 95 % intervals and two-sided tests here use it.</summary>
internal static class StudentT95
{
    /// <summary>
    /// t₀.₉₇₅,ν: the quantile that leaves 2.5 % in the upper tail of Student's t with ν degrees of freedom, so that
    /// x̄ ± t₀.₉₇₅,ν·s/√n covers the mean 95 % of the time (e.g. 2.262157 for ν = 9, 1.959964 as ν → ∞).
    /// </summary>
    public static double Quantile(int degreesOfFreedom) => StudentT.InvCDF(0, 1, degreesOfFreedom, 0.975);

    /// <summary>
    /// The two-sided p-value of a t statistic, p = 2·F_ν(−|t|) with F_ν Student's t CDF: computed in the lower tail so
    /// that small p-values keep their digits instead of being 1 − F rounded.
    /// </summary>
    public static double TwoSidedP(double t, int degreesOfFreedom) => 2 * StudentT.CDF(0, 1, degreesOfFreedom, -Math.Abs(t));
}
