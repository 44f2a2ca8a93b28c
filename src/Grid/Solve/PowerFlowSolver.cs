using System.Numerics;
using System.Runtime.CompilerServices;
using MicroMarket.Grid.Build;
using MicroMarket.Grid.Model;
using MicroMarket.Grid.Results;

namespace MicroMarket.Grid.Solve;

/// <summary>
/// Three-phase, phase-frame backward/forward sweep power flow for a radial feeder with constant-PQ injections.
/// Build it once per network (it compiles the network to arrays), then call <see cref="Solve(BusPhaseInjections, PowerFlowMode, PowerFlowResult)"/>
/// every slot: with warm start on and a caller-owned result, a solve allocates nothing.
/// Not thread-safe: one solver per thread (it keeps the previous solution of each mode for the warm start).
/// </summary>
public sealed class PowerFlowSolver
{
    private readonly CompiledNetwork _net;
    private readonly ModeState _grid;
    private readonly Dictionary<int, ModeState> _islands = [];
    private readonly int[] _loadIndex;
    private readonly double[] _loadW;
    private readonly double[] _loadVar;

    public PowerFlowSolver(Network network, PowerFlowOptions? options = null)
    {
        Network = network;
        Options = options ?? PowerFlowOptions.Default;
        if (!(Options.ToleranceV > 0) || Options.MaxIterations < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "tolerance must be > 0 V and the iteration limit >= 1");
        }
        _net = new CompiledNetwork(network);
        _grid = new ModeState(Topology.GridConnected(_net));
        var entries = 3 * network.Buses.Count;
        _loadIndex = new int[entries];
        _loadW = new double[entries];
        _loadVar = new double[entries];
    }

    public Network Network { get; }
    public PowerFlowOptions Options { get; }

    /// <summary>A fresh, zeroed injection buffer for this network.</summary>
    public BusPhaseInjections CreateInjections() => new(Network);

    /// <summary>A result buffer to reuse across solves.</summary>
    public PowerFlowResult CreateResult() => new(Network);

    /// <summary>Solves and returns a new result (allocates it; use the overload with a buffer in a hot loop).</summary>
    public PowerFlowResult Solve(BusPhaseInjections injections, PowerFlowMode mode)
    {
        var result = CreateResult();
        Solve(injections, mode, result);
        return result;
    }

    /// <summary>
    /// Solves the feeder for the given injections and writes every quantity into <paramref name="result"/>.
    /// </summary>
    /// <exception cref="PowerFlowNotConvergedException">the sweep did not reach the tolerance; the result is untouched.</exception>
    /// <exception cref="ArgumentException">an injection sits on a bus that is not energised in this mode, or on the MV source bus.</exception>
    public void Solve(BusPhaseInjections injections, PowerFlowMode mode, PowerFlowResult result)
    {
        if (!ReferenceEquals(injections.Network, Network) || !ReferenceEquals(result.Network, Network))
        {
            throw new ArgumentException("injections and result must belong to this solver's network");
        }
        var state = StateFor(mode);
        var topology = state.Topology;
        SetRootVoltage(state, mode);
        var loads = CollectLoads(injections, topology);

        if (!Options.WarmStart || !state.Warm)
        {
            FlatStart(state);
        }
        state.Warm = false;

        var rootMagnitudeSquared = state.VRe[0] * state.VRe[0] + state.VIm[0] * state.VIm[0];
        var tolSquared = Options.ToleranceV * Options.ToleranceV;
        var change = double.NaN;
        var iterations = 0;
        while (true)
        {
            iterations++;
            Sweep.Backward(topology.Parent, topology.BlocksZeroSequence, state.VRe, state.VIm,
                _loadIndex.AsSpan(0, loads), _loadW.AsSpan(0, loads), _loadVar.AsSpan(0, loads), state.IRe, state.IIm);
            change = Sweep.Forward(topology.Parent, topology.Impedance, state.IRe, state.IIm, state.VRe, state.VIm);
            if (change < tolSquared)
            {
                break;
            }
            // A voltage moving by more than the source voltage in one sweep is a collapse, not a slow convergence.
            if (!(change < 100 * rootMagnitudeSquared))
            {
                throw new PowerFlowNotConvergedException(iterations, Math.Sqrt(change), "the sweep diverged (voltage collapse: the load exceeds what the feeder can carry)");
            }
            if (iterations >= Options.MaxIterations)
            {
                throw new PowerFlowNotConvergedException(iterations, Math.Sqrt(change), $"iteration limit {Options.MaxIterations} reached");
            }
        }
        // One more backward sweep so that currents and voltages satisfy KCL exactly at the reported voltages.
        Sweep.Backward(topology.Parent, topology.BlocksZeroSequence, state.VRe, state.VIm,
            _loadIndex.AsSpan(0, loads), _loadW.AsSpan(0, loads), _loadVar.AsSpan(0, loads), state.IRe, state.IIm);
        state.Warm = true;

        result.Capture(_net, topology, state.VRe, state.VIm, state.IRe, state.IIm, mode, iterations, Math.Sqrt(change),
            _loadW.AsSpan(0, loads), _loadVar.AsSpan(0, loads));
    }

    /// <summary>Forgets the previous solutions, so the next solve of each mode starts flat (for cold-start timing).</summary>
    public void ResetWarmStart()
    {
        _grid.Warm = false;
        foreach (var s in _islands.Values)
        {
            s.Warm = false;
        }
    }

    private ModeState StateFor(PowerFlowMode mode)
    {
        if (!mode.IsIsland)
        {
            return _grid;
        }
        if (mode.SlackBus >= Network.Buses.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(mode), $"slack bus index {mode.SlackBus} is outside the network");
        }
        var node = _net.BusNode[mode.SlackBus];
        if (!_islands.TryGetValue(node, out var state))
        {
            state = new ModeState(Topology.Island(_net, node));
            _islands[node] = state;
        }
        return state;
    }

    private void SetRootVoltage(ModeState state, PowerFlowMode mode)
    {
        if (!mode.IsIsland)
        {
            for (var p = 0; p < 3; p++)
            {
                state.VRe[p] = _net.SourceEmfV[p].Real;
                state.VIm[p] = _net.SourceEmfV[p].Imaginary;
            }
            return;
        }
        var magnitude = mode.SlackVoltagePu * Network.Buses[mode.SlackBus].BaseVoltageV;
        var angle = mode.SlackAngleDeg * Math.PI / 180.0;
        for (var p = 0; p < 3; p++)
        {
            var v = Complex.FromPolarCoordinates(magnitude, angle - p * 2 * Math.PI / 3);
            state.VRe[p] = v.Real;
            state.VIm[p] = v.Imaginary;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int CollectLoads(BusPhaseInjections injections, Topology topology)
    {
        var p = injections.ActivePowerKw;
        var q = injections.ReactivePowerKvar;
        var count = 0;
        for (var bus = 0; bus < Network.Buses.Count; bus++)
        {
            for (var phase = 0; phase < 3; phase++)
            {
                var i = 3 * bus + phase;
                if (p[i] == 0.0 && q[i] == 0.0)
                {
                    continue;
                }
                var node = _net.BusNode[bus];
                var position = topology.NodePosition[node];
                if (position < 0 || _net.IsMediumVoltage(node))
                {
                    throw new ArgumentException(position < 0
                        ? $"injection at bus '{Network.Buses[bus].Name}', which is not energised in this mode"
                        : $"injection at the MV source bus '{Network.Buses[bus].Name}' is not modelled");
                }
                _loadIndex[count] = 3 * position + phase;
                // The sweep works in the load convention and in W / var.
                _loadW[count] = -1000.0 * p[i];
                _loadVar[count] = -1000.0 * q[i];
                count++;
            }
        }
        return count;
    }

    private static void FlatStart(ModeState state)
    {
        for (var k = 3; k < state.VRe.Length; k += 3)
        {
            state.VRe.AsSpan(0, 3).CopyTo(state.VRe.AsSpan(k, 3));
            state.VIm.AsSpan(0, 3).CopyTo(state.VIm.AsSpan(k, 3));
        }
    }

    /// <summary>Per-mode sweep buffers in tree order, kept between solves for the warm start.</summary>
    private sealed class ModeState(Topology topology)
    {
        public Topology Topology { get; } = topology;
        public double[] VRe { get; } = new double[3 * topology.Count];
        public double[] VIm { get; } = new double[3 * topology.Count];
        public double[] IRe { get; } = new double[3 * topology.Count];
        public double[] IIm { get; } = new double[3 * topology.Count];
        public bool Warm { get; set; }
    }
}
