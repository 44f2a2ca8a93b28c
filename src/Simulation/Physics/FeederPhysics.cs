using MicroMarket.Market;
using MicroMarket.Simulation.Decisions;
using MicroMarket.Grid.Balance;
using MicroMarket.Grid.Model;
using MicroMarket.Grid.Results;
using MicroMarket.Grid.Solve;
using MicroMarket.Grid.Units;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Model;

namespace MicroMarket.Simulation.Physics;

/// <summary>
/// What really flows in a slot, Akka-free. Every unit's proposal becomes a constant-PQ injection at
/// its bus and phase; then
/// <list type="bullet">
/// <item>island: the slack unit's bus forms the grid and the island balance
/// (MicroMarket.Grid.Balance.IslandBalance) sets the slack's output within its limits, shedding
/// load or curtailing generation uniformly when it cannot;</item>
/// <item>grid-connected: the transformer's Thevenin source takes the rest and the upstream
/// supplier's flow is the substation's.</item>
/// </list>
/// Meters count whole Wh of each unit's energy in the slot, rounded to the nearest.
/// </summary>
public sealed class FeederPhysics
{
    private const double VoltageLowPu = 0.90;
    private const double VoltageHighPu = 1.10;

    private readonly Network _network;
    private readonly PowerFlowSolver _solver;
    private readonly IslandBalance? _island;
    private readonly BusPhaseInjections _generation;
    private readonly BusPhaseInjections _consumption;
    private readonly BusPhaseInjections _all;
    private readonly PowerFlowResult _result;
    private readonly Dictionary<string, (int Bus, Phases Phases)> _connections;
    private readonly double _hours;
    private readonly TimeSpan _slotLength;
    private readonly double[] _busMinPu;
    private readonly double[] _busMaxPu;

    public FeederPhysics(Network network, GridMode mode, IEnumerable<UnitSpec> units, TimeSpan slotLength)
    {
        _network = network;
        _solver = new PowerFlowSolver(network);
        _generation = _solver.CreateInjections();
        _consumption = _solver.CreateInjections();
        _all = _solver.CreateInjections();
        _result = _solver.CreateResult();
        _slotLength = slotLength;
        _hours = slotLength.TotalHours;
        _connections = units.ToDictionary(u => u.Id, u => (network.BusIndex(u.Bus), u.Phase.ToPhases()));
        _busMinPu = Enumerable.Repeat(double.NaN, network.Buses.Count).ToArray();
        _busMaxPu = Enumerable.Repeat(double.NaN, network.Buses.Count).ToArray();
        if (mode is IslandMode)
        {
            var slack = units.OfType<SlackUnit>().Single();
            _island = new IslandBalance(_solver, network.BusIndex(slack.Bus));
        }
    }

    public (IReadOnlyList<UnitFlow> Flows, SlotPhysics Physics) Solve(IReadOnlyList<UnitDelivery> units)
    {
        _generation.Clear();
        _consumption.Clear();
        _all.Clear();
        foreach (var unit in units.Where(u => u.Proposal.Role == DeliveryRole.SetPoint))
        {
            var (bus, phases) = _connections[unit.UnitId];
            var p = unit.Proposal.PowerKw;
            var q = Math.Abs(p) * Math.Tan(Math.Acos(unit.Proposal.PowerFactor));
            // Generator convention throughout: a load's reactive consumption is a negative injection.
            _all.Add(bus, phases, p, p >= 0 ? 0 : -q);
            if (p >= 0)
            {
                _generation.Add(bus, phases, p, 0);
            }
            else
            {
                _consumption.Add(bus, phases, -p, q);
            }
        }
        return _island is { } island ? SolveIsland(island, units) : SolveGridConnected(units);
    }

    private (IReadOnlyList<UnitFlow>, SlotPhysics) SolveIsland(IslandBalance island, IReadOnlyList<UnitDelivery> units)
    {
        var slack = units.SingleOrDefault(u => u.Proposal.Role == DeliveryRole.GridForming)?.Proposal
            ?? throw new InvalidOperationException("no grid-forming unit delivered: the island has no slack to form its grid");
        // A slack that can stop is first balanced as if it could run at any output down to zero:
        // nothing (or a surplus) left to cover means it is off; a need below its minimum stable
        // output means it runs at that minimum, and the balance curtails or ballasts the rest.
        var balance = island.Solve(_generation, _consumption, new SlackLimits(slack.CanStop ? Math.Min(0, slack.MinimumKw) : slack.MinimumKw, slack.MaximumKw), _slotLength);
        if (slack.CanStop && balance.SlackPowerKw > 1e-9 && balance.SlackPowerKw < slack.MinimumKw)
        {
            balance = island.Solve(_generation, _consumption, new SlackLimits(slack.MinimumKw, slack.MaximumKw), _slotLength);
        }
        var flows = units.Select(u =>
        {
            var p = u.Proposal.Role == DeliveryRole.GridForming ? balance.SlackPowerKw
                : u.Proposal.PowerKw >= 0 ? u.Proposal.PowerKw * balance.DeliveredGenerationFraction
                : u.Proposal.PowerKw * balance.ServedFraction;
            return Flow(u.UnitId, p, island.LastPowerFlow);
        }).ToList();
        return (flows, Physics(island.LastPowerFlow, balance.GenerationKwh + Math.Max(0, balance.SlackEnergyKwh), balance.ConsumptionKwh + Math.Max(0, -balance.SlackEnergyKwh),
            balance.LossesKwh, balance.SlackEnergyKwh, balance.CurtailedKwh, balance.EnergyNotServedKwh, balance.BallastKwh, balance.AccountingResidualKwh, balance.Outcome.ToString()));
    }

    private (IReadOnlyList<UnitFlow>, SlotPhysics) SolveGridConnected(IReadOnlyList<UnitDelivery> units)
    {
        _solver.Solve(_all, PowerFlowMode.GridConnected, _result);
        var sourceKw = _result.SourcePowerTotalKw;
        var flows = units.Select(u => Flow(u.UnitId, u.Proposal.Role == DeliveryRole.UpstreamGrid ? sourceKw : u.Proposal.PowerKw, _result)).ToList();
        var generation = _generation.TotalPowerKw * _hours + Math.Max(0, sourceKw) * _hours;
        var consumption = _consumption.TotalPowerKw * _hours + Math.Max(0, -sourceKw) * _hours;
        var residual = generation - consumption - _result.LossesKw * _hours;
        return (flows, Physics(_result, generation, consumption, _result.LossesKw * _hours, sourceKw * _hours, 0, 0, 0, residual, "GridConnected"));
    }

    private UnitFlow Flow(string unitId, double powerKw, PowerFlowResult result)
    {
        var (bus, phases) = _connections[unitId];
        var voltage = Enum.GetValues<Phase>().Where(ph => phases.Contains(ph)).Min(ph => result.VoltagePu(bus, ph));
        var wh = Energy.FromKwh(Math.Abs(powerKw) * _hours).Wh;
        return new UnitFlow(unitId, powerKw, powerKw < 0 ? wh : 0, powerKw > 0 ? wh : 0, voltage);
    }

    private SlotPhysics Physics(PowerFlowResult result, double generation, double consumption, double losses, double source,
        double curtailed, double notServed, double ballast, double residual, string outcome)
    {
        var min = double.MaxValue;
        var max = double.MinValue;
        var violations = 0;
        for (var bus = 0; bus < _network.Buses.Count; bus++)
        {
            if (_network.Buses[bus].NominalVoltageKv >= 1.0 || !result.IsEnergized(bus))
            {
                continue;
            }
            foreach (var phase in Enum.GetValues<Phase>())
            {
                var pu = result.VoltagePu(bus, phase);
                min = Math.Min(min, pu);
                max = Math.Max(max, pu);
                violations += pu is < VoltageLowPu or > VoltageHighPu ? 1 : 0;
                _busMinPu[bus] = double.IsNaN(_busMinPu[bus]) ? pu : Math.Min(_busMinPu[bus], pu);
                _busMaxPu[bus] = double.IsNaN(_busMaxPu[bus]) ? pu : Math.Max(_busMaxPu[bus], pu);
            }
        }
        return new SlotPhysics(generation, consumption, losses, source, curtailed, notServed, ballast, residual, min, max, violations, outcome);
    }

    /// <summary>The feeder as the run has left it so far: a copy, so the physics stays the grid operator's alone.</summary>
    public FeederRecord Record() => new(_network, [.. _busMinPu], [.. _busMaxPu]);
}

/// <summary>
/// The feeder with each bus's lowest and highest phase voltage over the run (pu; NaN where never
/// energised), as the grid operator hands it over for the run directory.
/// </summary>
public sealed record FeederRecord(Network Network, IReadOnlyList<double> BusMinPu, IReadOnlyList<double> BusMaxPu)
{
    /// <summary>
    /// Writes buses.csv (coordinates, nominal voltage, lowest and highest phase voltage over the run,
    /// pu; empty where never energised) and lines.csv (the tree), so a run directory can draw its feeder.
    /// </summary>
    public void Write(string directory)
    {
        var buses = new CsvTableWriter(BusesCsv.Columns);
        for (var b = 0; b < Network.Buses.Count; b++)
        {
            var bus = Network.Buses[b];
            buses.Add(bus.Name, bus.X, bus.Y, bus.NominalVoltageKv,
                double.IsNaN(BusMinPu[b]) ? null : BusMinPu[b], double.IsNaN(BusMaxPu[b]) ? null : BusMaxPu[b]);
        }
        buses.Write(Path.Combine(directory, RunDirectory.Buses));
        var lines = new CsvTableWriter(LinesCsv.Columns);
        foreach (var line in Network.Lines)
        {
            lines.Add(line.Name, line.FromBus, line.ToBus, line.LengthM);
        }
        lines.Write(Path.Combine(directory, RunDirectory.Lines));
    }
}
