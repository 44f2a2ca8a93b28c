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
/// <item>island: the island controller commits the genset (<see cref="GensetController"/>) and the island
/// balance (<see cref="IslandDispatch"/>) balances the slot storage first, then by curtailing PV and wind,
/// then by ballast while a committed genset sits at its minimum, and on the deficit side storage, the genset,
/// then shedding; the running genset or the grid-forming storage forms the grid, and with neither online the
/// slot is a blackout;</item>
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
    private readonly IslandDispatch? _island;
    private readonly GensetController? _controller;
    private readonly double _setpointSoc;
    private readonly HashSet<string> _curtailable;
    private readonly BusPhaseInjections _generation;
    private readonly BusPhaseInjections _firm;
    private readonly BusPhaseInjections _consumption;
    private readonly BusPhaseInjections _all;
    private readonly PowerFlowResult _result;
    private readonly Dictionary<string, (int Bus, Phases Phases)> _connections;
    private readonly double _hours;
    private readonly TimeSpan _slotLength;
    private readonly double[] _busMinPu;
    private readonly double[] _busMaxPu;
    private double _lossesKw;
    // The largest single generating unit's set-point this slot: the infeed whose trip the N-1 reserve covers.
    private double _largestInfeedKw;

    public FeederPhysics(Network network, GridMode mode, IEnumerable<UnitSpec> units, TimeSpan slotLength)
    {
        _network = network;
        _solver = new PowerFlowSolver(network);
        _generation = _solver.CreateInjections();
        _firm = _solver.CreateInjections();
        _consumption = _solver.CreateInjections();
        _all = _solver.CreateInjections();
        _result = _solver.CreateResult();
        _slotLength = slotLength;
        _hours = slotLength.TotalHours;
        _connections = units.ToDictionary(u => u.Id, u => (network.BusIndex(u.Bus), u.Phase.ToPhases()));
        // PV and wind inverters can be curtailed to any output; nothing else is curtailed by the balance.
        // A prosumer exports only what its PV makes beyond the household: that is curtailable too.
        _curtailable = units.Where(u => u is PvUnit or WindUnit or ProsumerUnit { Pv: not null }).Select(u => u.Id).ToHashSet();
        _busMinPu = Enumerable.Repeat(double.NaN, network.Buses.Count).ToArray();
        _busMaxPu = Enumerable.Repeat(double.NaN, network.Buses.Count).ToArray();
        if (mode is IslandMode)
        {
            _island = new IslandDispatch(_solver);
            if (units.OfType<SlackUnit>().Single() is { Operation: { } operation } genset)
            {
                _controller = new GensetController(Commitment(operation, slotLength), genset.RatedPowerKw);
                _setpointSoc = operation.SetpointSoc;
            }
        }
    }

    private static GensetCommitment Commitment(GensetOperation operation, TimeSpan slot) => new(
        Slots(operation.MinUpMinutes, slot), Slots(operation.MinDownMinutes, slot), operation.ReserveFraction, operation.ReserveLargestUnit,
        operation.Dispatch, Slots(operation.LookAheadMinutes, slot), slot.TotalHours);

    /// <summary>Whole slots covering <paramref name="minutes"/>: a minimum time is never cut short.</summary>
    private static int Slots(int minutes, TimeSpan slot) => (int)Math.Ceiling(minutes / slot.TotalMinutes - 1e-9);

    public (IReadOnlyList<UnitFlow> Flows, SlotPhysics Physics) Solve(IReadOnlyList<UnitDelivery> units)
    {
        _generation.Clear();
        _firm.Clear();
        _consumption.Clear();
        _all.Clear();
        _largestInfeedKw = 0;
        foreach (var unit in units.Where(u => u.Proposal.Role is DeliveryRole.SetPoint or DeliveryRole.Balancing))
        {
            var (bus, phases) = _connections[unit.UnitId];
            var p = unit.Proposal.PowerKw;
            var q = Math.Abs(p) * Math.Tan(Math.Acos(unit.Proposal.PowerFactor));
            // Generator convention throughout: a load's reactive consumption is a negative injection.
            _all.Add(bus, phases, p, p >= 0 ? 0 : -q);
            if (unit.Proposal.Role == DeliveryRole.Balancing)
            {
                continue;
            }
            if (p >= 0)
            {
                (_curtailable.Contains(unit.UnitId) ? _generation : _firm).Add(bus, phases, p, 0);
                _largestInfeedKw = Math.Max(_largestInfeedKw, p);
            }
            else
            {
                _consumption.Add(bus, phases, -p, q);
            }
        }
        return _island is { } island ? SolveIsland(island, units) : SolveGridConnected(units);
    }

    private (IReadOnlyList<UnitFlow>, SlotPhysics) SolveIsland(IslandDispatch island, IReadOnlyList<UnitDelivery> units)
    {
        var stores = units.Where(u => u.Proposal.Role == DeliveryRole.Balancing).ToList();
        var storeIndex = stores.Select((u, i) => (u.UnitId, i)).ToDictionary(x => x.UnitId, x => x.i);
        // A grid-forming store has no set-point of its own: it takes the balance, its schedule is a financial position.
        var storage = stores.Select(u => new BalancingStorage(_connections[u.UnitId].Bus, _connections[u.UnitId].Phases,
            u.Proposal.Storage!.FormsGrid ? 0 : u.Proposal.PowerKw, u.Proposal.MinimumKw, u.Proposal.MaximumKw,
            u.Proposal.Storage.FormsGrid, u.Proposal.Storage.DroopShareKw)).ToList();
        var gensetUnit = units.SingleOrDefault(u => u.Proposal.Role == DeliveryRole.GridForming);
        var plan = Plan(storage, stores);
        var genset = gensetUnit is null ? null
            : new DispatchableGenset(_connections[gensetUnit.UnitId].Bus, gensetUnit.Proposal.MinimumKw, gensetUnit.Proposal.MaximumKw,
                plan?.Committed ?? false, plan?.ExtraKw ?? 0);
        var wasRunning = _controller?.Running ?? false;
        var balance = island.Solve(_generation, _firm, _consumption, storage, genset, _slotLength);
        _controller?.Ran(balance.GensetRunning);
        _lossesKw = balance.LossesKwh / _hours;
        var dark = balance.IsBlackout;
        var flows = units.Select(u =>
        {
            var p = dark ? 0
                : u.Proposal.Role == DeliveryRole.GridForming ? balance.GensetKw
                : u.Proposal.Role == DeliveryRole.Balancing ? balance.StorageKw[storeIndex[u.UnitId]]
                : u.Proposal.PowerKw >= 0 ? u.Proposal.PowerKw * (_curtailable.Contains(u.UnitId) ? balance.DeliveredFraction : 1)
                : u.Proposal.PowerKw * balance.ServedFraction;
            return Flow(u.UnitId, p, dark ? null : island.LastPowerFlow);
        }).ToList();
        var former = balance.Former switch
        {
            GridFormerKind.Genset => gensetUnit!.UnitId,
            GridFormerKind.Storage => stores[balance.FormerStorageIndex].UnitId,
            _ => "",
        };
        var reserveKw = (balance.GensetRunning ? genset!.MaximumKw - balance.GensetKw : 0)
            + storage.Select((s, i) => s.FormsGrid ? s.MaximumKw - balance.StorageKw[i] : 0).Sum();
        var physics = Physics(dark ? null : island.LastPowerFlow, balance.GenerationKwh, balance.ConsumptionKwh, balance.LossesKwh, balance.GensetKw * _hours,
            balance.CurtailedKwh, balance.EnergyNotServedKwh, balance.BallastKwh, balance.AccountingResidualKwh, Outcome(balance)) with
        {
            StorageAbsorbedKwh = balance.StorageAbsorbedKwh,
            StorageSuppliedKwh = balance.StorageSuppliedKwh,
            GridFormer = former,
            GensetState = gensetUnit is null ? null : StateOf(wasRunning, balance, plan?.Emergency ?? false),
            ReserveRequiredKw = plan?.ReserveRequiredKw ?? 0,
            ReserveKw = dark ? 0 : Math.Max(0, reserveKw),
        };
        return (flows, physics);
    }

    /// <summary>
    /// The genset's commitment for the slot from what the controller sees at its start: the net load beyond the
    /// storage schedules (with the last slot's losses), held as the forecast over the look-ahead, what the storage the
    /// balance may draw from can still deliver, and what the grid-forming storage takes towards the cycle-charging set-point.
    /// </summary>
    private GensetPlan? Plan(IReadOnlyList<BalancingStorage> storage, IReadOnlyList<UnitDelivery> stores)
    {
        if (_controller is null)
        {
            return null;
        }
        var states = stores.Select((u, i) => (State: u.Proposal.Storage!, Limits: storage[i])).Where(s => s.Limits.UpKw > 0 || s.State.FormsGrid).ToList();
        var netLoad = _consumption.TotalPowerKw + _lossesKw - _generation.TotalPowerKw - _firm.TotalPowerKw - storage.Sum(s => s.ScheduledKw);
        var outlook = new IslandOutlook(netLoad, _consumption.TotalPowerKw, _largestInfeedKw, storage.Any(s => s.FormsGrid),
            states.Sum(s => s.State.DeliverableKwh), states.Sum(s => s.Limits.UpKw),
            states.Where(s => s.State.FormsGrid).Sum(s => Math.Min(-s.Limits.MinimumKw, s.State.ChargeToKwh(_setpointSoc) / _hours)));
        return _controller.Plan(outlook);
    }

    private static GensetState StateOf(bool wasRunning, IslandDispatchResult balance, bool emergency) =>
        !balance.GensetRunning ? GensetState.Off
        : balance.ForcedStart || emergency ? GensetState.EmergencyStart
        : wasRunning ? GensetState.On
        : GensetState.Start;

    /// <summary>The last step of the balance's order the slot needed.</summary>
    private static BalanceOutcome Outcome(IslandDispatchResult balance) =>
        balance.IsBlackout ? BalanceOutcome.Blackout
        : balance.EnergyNotServedKwh > 0 ? BalanceOutcome.LoadShed
        : balance.BallastKwh > 0 ? BalanceOutcome.Ballast
        : balance.CurtailedKwh > 0 ? BalanceOutcome.Curtailed
        : balance.StorageAbsorbedKwh + balance.StorageSuppliedKwh > 0 ? BalanceOutcome.Storage
        : BalanceOutcome.Balanced;

    private (IReadOnlyList<UnitFlow>, SlotPhysics) SolveGridConnected(IReadOnlyList<UnitDelivery> units)
    {
        _solver.Solve(_all, PowerFlowMode.GridConnected, _result);
        var sourceKw = _result.SourcePowerTotalKw;
        var flows = units.Select(u => Flow(u.UnitId, u.Proposal.Role == DeliveryRole.UpstreamGrid ? sourceKw : u.Proposal.PowerKw, _result)).ToList();
        var generation = flows.Sum(f => Math.Max(0, f.ActualPowerKw)) * _hours;
        var consumption = flows.Sum(f => Math.Max(0, -f.ActualPowerKw)) * _hours;
        var residual = generation - consumption - _result.LossesKw * _hours;
        return (flows, Physics(_result, generation, consumption, _result.LossesKw * _hours, sourceKw * _hours, 0, 0, 0, residual, BalanceOutcome.GridConnected));
    }

    /// <summary>One unit's flow; <paramref name="result"/> is null in a blackout, when every bus is dark (0 pu).</summary>
    private UnitFlow Flow(string unitId, double powerKw, PowerFlowResult? result)
    {
        var (bus, phases) = _connections[unitId];
        var voltage = result is null ? 0 : Enum.GetValues<Phase>().Where(ph => phases.Contains(ph)).Min(ph => result.VoltagePu(bus, ph));
        var wh = Energy.FromKwh(Math.Abs(powerKw) * _hours).Wh;
        return new UnitFlow(unitId, powerKw, powerKw < 0 ? wh : 0, powerKw > 0 ? wh : 0, voltage);
    }

    private SlotPhysics Physics(PowerFlowResult? result, double generation, double consumption, double losses, double source,
        double curtailed, double notServed, double ballast, double residual, BalanceOutcome outcome)
    {
        if (result is null)
        {
            // A blackout: every bus is dark, which is no voltage-band violation but no supply either.
            return new SlotPhysics(generation, consumption, losses, source, curtailed, notServed, ballast, residual, 0, 0, 0, outcome);
        }
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

    /// <summary>What carries over from slot to slot (the voltage extremes, the genset's commitment), for a market node's checkpoint.</summary>
    public FeederPhysicsState Save() => new([.. _busMinPu], [.. _busMaxPu], _controller?.State.Running ?? false, _controller?.State.SlotsInState ?? 0);

    /// <summary>Takes up what <see cref="Save"/> kept, as if it had solved those slots itself.</summary>
    public void Restore(FeederPhysicsState state)
    {
        if (state.BusMinPu.Count != _busMinPu.Length || state.BusMaxPu.Count != _busMaxPu.Length)
        {
            throw new InvalidDataException($"the saved feeder has {state.BusMinPu.Count} buses, the plan's {_busMinPu.Length}");
        }
        for (var bus = 0; bus < _busMinPu.Length; bus++)
        {
            (_busMinPu[bus], _busMaxPu[bus]) = (state.BusMinPu[bus], state.BusMaxPu[bus]);
        }
        if (_controller is not null)
        {
            _controller.State = (state.GensetRunning, state.GensetSlotsInState);
        }
    }
}

/// <summary>A <see cref="FeederPhysics"/>'s state between slots: each bus's voltage extremes so far (NaN: never energised) and the genset's commitment.</summary>
public sealed record FeederPhysicsState(IReadOnlyList<double> BusMinPu, IReadOnlyList<double> BusMaxPu, bool GensetRunning, int GensetSlotsInState);

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
