namespace MicroMarket.Grid.Solve;

/// <summary>
/// The sweep did not reach its tolerance: the loading is beyond what the feeder can carry (voltage collapse)
/// or the iteration limit is too low. Never a silent result: the caller decides what to shed or report.
/// </summary>
public sealed class PowerFlowNotConvergedException(int iterations, double maxVoltageMismatchV, string reason)
    : Exception($"power flow did not converge after {iterations} sweep(s): {reason} (largest voltage change in the last sweep {maxVoltageMismatchV:G4} V)")
{
    public int Iterations { get; } = iterations;

    /// <summary>Largest change of any node-phase voltage in the last sweep, V (NaN or infinite when diverged).</summary>
    public double MaxVoltageMismatchV { get; } = maxVoltageMismatchV;
}
