using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MicroMarket.Grid.Solve;

/// <summary>
/// The backward/forward sweep kernels. They see only arrays in tree order (see <see cref="Build.Topology"/>):
/// three entries per position, one per phase, voltages in volts and currents in amperes. They read spans,
/// write caller-owned spans and allocate nothing. They are compiled fully optimised from the first call
/// (AggressiveOptimization), so the first day of a fresh process runs as fast as the later ones.
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Forward(
        ReadOnlySpan<int> parent,
        ReadOnlySpan<double> impedance,
        ReadOnlySpan<double> iRe,
        ReadOnlySpan<double> iIm,
        Span<double> vRe,
        Span<double> vIm)
    {
        // The hot loop of the solver: one 3x3 complex matrix-vector product per position. The checks are done once
        // here, so the loop can walk the arrays by reference without per-element bounds checks.
        var count = parent.Length;
        if (impedance.Length < count * Build.PhaseImpedance.Stride || iRe.Length < 3 * count || iIm.Length < 3 * count
            || vRe.Length < 3 * count || vIm.Length < 3 * count)
        {
            throw new ArgumentException("sweep buffers are shorter than the tree");
        }
        ref var z0 = ref MemoryMarshal.GetReference(impedance);
        ref var ir = ref MemoryMarshal.GetReference(iRe);
        ref var ii = ref MemoryMarshal.GetReference(iIm);
        ref var vr = ref MemoryMarshal.GetReference(vRe);
        ref var vi = ref MemoryMarshal.GetReference(vIm);
        var maxChange = 0.0;
        for (var n = 1; n < count; n++)
        {
            var j = 3 * n;
            var up = 3 * parent[n];
            ref var z = ref Unsafe.Add(ref z0, n * Build.PhaseImpedance.Stride);
            double ar = Unsafe.Add(ref ir, j), br = Unsafe.Add(ref ir, j + 1), cr = Unsafe.Add(ref ir, j + 2);
            double ai = Unsafe.Add(ref ii, j), bi = Unsafe.Add(ref ii, j + 1), ci = Unsafe.Add(ref ii, j + 2);
            for (var r = 0; r < 3; r++)
            {
                ref var row = ref Unsafe.Add(ref z, 6 * r);
                double z0r = row, z0i = Unsafe.Add(ref row, 1), z1r = Unsafe.Add(ref row, 2), z1i = Unsafe.Add(ref row, 3), z2r = Unsafe.Add(ref row, 4), z2i = Unsafe.Add(ref row, 5);
                var dRe = z0r * ar - z0i * ai + z1r * br - z1i * bi + z2r * cr - z2i * ci;
                var dIm = z0r * ai + z0i * ar + z1r * bi + z1i * br + z2r * ci + z2i * cr;
                var newRe = Unsafe.Add(ref vr, up + r) - dRe;
                var newIm = Unsafe.Add(ref vi, up + r) - dIm;
                ref var oldRe = ref Unsafe.Add(ref vr, j + r);
                ref var oldIm = ref Unsafe.Add(ref vi, j + r);
                var eRe = newRe - oldRe;
                var eIm = newIm - oldIm;
                maxChange = Math.Max(maxChange, eRe * eRe + eIm * eIm);
                oldRe = newRe;
                oldIm = newIm;
            }
        }
        return maxChange;
    }
}
