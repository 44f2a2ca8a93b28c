using System.Numerics;
using System.Runtime.CompilerServices;
using MicroMarket.Grid.Build;
using MicroMarket.Grid.Model;
using MicroMarket.Grid.Solve;

namespace MicroMarket.Grid.Results;

/// <summary>
/// Everything one solve produced, mapped back from the tree to the network's own tables (pandapower's res_*):
/// node-phase voltages, line currents, losses, transformer and source powers, iterations.
/// A reusable buffer: each <see cref="PowerFlowSolver.Solve(BusPhaseInjections, PowerFlowMode, PowerFlowResult)"/>
/// overwrites it, so copy what you keep. Voltages are line-to-neutral (phase to ground), powers are three
/// separate per-phase quantities; buses and lines are indexed as in <see cref="Network"/>.
/// </summary>
public sealed class PowerFlowResult
{
    private readonly double[] _vRe;
    private readonly double[] _vIm;
    private readonly bool[] _energized;
    private readonly double[] _iRe;
    private readonly double[] _iIm;
    private readonly double[] _lineLossW;
    private readonly double[] _lineLossVar;
    private readonly double[] _transformerW;
    private readonly double[] _transformerVar;
    private readonly double[] _sourceW = new double[3];
    private readonly double[] _sourceVar = new double[3];

    public PowerFlowResult(Network network)
    {
        Network = network;
        _vRe = new double[3 * network.Buses.Count];
        _vIm = new double[3 * network.Buses.Count];
        _energized = new bool[network.Buses.Count];
        _iRe = new double[3 * network.Lines.Count];
        _iIm = new double[3 * network.Lines.Count];
        _lineLossW = new double[network.Lines.Count];
        _lineLossVar = new double[network.Lines.Count];
        _transformerW = new double[network.Transformers.Count];
        _transformerVar = new double[network.Transformers.Count];
    }

    public Network Network { get; }
    public PowerFlowMode Mode { get; private set; }

    /// <summary>True once a solve has written this buffer. A solve that does not converge throws instead.</summary>
    public bool Converged { get; private set; }

    /// <summary>Number of backward/forward sweeps the solve needed.</summary>
    public int Iterations { get; private set; }

    /// <summary>Largest node-phase voltage change in the last sweep, V (below the tolerance).</summary>
    public double MaxVoltageMismatchV { get; private set; }

    /// <summary>Total injections the solve was given, kW and kvar (generation minus consumption).</summary>
    public double InjectedPowerKw { get; private set; }

    public double InjectedReactivePowerKvar { get; private set; }

    /// <summary>Series losses of all lines, kW and kvar (I^H Z I summed over the feeder).</summary>
    public double LossesKw { get; private set; }

    public double LossesKvar { get; private set; }

    /// <summary>Losses in the transformers' leakage impedance, kW and kvar; zero in island mode.</summary>
    public double TransformerLossesKw { get; private set; }

    public double TransformerLossesKvar { get; private set; }

    /// <summary>
    /// Power drawn from the upstream grid at the source bus (the transformers' HV terminals), kW and kvar:
    /// pandapower's res_ext_grid for an ideal source. Zero in island mode.
    /// </summary>
    public double ExternalGridPowerKw { get; private set; }

    public double ExternalGridReactivePowerKvar { get; private set; }

    /// <summary>
    /// Active power per phase delivered into the LV network by its source, kW: the transformers' secondaries
    /// when grid-connected (the "substation" power of the IEEE tables), the grid-forming slack unit when islanded.
    /// Source power = line losses - net injection, exactly.
    /// </summary>
    public double SourcePowerKw(Phase phase) => _sourceW[(int)phase] / 1000.0;

    /// <summary>Reactive power per phase delivered by the source, kvar (see <see cref="SourcePowerKw"/>).</summary>
    public double SourceReactivePowerKvar(Phase phase) => _sourceVar[(int)phase] / 1000.0;

    public double SourcePowerTotalKw => (_sourceW[0] + _sourceW[1] + _sourceW[2]) / 1000.0;
    public double SourceReactivePowerTotalKvar => (_sourceVar[0] + _sourceVar[1] + _sourceVar[2]) / 1000.0;

    /// <summary>False for a bus that this mode leaves dead (outside the island); its voltages are zero.</summary>
    public bool IsEnergized(int bus) => _energized[bus];

    /// <summary>Line-to-neutral voltage phasor, V.</summary>
    public Complex VoltageV(int bus, Phase phase) => new(_vRe[3 * bus + (int)phase], _vIm[3 * bus + (int)phase]);

    public double VoltageMagnitudeV(int bus, Phase phase) => VoltageV(bus, phase).Magnitude;

    /// <summary>Voltage angle in degrees, in (-180, 180], with the source's phase A as reference.</summary>
    public double VoltageAngleDeg(int bus, Phase phase) => VoltageV(bus, phase).Phase * 180.0 / Math.PI;

    /// <summary>Voltage magnitude per unit of the bus's line-to-neutral base.</summary>
    public double VoltagePu(int bus, Phase phase) => VoltageMagnitudeV(bus, phase) / Network.Buses[bus].BaseVoltageV;

    /// <summary>Current phasor in a line, A, positive from its FromBus to its ToBus.</summary>
    public Complex LineCurrentA(int line, Phase phase) => new(_iRe[3 * line + (int)phase], _iIm[3 * line + (int)phase]);

    public double LineCurrentMagnitudeA(int line, Phase phase) => LineCurrentA(line, phase).Magnitude;

    /// <summary>Largest phase current over the line code's ampacity (1 = fully loaded), or null when no rating is known.</summary>
    public double? LineLoading(int line)
    {
        var rating = Network.LineCodeOf(Network.Lines[line]).AmpacityA;
        if (rating is not { } ampacity)
        {
            return null;
        }
        var worst = Math.Max(LineCurrentMagnitudeA(line, Phase.A), Math.Max(LineCurrentMagnitudeA(line, Phase.B), LineCurrentMagnitudeA(line, Phase.C)));
        return worst / ampacity;
    }

    /// <summary>Series losses of one line, kW (power in at one end minus power out at the other).</summary>
    public double LineLossesKw(int line) => _lineLossW[line] / 1000.0;

    public double LineLossesKvar(int line) => _lineLossVar[line] / 1000.0;

    /// <summary>Power through a transformer's LV terminals into the feeder, kW and kvar; zero in island mode.</summary>
    public double TransformerPowerKw(int transformer) => _transformerW[transformer] / 1000.0;

    public double TransformerReactivePowerKvar(int transformer) => _transformerVar[transformer] / 1000.0;

    /// <summary>Apparent power at the LV terminals over the rating (1 = fully loaded).</summary>
    public double TransformerLoading(int transformer) =>
        Complex.Abs(new Complex(_transformerW[transformer], _transformerVar[transformer])) / 1000.0 / Network.Transformers[transformer].RatedKva;

    /// <summary>Smallest and largest voltage magnitude on one phase over energised buses, V; LV buses only unless <paramref name="includeMediumVoltage"/>.</summary>
    public (double MinV, double MaxV) VoltageRangeV(Phase phase, bool includeMediumVoltage = false)
    {
        var min = double.PositiveInfinity;
        var max = double.NegativeInfinity;
        var lvLimitKv = 1.0;
        for (var b = 0; b < Network.Buses.Count; b++)
        {
            if (!_energized[b] || (!includeMediumVoltage && Network.Buses[b].NominalVoltageKv > lvLimitKv))
            {
                continue;
            }
            var v = VoltageMagnitudeV(b, phase);
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        return (min, max);
    }

    /// <summary>Every energised node-phase voltage as a row, for tables and exports (allocates).</summary>
    public IEnumerable<BusPhaseVoltage> Voltages()
    {
        for (var b = 0; b < Network.Buses.Count; b++)
        {
            if (!_energized[b])
            {
                continue;
            }
            for (var p = Phase.A; p <= Phase.C; p++)
            {
                yield return new BusPhaseVoltage(Network.Buses[b].Name, p, VoltageMagnitudeV(b, p), VoltageAngleDeg(b, p), VoltagePu(b, p));
            }
        }
    }

    // Runs once per solve over every bus and line: optimised from the first call, like the sweep kernels.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Capture(
        CompiledNetwork net,
        Topology topology,
        double[] vRe,
        double[] vIm,
        double[] iRe,
        double[] iIm,
        PowerFlowMode mode,
        int iterations,
        double mismatchV,
        ReadOnlySpan<double> loadW,
        ReadOnlySpan<double> loadVar)
    {
        Mode = mode;
        Iterations = iterations;
        MaxVoltageMismatchV = mismatchV;
        // The solver's load list holds every non-zero injection (in W / var, load convention).
        InjectedPowerKw = -Sum(loadW) / 1000.0;
        InjectedReactivePowerKvar = -Sum(loadVar) / 1000.0;
        CaptureVoltages(net, topology, vRe, vIm);
        CaptureLines(topology, vRe, vIm, iRe, iIm);
        CaptureSources(net, topology, vRe, vIm, iRe, iIm);
        Converged = true;
    }

    private static double Sum(ReadOnlySpan<double> values)
    {
        var sum = 0.0;
        foreach (var v in values)
        {
            sum += v;
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CaptureVoltages(CompiledNetwork net, Topology topology, double[] vRe, double[] vIm)
    {
        var busPosition = topology.BusPosition;
        for (var b = 0; b < _energized.Length; b++)
        {
            var position = busPosition[b];
            _energized[b] = position >= 0;
            var to = 3 * b;
            if (position < 0)
            {
                _vRe[to] = _vRe[to + 1] = _vRe[to + 2] = 0.0;
                _vIm[to] = _vIm[to + 1] = _vIm[to + 2] = 0.0;
                continue;
            }
            var from = 3 * position;
            if (net.IsMediumVoltage(net.BusNode[b]))
            {
                UnreferMediumVoltage(net, vRe, vIm, from, to);
                continue;
            }
            _vRe[to] = vRe[from];
            _vRe[to + 1] = vRe[from + 1];
            _vRe[to + 2] = vRe[from + 2];
            _vIm[to] = vIm[from];
            _vIm[to + 1] = vIm[from + 1];
            _vIm[to + 2] = vIm[from + 2];
        }
    }

    private void UnreferMediumVoltage(CompiledNetwork net, double[] vRe, double[] vIm, int from, int to)
    {
        // The solver holds the HV bus voltage referred to the LV side; undo the referral per sequence:
        // positive sequence turned forward by the shift, negative sequence back, both times the ratio.
        var a = Complex.FromPolarCoordinates(1.0, 2 * Math.PI / 3);
        var va = new Complex(vRe[from], vIm[from]);
        var vb = new Complex(vRe[from + 1], vIm[from + 1]);
        var vc = new Complex(vRe[from + 2], vIm[from + 2]);
        var shift = Complex.FromPolarCoordinates(net.ReferralRatio, net.PhaseShiftRad);
        var v1 = (va + a * vb + a * a * vc) / 3 * shift;
        var v2 = (va + a * a * vb + a * vc) / 3 * Complex.Conjugate(shift);
        Span<Complex> hv = [v1 + v2, a * a * v1 + a * v2, a * v1 + a * a * v2];
        for (var p = 0; p < 3; p++)
        {
            _vRe[to + p] = hv[p].Real;
            _vIm[to + p] = hv[p].Imaginary;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CaptureLines(Topology topology, double[] vRe, double[] vIm, double[] iRe, double[] iIm)
    {
        var linePosition = topology.LinePosition;
        var reversed = topology.LineReversed;
        var parent = topology.Parent;
        var lossW = 0.0;
        var lossVar = 0.0;
        for (var l = 0; l < linePosition.Length; l++)
        {
            var position = linePosition[l];
            var to = 3 * l;
            if (position < 0)
            {
                _iRe[to] = _iRe[to + 1] = _iRe[to + 2] = 0.0;
                _iIm[to] = _iIm[to + 1] = _iIm[to + 2] = 0.0;
                _lineLossW[l] = _lineLossVar[l] = 0.0;
                continue;
            }
            var sign = reversed[l] ? -1.0 : 1.0;
            for (var p = 0; p < 3; p++)
            {
                _iRe[to + p] = sign * iRe[3 * position + p];
                _iIm[to + p] = sign * iIm[3 * position + p];
            }
            var (w, q) = BranchLoss(parent[position], position, vRe, vIm, iRe, iIm);
            _lineLossW[l] = w;
            _lineLossVar[l] = q;
            lossW += w;
            lossVar += q;
        }
        LossesKw = lossW / 1000.0;
        LossesKvar = lossVar / 1000.0;
    }

    private void CaptureSources(CompiledNetwork net, Topology topology, double[] vRe, double[] vIm, double[] iRe, double[] iIm)
    {
        Array.Clear(_sourceW);
        Array.Clear(_sourceVar);
        Array.Clear(_transformerW);
        Array.Clear(_transformerVar);
        TransformerLossesKw = TransformerLossesKvar = 0;
        ExternalGridPowerKw = ExternalGridReactivePowerKvar = 0;
        if (topology.IsIsland)
        {
            AddPhasePowers(0, vRe, vIm, iRe, iIm, _sourceW, _sourceVar);
            return;
        }
        // Position 1 is the source bus: its branch current is everything drawn from the upstream grid.
        Span<double> gridW = stackalloc double[3];
        Span<double> gridVar = stackalloc double[3];
        AddPhasePowers(1, vRe, vIm, iRe, iIm, gridW, gridVar);
        ExternalGridPowerKw = (gridW[0] + gridW[1] + gridW[2]) / 1000.0;
        ExternalGridReactivePowerKvar = (gridVar[0] + gridVar[1] + gridVar[2]) / 1000.0;
        if (!net.HasTransformers)
        {
            gridW.CopyTo(_sourceW);
            gridVar.CopyTo(_sourceVar);
            return;
        }
        Span<double> w = stackalloc double[3];
        Span<double> q = stackalloc double[3];
        for (var t = 0; t < _transformerW.Length; t++)
        {
            w.Clear();
            q.Clear();
            var position = topology.TransformerPosition[t];
            AddPhasePowers(position, vRe, vIm, iRe, iIm, w, q);
            for (var p = 0; p < 3; p++)
            {
                _sourceW[p] += w[p];
                _sourceVar[p] += q[p];
            }
            _transformerW[t] = w[0] + w[1] + w[2];
            _transformerVar[t] = q[0] + q[1] + q[2];
            var (lossW, lossVar) = BranchLoss(1, position, vRe, vIm, iRe, iIm);
            TransformerLossesKw += lossW / 1000.0;
            TransformerLossesKvar += lossVar / 1000.0;
        }
    }

    private static void AddPhasePowers(int position, double[] vRe, double[] vIm, double[] iRe, double[] iIm, Span<double> w, Span<double> q)
    {
        // S = V conj(I) per phase, with I the current entering the position's subtree.
        for (var p = 0; p < 3; p++)
        {
            var j = 3 * position + p;
            w[p] += vRe[j] * iRe[j] + vIm[j] * iIm[j];
            q[p] += vIm[j] * iRe[j] - vRe[j] * iIm[j];
        }
    }

    private static (double W, double Var) BranchLoss(int up, int down, double[] vRe, double[] vIm, double[] iRe, double[] iIm)
    {
        // (V_up - V_down) conj(I) summed over phases: power in at one end minus power out at the other.
        double w = 0, q = 0;
        for (var p = 0; p < 3; p++)
        {
            var dRe = vRe[3 * up + p] - vRe[3 * down + p];
            var dIm = vIm[3 * up + p] - vIm[3 * down + p];
            var j = 3 * down + p;
            w += dRe * iRe[j] + dIm * iIm[j];
            q += dIm * iRe[j] - dRe * iIm[j];
        }
        return (w, q);
    }
}
