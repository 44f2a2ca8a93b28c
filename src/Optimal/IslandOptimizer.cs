using System.Diagnostics;
using Google.OrTools.LinearSolver;
using MicroMarket.Grid.Units;

namespace MicroMarket.Optimal;

/// <summary>How hard to search: stop when proven within <see cref="RelativeGap"/>, or after <see cref="TimeLimit"/>.</summary>
public sealed record SolveOptions(TimeSpan TimeLimit, double RelativeGap = 1e-4)
{
    public static SolveOptions Default { get; } = new(TimeSpan.FromSeconds(120));
}

/// <summary>
/// The island's unit commitment and dispatch with perfect foresight and central control, as one MILP solved by SCIP
/// (single thread, so the same problem gives the same answer): gensets on/start/stop with minimum up and down times
/// (Rajan and Takriti's tight form), no-load, marginal and start fuel; batteries, EVs and flexible jobs; curtailment,
/// load shedding and ballast; spinning reserve; who forms the grid. See docs/grid.md, "The optimal reference".
/// </summary>
public static class IslandOptimizer
{
    /// <summary>Tokens per kWh that only break ties, far below any fuel: wasting energy (curtailment, ballast) costs more than storing it.</summary>
    private const double WasteTieBreak = 1e-4;

    /// <summary>Tokens per kWh discharged, below the waste tie-break: storage does not cycle where nothing is gained.</summary>
    private const double CyclingTieBreak = 1e-5;

    public static IslandSolution Solve(IslandProblem problem, SolveOptions options)
    {
        using var solver = Solver.CreateSolver("SCIP") ?? throw new InvalidOperationException("the SCIP solver is not available in this OR-Tools build");
        solver.SetNumThreads(1);
        solver.SetTimeLimit((long)options.TimeLimit.TotalMilliseconds);
        var model = new IslandModel(solver, problem);
        var parameters = new MPSolverParameters();
        parameters.SetDoubleParam(MPSolverParameters.DoubleParam.RELATIVE_MIP_GAP, options.RelativeGap);
        var clock = Stopwatch.StartNew();
        var status = solver.Solve(parameters);
        var seconds = clock.Elapsed.TotalSeconds;
        if (status is not (Solver.ResultStatus.OPTIMAL or Solver.ResultStatus.FEASIBLE))
        {
            throw new InvalidOperationException($"the solver found no solution ({status}) within {options.TimeLimit.TotalSeconds:0.#} s");
        }
        return model.Read(status.ToString(), seconds);
    }

    /// <summary>The variables and constraints of one problem, and how to read the solution back.</summary>
    private sealed class IslandModel
    {
        private readonly Solver _solver;
        private readonly IslandProblem _p;
        private readonly int _t;
        private readonly double _h;
        private readonly Variable[,] _on, _start, _stop, _power;
        private readonly Variable[,] _charge, _discharge, _energy;
        private readonly Variable[] _curtailed, _shed, _ballast, _forming;
        private readonly Variable[] _evKw, _flexibleKw;
        private readonly List<Variable> _unmet = [];
        private readonly List<Variable> _terminalShortfall = [];

        public IslandModel(Solver solver, IslandProblem problem)
        {
            _solver = solver;
            _p = problem;
            _t = problem.Slots;
            _h = problem.SlotHours;
            var g = problem.Gensets.Count;
            var b = problem.Batteries.Count;
            _on = new Variable[g, _t];
            _start = new Variable[g, _t];
            _stop = new Variable[g, _t];
            _power = new Variable[g, _t];
            _charge = new Variable[b, _t];
            _discharge = new Variable[b, _t];
            _energy = new Variable[b, _t + 1];
            _curtailed = new Variable[_t];
            _shed = new Variable[_t];
            _ballast = new Variable[_t];
            _forming = new Variable[_t];
            _evKw = new Variable[_t];
            _flexibleKw = new Variable[_t];
            for (var t = 0; t < _t; t++)
            {
                _curtailed[t] = solver.MakeNumVar(0, problem.RenewableKw[t], $"curtailed_{t}");
                _shed[t] = solver.MakeNumVar(0, problem.LoadKw[t], $"shed_{t}");
                _ballast[t] = solver.MakeNumVar(0, double.PositiveInfinity, $"ballast_{t}");
                // 1 when something forms the grid: a running genset, or always with grid-forming storage (bounded by its reserve).
                _forming[t] = solver.MakeNumVar(problem.HasGridFormingStorage ? 1 : 0, 1, $"forming_{t}");
                _evKw[t] = solver.MakeNumVar(double.NegativeInfinity, double.PositiveInfinity, $"ev_{t}");
                _flexibleKw[t] = solver.MakeNumVar(0, double.PositiveInfinity, $"flexible_{t}");
            }
            AddGensets();
            AddBatteries();
            AddEvs();
            AddJobs();
            AddBalanceAndReserve();
        }

        private Objective Cost => _solver.Objective();

        private void AddGensets()
        {
            for (var g = 0; g < _p.Gensets.Count; g++)
            {
                var unit = _p.Gensets[g];
                for (var t = 0; t < _t; t++)
                {
                    _on[g, t] = _solver.MakeBoolVar($"on_{unit.Id}_{t}");
                    _start[g, t] = _solver.MakeBoolVar($"start_{unit.Id}_{t}");
                    // Integral at any solution once on and start are: a stop is the on/off difference.
                    _stop[g, t] = _solver.MakeNumVar(0, 1, $"stop_{unit.Id}_{t}");
                    _power[g, t] = _solver.MakeNumVar(0, unit.RatedKw, $"p_{unit.Id}_{t}");
                    Row(0, double.PositiveInfinity, (_power[g, t], 1), (_on[g, t], -unit.MinimumKw));
                    Row(double.NegativeInfinity, 0, (_power[g, t], 1), (_on[g, t], -unit.RatedKw));
                    // on[t] - on[t-1] = start - stop; the genset is off before the first slot.
                    var logic = Row(0, 0, (_on[g, t], 1), (_start[g, t], -1), (_stop[g, t], 1));
                    if (t > 0)
                    {
                        logic.SetCoefficient(_on[g, t - 1], -1);
                    }
                    Row(double.NegativeInfinity, 1, (_start[g, t], 1), (_stop[g, t], 1));
                    var minUp = Row(double.NegativeInfinity, 0, (_on[g, t], -1));
                    for (var tau = Math.Max(0, t - unit.MinUpSlots + 1); tau <= t; tau++)
                    {
                        minUp.SetCoefficient(_start[g, tau], 1);
                    }
                    var minDown = Row(double.NegativeInfinity, 1, (_on[g, t], 1));
                    for (var tau = Math.Max(0, t - unit.MinDownSlots + 1); tau <= t; tau++)
                    {
                        minDown.SetCoefficient(_stop[g, tau], 1);
                    }
                    Cost.SetCoefficient(_on[g, t], unit.FuelPrice * unit.NoLoadFuelPerHour * _h);
                    Cost.SetCoefficient(_power[g, t], unit.FuelPrice * unit.Fuel.PerKwh * _h);
                    Cost.SetCoefficient(_start[g, t], unit.FuelPrice * unit.StartFuel);
                }
            }
            for (var t = 0; t < _t; t++)
            {
                // Ballast only absorbs what a running genset cannot go below.
                var ballast = Row(double.NegativeInfinity, 0, (_ballast[t], 1));
                // Without grid-forming storage (then forming is fixed at 1), something forms the grid only if a genset runs.
                var forming = _p.HasGridFormingStorage ? null : Row(double.NegativeInfinity, 0, (_forming[t], 1));
                for (var g = 0; g < _p.Gensets.Count; g++)
                {
                    ballast.SetCoefficient(_on[g, t], -_p.Gensets[g].MinimumKw);
                    forming?.SetCoefficient(_on[g, t], -1);
                }
            }
        }

        private void AddBatteries()
        {
            for (var b = 0; b < _p.Batteries.Count; b++)
            {
                var unit = _p.Batteries[b];
                _energy[b, 0] = _solver.MakeNumVar(unit.InitialKwh, unit.InitialKwh, $"e_{unit.Id}_0");
                for (var t = 0; t < _t; t++)
                {
                    _charge[b, t] = _solver.MakeNumVar(0, unit.ChargeKw, $"c_{unit.Id}_{t}");
                    _discharge[b, t] = _solver.MakeNumVar(0, unit.DischargeKw, $"d_{unit.Id}_{t}");
                    _energy[b, t + 1] = _solver.MakeNumVar(unit.MinKwh, unit.MaxKwh, $"e_{unit.Id}_{t + 1}");
                    Row(0, 0, (_energy[b, t + 1], 1), (_energy[b, t], -1), (_charge[b, t], -unit.ChargeEfficiency * _h), (_discharge[b, t], _h / unit.DischargeEfficiency));
                    GateOnForming(t, _charge[b, t], unit.ChargeKw);
                    GateOnForming(t, _discharge[b, t], unit.DischargeKw);
                    if (unit.GridForming)
                    {
                        // With every genset off, the former must stay above its reserve: e >= reserve - (reserve - min) x any genset on.
                        var row = Row(unit.ReserveKwh, double.PositiveInfinity, (_energy[b, t + 1], 1));
                        for (var g = 0; g < _p.Gensets.Count; g++)
                        {
                            row.SetCoefficient(_on[g, t], unit.ReserveKwh - unit.MinKwh);
                        }
                    }
                    Cost.SetCoefficient(_discharge[b, t], CyclingTieBreak * _h);
                }
                if (_p.Terminal == TerminalRule.AtLeastInitial)
                {
                    // Soft, so an island that cannot refill its storage stays feasible: the shortfall is owed as lost load.
                    var shortfall = _solver.MakeNumVar(0, double.PositiveInfinity, $"terminal_{unit.Id}");
                    _terminalShortfall.Add(shortfall);
                    Row(unit.InitialKwh, double.PositiveInfinity, (_energy[b, _t], 1), (shortfall, 1));
                }
            }
        }

        private void AddEvs()
        {
            var evRows = Enumerable.Range(0, _t).Select(t => Row(0, 0, (_evKw[t], -1))).ToArray();
            foreach (var ev in _p.Evs)
            {
                foreach (var (session, k) in ev.Sessions.Select((s, k) => (s, k)))
                {
                    var first = Math.Max(0, session.ArrivalSlot);
                    var last = Math.Min(_t, session.DepartureSlot);
                    if (first >= last)
                    {
                        continue;
                    }
                    // V2G never takes the car below what it arrived with.
                    var energy = _solver.MakeNumVar(session.ArrivalEnergyKwh, session.ArrivalEnergyKwh, $"ev_{ev.Id}_{k}_{first}");
                    for (var t = first; t < last; t++)
                    {
                        var charge = _solver.MakeNumVar(0, ev.ChargerKw, $"x_{ev.Id}_{t}");
                        var discharge = _solver.MakeNumVar(0, ev.V2gKw, $"y_{ev.Id}_{t}");
                        var next = _solver.MakeNumVar(session.ArrivalEnergyKwh, ev.CapacityKwh, $"ev_{ev.Id}_{k}_{t + 1}");
                        Row(0, 0, (next, 1), (energy, -1), (charge, -ev.ChargeEfficiency * _h), (discharge, _h / ev.DischargeEfficiency));
                        GateOnForming(t, charge, ev.ChargerKw);
                        GateOnForming(t, discharge, ev.V2gKw);
                        evRows[t].SetCoefficient(charge, 1);
                        evRows[t].SetCoefficient(discharge, -1);
                        Cost.SetCoefficient(discharge, CyclingTieBreak * _h);
                        energy = next;
                    }
                    // A session past the horizon owes by then only what its charger could not still store afterwards.
                    var stillChargeable = Math.Max(0, session.DepartureSlot - _t) * ev.ChargerKw * ev.ChargeEfficiency * _h;
                    var required = Math.Max(session.ArrivalEnergyKwh, session.TargetEnergyKwh - stillChargeable);
                    Row(required, double.PositiveInfinity, (energy, 1), (Unmet($"unmet_{ev.Id}_{k}"), 1));
                }
            }
        }

        private void AddJobs()
        {
            var flexibleRows = Enumerable.Range(0, _t).Select(t => Row(0, 0, (_flexibleKw[t], -1))).ToArray();
            foreach (var (job, k) in _p.Jobs.Select((j, k) => (j, k)))
            {
                var first = Math.Max(0, job.StartSlot);
                var last = Math.Min(_t, job.EndSlot);
                var stillDeliverable = Math.Max(0, job.EndSlot - _t) * job.MaxKw * _h;
                var required = Math.Max(0, job.EnergyKwh - stillDeliverable);
                var delivered = Row(required, job.EnergyKwh, (Unmet($"unmet_{job.Id}_{k}"), 1));
                for (var t = first; t < last; t++)
                {
                    var power = _solver.MakeNumVar(0, job.MaxKw, $"f_{job.Id}_{k}_{t}");
                    GateOnForming(t, power, job.MaxKw);
                    delivered.SetCoefficient(power, _h);
                    flexibleRows[t].SetCoefficient(power, 1);
                }
            }
        }

        private void AddBalanceAndReserve()
        {
            var lossy = 1 + _p.LossFactor;
            for (var t = 0; t < _t; t++)
            {
                // Supply = (households - shed + EVs + jobs) x (1 + losses) + storage charging + ballast.
                var balance = Row(_p.LoadKw[t] * lossy - _p.RenewableKw[t], _p.LoadKw[t] * lossy - _p.RenewableKw[t],
                    (_curtailed[t], -1), (_shed[t], lossy), (_evKw[t], -lossy), (_flexibleKw[t], -lossy), (_ballast[t], -1));
                // Nothing is served and nothing generates while nothing forms the grid.
                GateOnForming(t, _p.LoadKw[t], _shed[t]);
                GateOnForming(t, _p.RenewableKw[t], _curtailed[t]);
                var reserves = new List<Constraint> { Row(_p.ReserveFraction * _p.LoadKw[t], double.PositiveInfinity, (_shed[t], _p.ReserveFraction)) };
                if (_p.LargestInfeedKw is { } largest && largest[t] > 0)
                {
                    // N-1: the reserve covers the largest unit's infeed. Curtailment is uniform (as the island balance
                    // curtails), so that unit delivers largest x (1 - curtailed / renewable).
                    reserves.Add(Row(largest[t], double.PositiveInfinity, (_curtailed[t], largest[t] / _p.RenewableKw[t])));
                }
                for (var g = 0; g < _p.Gensets.Count; g++)
                {
                    balance.SetCoefficient(_power[g, t], 1);
                    foreach (var reserve in reserves)
                    {
                        reserve.SetCoefficient(_on[g, t], _p.Gensets[g].RatedKw);
                        reserve.SetCoefficient(_power[g, t], -1);
                    }
                }
                for (var b = 0; b < _p.Batteries.Count; b++)
                {
                    var unit = _p.Batteries[b];
                    balance.SetCoefficient(_discharge[b, t], 1);
                    balance.SetCoefficient(_charge[b, t], -1);
                    // Storage's reserve: power it could still add this slot, backed by energy above its minimum.
                    var headroom = _solver.MakeNumVar(0, double.PositiveInfinity, $"q_{unit.Id}_{t}");
                    Row(double.NegativeInfinity, unit.DischargeKw, (headroom, 1), (_discharge[b, t], 1), (_charge[b, t], -1));
                    Row(double.NegativeInfinity, -unit.MinKwh * unit.DischargeEfficiency, (headroom, _h), (_energy[b, t + 1], -unit.DischargeEfficiency));
                    reserves.ForEach(reserve => reserve.SetCoefficient(headroom, 1));
                }
                Cost.SetCoefficient(_shed[t], _p.ValueOfLostLoad * _h);
                Cost.SetCoefficient(_curtailed[t], WasteTieBreak * _h);
                Cost.SetCoefficient(_ballast[t], WasteTieBreak * _h);
            }
            foreach (var unmet in _unmet.Concat(_terminalShortfall))
            {
                Cost.SetCoefficient(unmet, _p.ValueOfLostLoad);
            }
            Cost.SetMinimization();
        }

        /// <summary>kWh an EV or a job misses at its deadline, priced as lost load.</summary>
        private Variable Unmet(string name)
        {
            var unmet = _solver.MakeNumVar(0, double.PositiveInfinity, name);
            _unmet.Add(unmet);
            return unmet;
        }

        /// <summary>A controllable power of at most <paramref name="maxKw"/> runs only while something forms the grid.</summary>
        private void GateOnForming(int t, Variable power, double maxKw)
        {
            if (!_p.HasGridFormingStorage)
            {
                Row(double.NegativeInfinity, 0, (power, 1), (_forming[t], -maxKw));
            }
        }

        /// <summary>An exogenous power (demand, generation) is served only while something forms the grid: the rest is shed or curtailed.</summary>
        private void GateOnForming(int t, double kw, Variable notServed)
        {
            if (!_p.HasGridFormingStorage)
            {
                // notServed >= kw x (1 - forming)
                Row(kw, double.PositiveInfinity, (notServed, 1), (_forming[t], kw));
            }
        }

        private Constraint Row(double lower, double upper, params (Variable Var, double Coefficient)[] terms)
        {
            var row = _solver.MakeConstraint(lower, upper);
            foreach (var (v, c) in terms)
            {
                row.SetCoefficient(v, c);
            }
            return row;
        }

        public IslandSolution Read(string status, double seconds)
        {
            double fuel = 0, fuelCost = 0, runHours = 0;
            var starts = 0;
            var slots = new List<OptimalSlot>(_t);
            for (var g = 0; g < _p.Gensets.Count; g++)
            {
                var unit = _p.Gensets[g];
                for (var t = 0; t < _t; t++)
                {
                    var on = _on[g, t].SolutionValue() > 0.5;
                    var started = _start[g, t].SolutionValue() > 0.5;
                    var slotFuel = (on ? (unit.NoLoadFuelPerHour + unit.Fuel.PerKwh * _power[g, t].SolutionValue()) * _h : 0) + (started ? unit.StartFuel : 0);
                    fuel += slotFuel;
                    fuelCost += slotFuel * unit.FuelPrice;
                    runHours += on ? _h : 0;
                    starts += started ? 1 : 0;
                }
            }
            for (var t = 0; t < _t; t++)
            {
                var batteries = Enumerable.Range(0, _p.Batteries.Count).ToList();
                slots.Add(new OptimalSlot(t, _p.LoadKw[t], _p.RenewableKw[t], _curtailed[t].SolutionValue(), _shed[t].SolutionValue(),
                    Enumerable.Range(0, _p.Gensets.Count).Any(g => _on[g, t].SolutionValue() > 0.5),
                    Enumerable.Range(0, _p.Gensets.Count).Sum(g => _power[g, t].SolutionValue()),
                    _ballast[t].SolutionValue(), _evKw[t].SolutionValue(), _flexibleKw[t].SolutionValue(),
                    batteries.Select(b => _discharge[b, t].SolutionValue() - _charge[b, t].SolutionValue()).ToList(),
                    batteries.Select(b => _energy[b, t + 1].SolutionValue()).ToList()));
            }
            var objective = Cost.Value();
            var bound = Cost.BestBound();
            var gap = Math.Abs(objective - bound) / Math.Max(Math.Abs(objective), 1e-9);
            return new IslandSolution(status, fuel, _p.Gensets.FirstOrDefault()?.Fuel.FuelUnit ?? FuelCurve.Litres, fuelCost, starts, runHours,
                slots.Sum(s => s.CurtailedKw) * _h,
                slots.Sum(s => s.ShedKw) * _h + _unmet.Sum(u => u.SolutionValue()),
                slots.Sum(s => s.BallastKw) * _h, objective, gap, seconds, _p.Batteries.Select(b => b.Id).ToList(), slots);
        }
    }
}
