namespace MicroMarket.Grid.Solve;

/// <summary>
/// Solver settings. <paramref name="ToleranceV"/>: the sweep stops when no node-phase voltage moved by more
/// than this between two sweeps (1e-6 V is 4e-9 pu at 240 V, far below the 0.001 V the reference tables print).
/// <paramref name="MaxIterations"/>: sweeps before <see cref="PowerFlowNotConvergedException"/>.
/// <paramref name="WarmStart"/>: start each solve from the previous solution of the same mode (a
/// time series changes little from slot to slot) instead of from the source voltage everywhere.
/// </summary>
public sealed record PowerFlowOptions(double ToleranceV = 1e-6, int MaxIterations = 100, bool WarmStart = true)
{
    public static PowerFlowOptions Default { get; } = new();
}
