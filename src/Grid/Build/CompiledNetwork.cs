using System.Numerics;
using MicroMarket.Grid.Model;

namespace MicroMarket.Grid.Build;

/// <summary>
/// A <see cref="Network"/> turned into solver terms, independent of the operating mode (pandapower's pd2ppc):
/// <list type="bullet">
/// <item>electrical nodes: buses tied by closed switches share one node;</item>
/// <item>every line and transformer as an edge with its 3x3 phase-frame impedance;</item>
/// <item>the source as a balanced EMF behind a 3x3 impedance, all referred to the LV side.</item>
/// </list>
/// Referral through the Dyn transformers: with n = kV_HV / kV_LV and the LV side lagging by phi, an HV
/// quantity's positive sequence maps to e^(-j phi) / n times itself, its negative sequence to e^(+j phi) / n,
/// and its zero sequence to nothing (the delta winding blocks it); impedances map by 1 / n^2. The transformer
/// itself is then its leakage impedance on every LV phase, and a branch that passes to its parent only the
/// positive- and negative-sequence part of its current. With one transformer this is exactly the Thevenin
/// equivalent that reproduces the published IEEE results (Z1 = Zsrc + ZT, Z0 = ZT, E at -30 degrees).
/// </summary>
internal sealed class CompiledNetwork
{
    public CompiledNetwork(Network network)
    {
        Network = network;
        (BusNode, NodeCount) = MergeSwitchedBuses(network);
        SourceNode = BusNode[network.BusIndex(network.Source.Bus)];
        LineFrom = new int[network.Lines.Count];
        LineTo = new int[network.Lines.Count];
        LineImpedance = new double[network.Lines.Count][];
        for (var i = 0; i < network.Lines.Count; i++)
        {
            var line = network.Lines[i];
            LineFrom[i] = BusNode[network.BusIndex(line.FromBus)];
            LineTo[i] = BusNode[network.BusIndex(line.ToBus)];
            if (LineFrom[i] == LineTo[i])
            {
                throw new InvalidNetworkException($"line '{line.Name}' is shorted by a closed switch");
            }
            LineImpedance[i] = PhaseImpedance.OfLine(network.LineCodeOf(line), line.LengthM);
        }
        (AdjacencyStart, AdjacencyLine) = BuildAdjacency();

        TransformerLvNode = new int[network.Transformers.Count];
        TransformerImpedance = new double[network.Transformers.Count][];
        (ReferralRatio, PhaseShiftRad) = CheckTransformers(network);
        for (var t = 0; t < network.Transformers.Count; t++)
        {
            var tr = network.Transformers[t];
            TransformerLvNode[t] = BusNode[network.BusIndex(tr.LvBus)];
            var baseOhm = tr.LvVoltageKv * tr.LvVoltageKv / (tr.RatedKva / 1000.0);
            TransformerImpedance[t] = PhaseImpedance.Uncoupled(
                new Complex(tr.ResistancePercent, tr.ReactancePercent) / 100.0 * baseOhm);
        }

        var source = network.Source;
        var emfV = source.VoltagePu * source.NominalVoltageKv * 1000.0 / Math.Sqrt(3.0) / ReferralRatio;
        var angle = source.AngleDeg * Math.PI / 180.0 - PhaseShiftRad;
        SourceEmfV = [Complex.FromPolarCoordinates(emfV, angle),
            Complex.FromPolarCoordinates(emfV, angle - 2 * Math.PI / 3),
            Complex.FromPolarCoordinates(emfV, angle + 2 * Math.PI / 3)];
        SourceImpedance = SourceThevenin(source, ReferralRatio, network.Transformers.Count > 0);
    }

    public Network Network { get; }
    public int NodeCount { get; }
    public int[] BusNode { get; }
    public int SourceNode { get; }
    public int[] LineFrom { get; }
    public int[] LineTo { get; }
    public double[][] LineImpedance { get; }
    public int[] AdjacencyStart { get; }
    public int[] AdjacencyLine { get; }
    public int[] TransformerLvNode { get; }
    public double[][] TransformerImpedance { get; }
    public Complex[] SourceEmfV { get; }
    public double[] SourceImpedance { get; }

    /// <summary>kV_HV / kV_LV of the transformers, 1 when the source feeds the LV network directly.</summary>
    public double ReferralRatio { get; }

    /// <summary>The transformers' LV lag in radians, 0 without transformers.</summary>
    public double PhaseShiftRad { get; }

    public bool HasTransformers => TransformerLvNode.Length > 0;

    /// <summary>The node on the HV side of the transformers, whose voltages are reported un-referred; -1 without transformers.</summary>
    public int MediumVoltageNode => HasTransformers ? SourceNode : -1;

    public bool IsMediumVoltage(int node) => node == MediumVoltageNode;

    /// <summary>The node at the other end of <paramref name="line"/> from <paramref name="node"/>.</summary>
    public int OtherEnd(int line, int node) => LineFrom[line] == node ? LineTo[line] : LineFrom[line];

    private static (int[] BusNode, int Count) MergeSwitchedBuses(Network network)
    {
        // Union-find over closed switches: each group of tied buses becomes one electrical node,
        // numbered in the order of its first bus so that the numbering is deterministic.
        var root = new int[network.Buses.Count];
        for (var i = 0; i < root.Length; i++)
        {
            root[i] = i;
        }
        int Find(int i)
        {
            while (root[i] != i)
            {
                root[i] = root[root[i]];
                i = root[i];
            }
            return i;
        }
        foreach (var sw in network.Switches.Where(s => s.Closed))
        {
            var a = Find(network.BusIndex(sw.Bus));
            var b = Find(network.BusIndex(sw.OtherBus));
            root[Math.Max(a, b)] = Math.Min(a, b);
        }
        var node = new int[root.Length];
        var numbering = new Dictionary<int, int>();
        for (var i = 0; i < root.Length; i++)
        {
            var r = Find(i);
            if (!numbering.TryGetValue(r, out var n))
            {
                n = numbering.Count;
                numbering[r] = n;
            }
            node[i] = n;
        }
        return (node, numbering.Count);
    }

    private (int[] Start, int[] Lines) BuildAdjacency()
    {
        // Compressed sparse rows: the lines at node k are AdjacencyLine[Start[k] .. Start[k+1]), in line order.
        var start = new int[NodeCount + 1];
        foreach (var n in LineFrom.Concat(LineTo))
        {
            start[n + 1]++;
        }
        for (var k = 0; k < NodeCount; k++)
        {
            start[k + 1] += start[k];
        }
        var fill = (int[])start.Clone();
        var lines = new int[2 * LineFrom.Length];
        for (var i = 0; i < LineFrom.Length; i++)
        {
            lines[fill[LineFrom[i]]++] = i;
            lines[fill[LineTo[i]]++] = i;
        }
        return (start, lines);
    }

    private (double Ratio, double ShiftRad) CheckTransformers(Network network)
    {
        if (network.Transformers.Count == 0)
        {
            return (1.0, 0.0);
        }
        var first = network.Transformers[0];
        foreach (var t in network.Transformers)
        {
            // One referral frame for the whole LV side needs one ratio and one shift.
            if (t.HvVoltageKv != first.HvVoltageKv || t.LvVoltageKv != first.LvVoltageKv || t.PhaseShiftDeg != first.PhaseShiftDeg)
            {
                throw new InvalidNetworkException(
                    $"transformer '{t.Name}': all transformers must share one ratio and phase shift ({first.Name}: {first.HvVoltageKv}/{first.LvVoltageKv} kV, {first.PhaseShiftDeg} deg)");
            }
            if (BusNode[network.BusIndex(t.HvBus)] != SourceNode)
            {
                throw new InvalidNetworkException($"transformer '{t.Name}': HV bus '{t.HvBus}' is not the source bus '{network.Source.Bus}' (or tied to it by a closed switch)");
            }
            if (BusNode[network.BusIndex(t.LvBus)] == SourceNode)
            {
                throw new InvalidNetworkException($"transformer '{t.Name}': LV bus '{t.LvBus}' is tied to the source bus");
            }
        }
        for (var i = 0; i < LineFrom.Length; i++)
        {
            if (LineFrom[i] == SourceNode || LineTo[i] == SourceNode)
            {
                throw new InvalidNetworkException($"line '{network.Lines[i].Name}': lines on the MV side of the transformers are not modelled");
            }
        }
        return (first.HvVoltageKv / first.LvVoltageKv, first.PhaseShiftDeg * Math.PI / 180.0);
    }

    private static double[] SourceThevenin(Source source, double ratio, bool behindDelta)
    {
        if (source.ShortCircuit is not { } sc)
        {
            return new double[PhaseImpedance.Stride];
        }
        var vllV = source.NominalVoltageKv * 1000.0;
        var z1 = WithXOverR(vllV / (Math.Sqrt(3.0) * sc.ThreePhaseCurrentA), sc.XOverR);
        // Behind a delta winding the source's zero sequence never carries current: take Z0 = Z1.
        var z0 = behindDelta || sc.SinglePhaseCurrentA is not { } isc1
            ? z1
            : ZeroSequenceFromSinglePhaseCurrent(z1, vllV / Math.Sqrt(3.0) * 3.0 / isc1, sc.X0OverR0);
        return PhaseImpedance.FromSequence(z1 / (ratio * ratio), z0 / (ratio * ratio));
    }

    private static Complex WithXOverR(double magnitudeOhm, double xOverR)
    {
        var r = magnitudeOhm / Math.Sqrt(1.0 + xOverR * xOverR);
        return new Complex(r, r * xOverR);
    }

    private static Complex ZeroSequenceFromSinglePhaseCurrent(Complex z1, double loopOhm, double x0OverR0)
    {
        // Solve |2 Z1 + z0 u| = loopOhm for z0 > 0, u the unit phasor of angle atan(X0/R0).
        var u = WithXOverR(1.0, x0OverR0);
        var w = 2 * z1;
        var b = (w * Complex.Conjugate(u)).Real;
        var disc = b * b - w.Magnitude * w.Magnitude + loopOhm * loopOhm;
        var z0 = -b + Math.Sqrt(Math.Max(disc, 0.0));
        if (!(z0 > 0))
        {
            throw new InvalidNetworkException("source: ISC1 is too high for ISC3 (it implies a non-positive zero-sequence impedance)");
        }
        return z0 * u;
    }
}
