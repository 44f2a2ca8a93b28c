using System.Numerics;

namespace MicroMarket.Grid.Build;

/// <summary>
/// A 3x3 complex phase-frame impedance in ohms, stored flat as the solver reads it: 18 doubles, row-major,
/// (re, im) per entry, so the sweep multiplies without touching <see cref="Complex"/>.
/// </summary>
internal static class PhaseImpedance
{
    public const int Stride = 18;

    /// <summary>
    /// The phase-frame matrix of a balanced (transposed) element from its sequence impedances:
    /// Zs = (2 Z1 + Z0) / 3 on the diagonal, Zm = (Z0 - Z1) / 3 off it.
    /// </summary>
    public static double[] FromSequence(Complex z1, Complex z0)
    {
        var self = (2 * z1 + z0) / 3;
        var mutual = (z0 - z1) / 3;
        var z = new double[Stride];
        for (var r = 0; r < 3; r++)
        {
            for (var c = 0; c < 3; c++)
            {
                var v = r == c ? self : mutual;
                z[(r * 3 + c) * 2] = v.Real;
                z[(r * 3 + c) * 2 + 1] = v.Imaginary;
            }
        }
        return z;
    }

    /// <summary>Z1 = Z2 = Z0 = <paramref name="z"/>: three uncoupled phases (a transformer's leakage seen from its wye side).</summary>
    public static double[] Uncoupled(Complex z) => FromSequence(z, z);

    /// <summary>The series impedance of <paramref name="lengthM"/> metres of a line code given in ohm/km.</summary>
    public static double[] OfLine(Model.LineCode code, double lengthM)
    {
        var km = lengthM / 1000.0;
        return FromSequence(
            new Complex(code.R1OhmPerKm, code.X1OhmPerKm) * km,
            new Complex(code.R0OhmPerKm, code.X0OhmPerKm) * km);
    }
}
