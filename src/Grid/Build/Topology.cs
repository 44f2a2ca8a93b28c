using MicroMarket.Grid.Model;

namespace MicroMarket.Grid.Build;

/// <summary>
/// The tree the sweep walks for one operating mode, in breadth-first order: every position's parent comes
/// before it, so the backward sweep is one reverse loop and the forward sweep one forward loop.
/// <list type="bullet">
/// <item>Grid-connected: position 0 is the source EMF (no bus), position 1 the source bus behind the source
/// impedance, then each transformer's LV bus behind its leakage impedance, then the lines breadth-first.</item>
/// <item>Island: position 0 is the grid-forming slack unit's bus; the transformers are open, so only the
/// buses reachable from it over lines are energised.</item>
/// </list>
/// Each position k &gt; 0 owns the branch from its parent: a 3x3 impedance and whether it blocks zero-sequence
/// current towards the parent (a Dyn transformer).
/// </summary>
internal sealed class Topology
{
    private readonly List<int> _parent = [];
    private readonly List<double[]> _impedance = [];
    private readonly List<bool> _blocksZero = [];
    private readonly List<int> _node = [];

    private Topology(CompiledNetwork net)
    {
        Network = net;
        NodePosition = Enumerable.Repeat(-1, net.NodeCount).ToArray();
        LinePosition = Enumerable.Repeat(-1, net.Network.Lines.Count).ToArray();
        LineReversed = new bool[net.Network.Lines.Count];
        TransformerPosition = Enumerable.Repeat(-1, net.Network.Transformers.Count).ToArray();
    }

    public CompiledNetwork Network { get; }
    public bool IsIsland { get; private init; }

    /// <summary>Number of positions, including a virtual EMF at position 0 when grid-connected.</summary>
    public int Count => Parent.Length;

    public int[] Parent { get; private set; } = [];

    /// <summary><see cref="PhaseImpedance.Stride"/> doubles per position; position 0's are unused zeros.</summary>
    public double[] Impedance { get; private set; } = [];

    public bool[] BlocksZeroSequence { get; private set; } = [];

    /// <summary>Position of each electrical node, -1 when it is not energised in this mode.</summary>
    public int[] NodePosition { get; }

    /// <summary>Position of each bus (its node's), -1 when it is not energised in this mode.</summary>
    public int[] BusPosition { get; private set; } = [];

    /// <summary>Position of each line's downstream end, -1 when the line is not energised.</summary>
    public int[] LinePosition { get; }

    /// <summary>True when a line's FromBus is its downstream end, so its current flows against its name.</summary>
    public bool[] LineReversed { get; }

    /// <summary>Position of each transformer's LV bus, -1 in island mode.</summary>
    public int[] TransformerPosition { get; }

    public static Topology GridConnected(CompiledNetwork net)
    {
        var t = new Topology(net);
        t.Add(-1, -1, new double[PhaseImpedance.Stride], false);
        t.Add(net.SourceNode, 0, net.SourceImpedance, false);
        var roots = new List<int>();
        if (net.HasTransformers)
        {
            for (var i = 0; i < net.TransformerLvNode.Length; i++)
            {
                var lv = net.TransformerLvNode[i];
                if (t.NodePosition[lv] >= 0)
                {
                    throw new InvalidNetworkException($"transformer '{net.Network.Transformers[i].Name}' is in parallel with another transformer; only radial feeders are modelled");
                }
                t.TransformerPosition[i] = t.Add(lv, 1, net.TransformerImpedance[i], true);
                roots.Add(t.TransformerPosition[i]);
            }
        }
        else
        {
            roots.Add(1);
        }
        t.GrowLines(roots);
        t.Freeze();
        var dark = Enumerable.Range(0, net.Network.Buses.Count).Where(b => t.NodePosition[net.BusNode[b]] < 0).ToList();
        if (dark.Count > 0)
        {
            var names = string.Join(", ", dark.Take(5).Select(b => $"'{net.Network.Buses[b].Name}'"));
            throw new InvalidNetworkException($"{dark.Count} bus(es) are not connected to the source: {names}");
        }
        return t;
    }

    public static Topology Island(CompiledNetwork net, int slackNode)
    {
        if (net.IsMediumVoltage(slackNode))
        {
            throw new ArgumentException("the slack unit of an island must sit on the LV network, not on the MV source bus");
        }
        var t = new Topology(net) { IsIsland = true };
        t.Add(slackNode, -1, new double[PhaseImpedance.Stride], false);
        t.GrowLines([0]);
        t.Freeze();
        return t;
    }

    private int Add(int node, int parent, double[] impedance, bool blocksZero)
    {
        var position = _parent.Count;
        _parent.Add(parent);
        _impedance.Add(impedance);
        _blocksZero.Add(blocksZero);
        _node.Add(node);
        if (node >= 0)
        {
            NodePosition[node] = position;
        }
        return position;
    }

    private void GrowLines(List<int> roots)
    {
        // Breadth-first from the roots together; reaching an energised node again means a loop.
        var net = Network;
        var parentLine = new Dictionary<int, int>();
        var queue = new Queue<int>(roots);
        while (queue.Count > 0)
        {
            var position = queue.Dequeue();
            var node = _node[position];
            for (var a = net.AdjacencyStart[node]; a < net.AdjacencyStart[node + 1]; a++)
            {
                var line = net.AdjacencyLine[a];
                if (parentLine.TryGetValue(position, out var up) && up == line)
                {
                    continue;
                }
                var next = net.OtherEnd(line, node);
                if (NodePosition[next] >= 0)
                {
                    throw new InvalidNetworkException($"line '{net.Network.Lines[line].Name}' closes a loop; only radial feeders are modelled");
                }
                var child = Add(next, position, net.LineImpedance[line], false);
                parentLine[child] = line;
                LinePosition[line] = child;
                LineReversed[line] = net.LineFrom[line] == next;
                queue.Enqueue(child);
            }
        }
    }

    private void Freeze()
    {
        Parent = [.. _parent];
        BlocksZeroSequence = [.. _blocksZero];
        BusPosition = [.. Network.BusNode.Select(node => NodePosition[node])];
        Impedance = new double[Count * PhaseImpedance.Stride];
        for (var k = 0; k < Count; k++)
        {
            _impedance[k].CopyTo(Impedance, k * PhaseImpedance.Stride);
        }
    }
}
