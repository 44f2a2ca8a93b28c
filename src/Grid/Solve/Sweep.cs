namespace MicroMarket.Grid.Solve;

/// <summary>
/// The backward/forward sweep kernels. They see only arrays in tree order (see <see cref="Build.Topology"/>):
/// three entries per position, one per phase, voltages in volts and currents in amperes. They read spans,
/// write caller-owned spans and allocate nothing.
/// </summary>
internal static class Sweep
{
    /// <summary>
    /// Backward sweep: each branch current is the current drawn by the loads at and below its child position.
    /// Constant-PQ load current I = conj(S / V); a branch that blocks zero sequence (a Dyn transformer) passes
    /// only I - mean(I) to its parent, since its delta winding carries no zero-sequence current.
    /// </summary>
    /// <param name="loadIndex">position * 3 + phase of each load entry.</param>
    /// <param name="loadW">consumed active power per entry, W (negative for generation).</param>
    /// <param name="loadVar">consumed reactive power per entry, var.</param>
    public static void Backward(
        ReadOnlySpan<int> parent,
        ReadOnlySpan<bool> blocksZeroSequence,
        ReadOnlySpan<double> vRe,
        ReadOnlySpan<double> vIm,
        ReadOnlySpan<int> loadIndex,
        ReadOnlySpan<double> loadW,
        ReadOnlySpan<double> loadVar,
        Span<double> iRe,
        Span<double> iIm)
    {
        iRe.Clear();
        iIm.Clear();
        for (var k = 0; k < loadIndex.Length; k++)
        {
            var j = loadIndex[k];
            double a = vRe[j], b = vIm[j], p = loadW[k], q = loadVar[k];
            var inv = 1.0 / (a * a + b * b);
            iRe[j] += (p * a + q * b) * inv;
            iIm[j] += (p * b - q * a) * inv;
        }
        for (var n = parent.Length - 1; n > 0; n--)
        {
            var j = 3 * n;
            var up = 3 * parent[n];
            double ar = iRe[j], br = iRe[j + 1], cr = iRe[j + 2];
            double ai = iIm[j], bi = iIm[j + 1], ci = iIm[j + 2];
            if (blocksZeroSequence[n])
            {
                var mr = (ar + br + cr) / 3.0;
                var mi = (ai + bi + ci) / 3.0;
                ar -= mr; br -= mr; cr -= mr;
                ai -= mi; bi -= mi; ci -= mi;
            }
            iRe[up] += ar; iRe[up + 1] += br; iRe[up + 2] += cr;
            iIm[up] += ai; iIm[up + 1] += bi; iIm[up + 2] += ci;
        }
    }

    /// <summary>
    /// Forward sweep: V(child) = V(parent) - Z I(branch), from the root down, with Z the branch's 3x3 matrix.
    /// Returns the largest squared change of any node-phase voltage, V^2.
    /// </summary>
    public static double Forward(
        ReadOnlySpan<int> parent,
        ReadOnlySpan<double> impedance,
        ReadOnlySpan<double> iRe,
        ReadOnlySpan<double> iIm,
        Span<double> vRe,
        Span<double> vIm)
    {
        var maxChange = 0.0;
        for (var n = 1; n < parent.Length; n++)
        {
            var j = 3 * n;
            var up = 3 * parent[n];
            var z = impedance.Slice(n * Build.PhaseImpedance.Stride, Build.PhaseImpedance.Stride);
            double ar = iRe[j], br = iRe[j + 1], cr = iRe[j + 2];
            double ai = iIm[j], bi = iIm[j + 1], ci = iIm[j + 2];
            for (var r = 0; r < 3; r++)
            {
                var row = z.Slice(6 * r, 6);
                var dRe = row[0] * ar - row[1] * ai + row[2] * br - row[3] * bi + row[4] * cr - row[5] * ci;
                var dIm = row[0] * ai + row[1] * ar + row[2] * bi + row[3] * br + row[4] * ci + row[5] * cr;
                var newRe = vRe[up + r] - dRe;
                var newIm = vIm[up + r] - dIm;
                var eRe = newRe - vRe[j + r];
                var eIm = newIm - vIm[j + r];
                maxChange = Math.Max(maxChange, eRe * eRe + eIm * eIm);
                vRe[j + r] = newRe;
                vIm[j + r] = newIm;
            }
        }
        return maxChange;
    }
}
