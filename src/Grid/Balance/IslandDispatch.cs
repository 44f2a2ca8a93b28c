using MicroMarket.Grid.Model;
using MicroMarket.Grid.Results;
using MicroMarket.Grid.Solve;

namespace MicroMarket.Grid.Balance;

/// <summary>Which unit held the island's voltage and frequency in a slot (its bus was the power flow's reference).</summary>
public enum GridFormerKind
{
    None,
    Genset,
    Storage,
}

/// <summary>
/// A storage unit the island balance may move away from its schedule, kW in the generator convention: it runs at
/// <see cref="ScheduledKw"/> unless the balance asks for more or less, within <see cref="MinimumKw"/> (charging
/// limit, &lt;= 0) and <see cref="MaximumKw"/> (discharging limit, &gt;= 0) for the slot. A grid-forming unit
/// (<see cref="FormsGrid"/>, online only above its SoC reserve) is asked before a grid-following one; within a
/// tier the balancing power is shared in proportion to <see cref="DroopShareKw"/>, as P-f droop shares it.
/// </summary>
public sealed record BalancingStorage(int Bus, Phases Phases, double ScheduledKw, double MinimumKw, double MaximumKw, bool FormsGrid, double DroopShareKw)
{
    public double UpKw => Math.Max(0, MaximumKw - ScheduledKw);

    public double DownKw => Math.Max(0, ScheduledKw - MinimumKw);
}

/// <summary>
/// The island's genset for one slot, as its controller (<see cref="GensetController"/>) committed it: running
/// (<see cref="Committed"/>) it holds [<see cref="MinimumKw"/>, <see cref="MaximumKw"/>] and adds
/// <see cref="ExtraKw"/> above the net load (cycle charging); off, the balance starts it only when storage cannot
/// carry the slot (an emergency start, which a diesel completes in seconds).
/// </summary>
public sealed record DispatchableGenset(int Bus, double MinimumKw, double MaximumKw, bool Committed, double ExtraKw);

/// <summary>
/// One slot's island balance. Energies in kWh over the slot; the identity
/// generation - consumption - ballast - losses = 0 holds to rounding (<see cref="AccountingResidualKwh"/>), where
/// generation and consumption count every unit's actual flow (storage and genset included).
/// <see cref="StorageAbsorbedKwh"/> and <see cref="StorageSuppliedKwh"/> are the balance's moves of storage away from
/// its schedules (a grid-forming unit's whole flow: it has no set-point of its own).
/// </summary>
public sealed record IslandDispatchResult(
    GridFormerKind Former,
    int FormerStorageIndex,
    double GensetKw,
    bool ForcedStart,
    IReadOnlyList<double> StorageKw,
    double DeliveredFraction,
    double ServedFraction,
    double GenerationKwh,
    double ConsumptionKwh,
    double CurtailedKwh,
    double EnergyNotServedKwh,
    double BallastKwh,
    double LossesKwh,
    double StorageAbsorbedKwh,
    double StorageSuppliedKwh)
{
    /// <summary>Generation - consumption - ballast - losses, kWh; zero up to rounding.</summary>
    public double AccountingResidualKwh => GenerationKwh - ConsumptionKwh - BallastKwh - LossesKwh;

    public bool GensetRunning => Former == GridFormerKind.Genset;

    /// <summary>No grid-forming unit was online: the island was dark for the slot and no load was served.</summary>
    public bool IsBlackout => Former == GridFormerKind.None;
}

/// <summary>
/// The island's balance in the order a microgrid controller applies it (docs/grid.md, "Island operation"):
/// <list type="number">
/// <item>a running genset takes the net load within its limits (plus the cycle-charging extra);</item>
/// <item>surplus: storage absorbs (grid-forming first, then grid-following within its headroom), then curtailable
/// generation is curtailed uniformly, then, only while a committed genset must stay at its minimum stable output,
/// a ballast at its bus absorbs the rest;</item>
/// <item>deficit: storage supplies (grid-forming first, down to its reserve), then the genset starts if it was off
/// (emergency start) or rises to its rating, then load is shed uniformly;</item>
/// <item>no grid-forming unit online and no genset to start: a blackout, nothing is served.</item>
/// </list>
/// The running genset, else the grid-forming storage with the largest droop share, is the power flow's reference and
/// takes the losses; the allocation is repeated until the losses it assumed are the power flow's (to 1e-9 kW).
/// </summary>
public sealed class IslandDispatch
{
    private const double LossToleranceKw = 1e-9;
    private const int MaxLossIterations = 50;
    private const double Epsilon = 1e-12;

    /// <summary>A step (storage, curtailment, ballast, shedding, an emergency start) is taken for more than this, kW: below it is rounding.</summary>
    private const double StepToleranceKw = 1e-9;
    private readonly PowerFlowSolver _solver;
    private readonly BusPhaseInjections _net;
    private double _lossGuessKw;

    public IslandDispatch(PowerFlowSolver solver)
    {
        _solver = solver;
        _net = solver.CreateInjections();
        LastPowerFlow = solver.CreateResult();
    }

    /// <summary>The power flow of the last slot (voltages, line currents); after a blackout, the last energised one.</summary>
    public PowerFlowResult LastPowerFlow { get; }

    /// <summary>Balances one slot.</summary>
    /// <param name="curtailable">PV and wind set-points, kW &gt;= 0: curtailed uniformly when storage is full.</param>
    /// <param name="firm">other generation set-points, kW &gt;= 0, never curtailed (an EV's vehicle-to-grid discharge).</param>
    /// <param name="consumption">consumption set-points in the load convention, kW &gt;= 0 (with their reactive power): shed uniformly as the last resort.</param>
    /// <param name="storage">storage the balance may move.</param>
    /// <param name="genset">the genset, or null in an island without one.</param>
    /// <param name="slot">slot length.</param>
    public IslandDispatchResult Solve(BusPhaseInjections curtailable, BusPhaseInjections firm, BusPhaseInjections consumption,
        IReadOnlyList<BalancingStorage> storage, DispatchableGenset? genset, TimeSpan slot)
    {
        RequireNonNegative(curtailable, nameof(curtailable));
        RequireNonNegative(firm, nameof(firm));
        RequireNonNegative(consumption, nameof(consumption));
        var hours = slot > TimeSpan.Zero ? slot.TotalHours : throw new ArgumentOutOfRangeException(nameof(slot));
        var running = genset is { Committed: true };
        var formerIndex = FormerIndex(storage);
        if (!running && formerIndex < 0)
        {
            if (genset is null)
            {
                return Blackout(consumption, storage.Count, hours);
            }
            running = true; // nothing else can form the grid: the genset starts whatever its controller planned
        }
        var forced = running && genset is { Committed: false };
        var losses = _lossGuessKw;
        Allocation allocation = default!;
        for (var iteration = 0; iteration < MaxLossIterations; iteration++)
        {
            allocation = Allocate(curtailable.TotalPowerKw, firm.TotalPowerKw, consumption.TotalPowerKw, losses, storage, running ? genset : null);
            if (!running && genset is not null && allocation.ShortKw > StepToleranceKw)
            {
                running = forced = true;
                continue;
            }
            var referenceBus = running ? genset!.Bus : storage[formerIndex].Bus;
            Inject(curtailable, firm, consumption, storage, allocation, running ? -1 : formerIndex, referenceBus);
            _solver.Solve(_net, PowerFlowMode.Island(referenceBus), LastPowerFlow);
            var converged = Math.Abs(LastPowerFlow.LossesKw - losses) <= LossToleranceKw;
            losses = LastPowerFlow.LossesKw;
            if (converged)
            {
                break;
            }
        }
        _lossGuessKw = losses;
        return Result(allocation, curtailable, firm, consumption, storage, running, forced, formerIndex, hours);
    }

    /// <summary>The grid-forming storage with the largest droop share (the first on a tie), or -1 when none is online.</summary>
    private static int FormerIndex(IReadOnlyList<BalancingStorage> storage)
    {
        var best = -1;
        for (var i = 0; i < storage.Count; i++)
        {
            if (storage[i].FormsGrid && (best < 0 || storage[i].DroopShareKw > storage[best].DroopShareKw))
            {
                best = i;
            }
        }
        return best;
    }

    /// <summary>
    /// The lossless allocation for an assumed loss: the genset, each storage's move, the curtailed and shed fractions,
    /// the ballast, and <see cref="Allocation.ShortKw"/>, the deficit nothing but a genset start or shedding can cover.
    /// </summary>
    private static Allocation Allocate(double generationKw, double firmKw, double consumptionKw, double lossesKw,
        IReadOnlyList<BalancingStorage> storage, DispatchableGenset? genset)
    {
        var moves = new double[storage.Count];
        var net = consumptionKw + lossesKw - generationKw - firmKw - storage.Sum(s => s.ScheduledKw);
        var gensetKw = genset is null ? 0 : Math.Clamp(net + genset.ExtraKw, genset.MinimumKw, genset.MaximumKw);
        var remaining = net - gensetKw;
        double delivered = 1, served = 1, ballast = 0, shortKw = 0;
        if (remaining > StepToleranceKw)
        {
            remaining -= Move(storage, moves, remaining, up: true);
            shortKw = Math.Max(0, remaining);
            if (shortKw > StepToleranceKw && consumptionKw > 0)
            {
                served = Math.Max(0, 1 - shortKw / consumptionKw);
            }
        }
        else if (remaining < -StepToleranceKw)
        {
            var surplus = -remaining - Move(storage, moves, -remaining, up: false);
            if (surplus > StepToleranceKw && generationKw > 0)
            {
                var curtailed = Math.Min(surplus, generationKw);
                delivered = 1 - curtailed / generationKw;
                surplus -= curtailed;
            }
            ballast = surplus > StepToleranceKw ? surplus : 0;
        }
        return new Allocation(gensetKw, moves, delivered, served, ballast, shortKw);
    }

    /// <summary>
    /// Moves storage by up to <paramref name="amountKw"/> (up: discharge more; down: charge more), grid-forming units
    /// first, each tier shared by droop share and refilled from those at a limit; returns what it moved.
    /// </summary>
    private static double Move(IReadOnlyList<BalancingStorage> storage, double[] moves, double amountKw, bool up)
    {
        var moved = 0.0;
        foreach (var tier in new[] { true, false })
        {
            var open = Enumerable.Range(0, storage.Count).Where(i => storage[i].FormsGrid == tier && Room(storage[i], up) > Epsilon).ToList();
            while (amountKw - moved > Epsilon && open.Count > 0)
            {
                var left = amountKw - moved;
                var weight = open.Sum(i => storage[i].DroopShareKw);
                var full = new List<int>();
                foreach (var i in open)
                {
                    var give = Math.Min(left * storage[i].DroopShareKw / weight, Room(storage[i], up) - Math.Abs(moves[i]));
                    moves[i] += up ? give : -give;
                    moved += give;
                    if (Room(storage[i], up) - Math.Abs(moves[i]) <= Epsilon)
                    {
                        full.Add(i);
                    }
                }
                if (full.Count == 0)
                {
                    break;
                }
                open.RemoveAll(full.Contains);
            }
        }
        return moved;
    }

    private static double Room(BalancingStorage s, bool up) => up ? s.UpKw : s.DownKw;

    private void Inject(BusPhaseInjections curtailable, BusPhaseInjections firm, BusPhaseInjections consumption,
        IReadOnlyList<BalancingStorage> storage, Allocation allocation, int referenceStorage, int referenceBus)
    {
        var p = _net.ActivePowerKw;
        var q = _net.ReactivePowerKvar;
        for (var i = 0; i < p.Length; i++)
        {
            p[i] = allocation.Delivered * curtailable.ActivePowerKw[i] + firm.ActivePowerKw[i] - allocation.Served * consumption.ActivePowerKw[i];
            q[i] = allocation.Delivered * curtailable.ReactivePowerKvar[i] + firm.ReactivePowerKvar[i] - allocation.Served * consumption.ReactivePowerKvar[i];
        }
        for (var i = 0; i < storage.Count; i++)
        {
            if (i != referenceStorage)
            {
                _net.Add(storage[i].Bus, storage[i].Phases, storage[i].ScheduledKw + allocation.Moves[i], 0);
            }
        }
        // A ballast at the reference bus adds no line current, so it raises the reference's output one for one.
        if (allocation.BallastKw > 0)
        {
            _net.Add(referenceBus, Phases.Abc, -allocation.BallastKw, 0);
        }
    }

    private IslandDispatchResult Result(Allocation allocation, BusPhaseInjections curtailable, BusPhaseInjections firm, BusPhaseInjections consumption,
        IReadOnlyList<BalancingStorage> storage, bool running, bool forced, int formerIndex, double hours)
    {
        var reference = LastPowerFlow.SourcePowerTotalKw;
        var storageKw = new double[storage.Count];
        double absorbed = 0, supplied = 0;
        for (var i = 0; i < storage.Count; i++)
        {
            storageKw[i] = !running && i == formerIndex ? reference : storage[i].ScheduledKw + allocation.Moves[i];
            var move = storageKw[i] - storage[i].ScheduledKw;
            absorbed += Math.Max(0, -move) * hours;
            supplied += Math.Max(0, move) * hours;
        }
        var gensetKw = running ? reference : 0;
        var generation = allocation.Delivered * curtailable.TotalPowerKw + firm.TotalPowerKw + Math.Max(0, gensetKw) + storageKw.Sum(kw => Math.Max(0, kw));
        var consumed = allocation.Served * consumption.TotalPowerKw + Math.Max(0, -gensetKw) + storageKw.Sum(kw => Math.Max(0, -kw));
        return new IslandDispatchResult(running ? GridFormerKind.Genset : GridFormerKind.Storage, running ? -1 : formerIndex,
            gensetKw, forced, storageKw, allocation.Delivered, allocation.Served,
            generation * hours, consumed * hours,
            (1 - allocation.Delivered) * curtailable.TotalPowerKw * hours,
            (1 - allocation.Served) * consumption.TotalPowerKw * hours,
            allocation.BallastKw * hours, LastPowerFlow.LossesKw * hours, absorbed, supplied);
    }

    private static IslandDispatchResult Blackout(BusPhaseInjections consumption, int storageCount, double hours) =>
        new(GridFormerKind.None, -1, 0, false, new double[storageCount], 0, 0,
            0, 0, 0, consumption.TotalPowerKw * hours, 0, 0, 0, 0);

    private static void RequireNonNegative(BusPhaseInjections injections, string name)
    {
        foreach (var p in injections.ActivePowerKw)
        {
            if (!(p >= 0))
            {
                throw new ArgumentException("set-points must be >= 0 kW (generation and consumption are given separately)", name);
            }
        }
    }

    private sealed record Allocation(double GensetKw, double[] Moves, double Delivered, double Served, double BallastKw, double ShortKw);
}
