using MicroMarket.Grid.Model;
using MicroMarket.Grid.Results;
using MicroMarket.Grid.Solve;
using MicroMarket.Grid.Units;

namespace MicroMarket.Grid.Balance;

/// <summary>How the island was balanced in a slot.</summary>
public enum IslandBalanceOutcome
{
    /// <summary>The slack covered load + losses - generation within its limits.</summary>
    Balanced,

    /// <summary>The slack hit its maximum; the rest of the demand was not served (load shed).</summary>
    LoadShed,

    /// <summary>The slack hit its minimum stable output; generation had to be curtailed.</summary>
    GenerationCurtailed,

    /// <summary>Even with all generation curtailed the slack was below its minimum; a ballast (dump) load had to absorb the rest.</summary>
    BallastRequired,
}

/// <summary>
/// One slot's island balance, energies in kWh over the slot. The accounting identity
/// GenerationKwh + SlackEnergyKwh = ConsumptionKwh + BallastKwh + LossesKwh holds to rounding
/// (<see cref="AccountingResidualKwh"/>), with GenerationKwh = GenerationAvailableKwh - CurtailedKwh and
/// ConsumptionKwh = ConsumptionRequestedKwh - EnergyNotServedKwh: nothing is left as a silent imbalance.
/// </summary>
public sealed record IslandBalanceResult(
    IslandBalanceOutcome Outcome,
    double SlackPowerKw,
    double SlackReactivePowerKvar,
    double SlackEnergyKwh,
    double GenerationAvailableKwh,
    double CurtailedKwh,
    double GenerationKwh,
    double ConsumptionRequestedKwh,
    double EnergyNotServedKwh,
    double ConsumptionKwh,
    double BallastKwh,
    double LossesKwh)
{
    /// <summary>Generation + slack - consumption - ballast - losses, kWh; zero up to rounding.</summary>
    public double AccountingResidualKwh => GenerationKwh + SlackEnergyKwh - ConsumptionKwh - BallastKwh - LossesKwh;

    /// <summary>Fraction of the requested consumption served (1 unless load was shed).</summary>
    public double ServedFraction => ConsumptionRequestedKwh > 0 ? ConsumptionKwh / ConsumptionRequestedKwh : 1.0;

    /// <summary>Fraction of the available generation delivered (1 unless curtailed).</summary>
    public double DeliveredGenerationFraction => GenerationAvailableKwh > 0 ? GenerationKwh / GenerationAvailableKwh : 1.0;
}

/// <summary>
/// Requirement 7: in island mode the slack unit at <see cref="SlackBus"/> forms the grid and covers
/// load + losses - generation, within its limits. Each slot it solves the island power flow with every unit at its
/// set-point; when the slack would exceed its maximum, consumption is shed uniformly (every load by the same
/// fraction, the least-biased rule when no priorities are given) until the slack sits at its maximum; when it would fall
/// below its minimum stable output, generation is curtailed uniformly until it sits at its minimum, and if no generation
/// is left to curtail a ballast load at the slack bus absorbs the rest. Losses are re-solved with every change, so the
/// figures are consistent with the power flow, not estimated.
/// </summary>
public sealed class IslandBalance
{
    private const double PowerToleranceKw = 1e-7;
    private const int MaxSearchSteps = 60;
    private readonly PowerFlowSolver _solver;
    private readonly BusPhaseInjections _net;
    private readonly PowerFlowMode _mode;

    public IslandBalance(PowerFlowSolver solver, int slackBus, double slackVoltagePu = 1.0)
    {
        _solver = solver;
        SlackBus = slackBus;
        _mode = PowerFlowMode.Island(slackBus, slackVoltagePu);
        _net = solver.CreateInjections();
        LastPowerFlow = solver.CreateResult();
    }

    public int SlackBus { get; }

    /// <summary>The power flow of the last balanced slot (voltages, line currents); overwritten by the next <see cref="Solve"/>.</summary>
    public PowerFlowResult LastPowerFlow { get; }

    /// <summary>
    /// Balances one slot.
    /// </summary>
    /// <param name="generation">non-slack generation set-points, kW &gt;= 0 (PV, wind, discharging storage).</param>
    /// <param name="consumption">consumption set-points in the load convention, kW &gt;= 0 (loads, charging storage).</param>
    /// <param name="limits">the slack's output range in this slot.</param>
    /// <param name="slot">slot length.</param>
    public IslandBalanceResult Solve(BusPhaseInjections generation, BusPhaseInjections consumption, SlackLimits limits, TimeSpan slot)
    {
        if (!(limits.MinimumKw <= limits.MaximumKw))
        {
            throw new ArgumentException($"slack limits {limits.MinimumKw}..{limits.MaximumKw} kW are empty", nameof(limits));
        }
        RequireNonNegative(generation, nameof(generation));
        RequireNonNegative(consumption, nameof(consumption));
        var hours = slot > TimeSpan.Zero ? slot.TotalHours : throw new ArgumentOutOfRangeException(nameof(slot));

        var served = 1.0;
        var delivered = 1.0;
        var ballastKw = 0.0;
        var outcome = IslandBalanceOutcome.Balanced;
        var slackKw = SlackPower(generation, consumption, served, delivered, ballastKw);
        if (slackKw > limits.MaximumKw)
        {
            outcome = IslandBalanceOutcome.LoadShed;
            served = FindFraction(s => SlackPower(generation, consumption, s, delivered, 0.0) - limits.MaximumKw);
        }
        else if (slackKw < limits.MinimumKw)
        {
            outcome = IslandBalanceOutcome.GenerationCurtailed;
            var withoutGeneration = SlackPower(generation, consumption, served, 0.0, 0.0);
            if (withoutGeneration < limits.MinimumKw)
            {
                // A ballast at the slack bus itself adds no line current, so it raises the slack output one for one.
                outcome = IslandBalanceOutcome.BallastRequired;
                delivered = 0.0;
                ballastKw = limits.MinimumKw - withoutGeneration;
            }
            else
            {
                delivered = FindFraction(g => SlackPower(generation, consumption, served, g, 0.0) - limits.MinimumKw);
            }
        }
        slackKw = SlackPower(generation, consumption, served, delivered, ballastKw);

        var g = generation.TotalPowerKw;
        var c = consumption.TotalPowerKw;
        return new IslandBalanceResult(
            outcome,
            slackKw,
            LastPowerFlow.SourceReactivePowerTotalKvar,
            slackKw * hours,
            g * hours,
            (1 - delivered) * g * hours,
            delivered * g * hours,
            c * hours,
            (1 - served) * c * hours,
            served * c * hours,
            ballastKw * hours,
            LastPowerFlow.LossesKw * hours);
    }

    private double SlackPower(BusPhaseInjections generation, BusPhaseInjections consumption, double served, double delivered, double ballastKw)
    {
        var p = _net.ActivePowerKw;
        var q = _net.ReactivePowerKvar;
        for (var i = 0; i < p.Length; i++)
        {
            p[i] = delivered * generation.ActivePowerKw[i] - served * consumption.ActivePowerKw[i];
            q[i] = delivered * generation.ReactivePowerKvar[i] - served * consumption.ReactivePowerKvar[i];
        }
        if (ballastKw > 0)
        {
            _net.Add(SlackBus, Phases.Abc, -ballastKw, 0.0);
        }
        _solver.Solve(_net, _mode, LastPowerFlow);
        return LastPowerFlow.SourcePowerTotalKw;
    }

    /// <summary>
    /// The fraction x in [0, 1] where the monotone mismatch f changes sign, from the side of f(0) (the feasible side:
    /// the slack within its limits), by regula falsi with the Illinois modification.
    /// </summary>
    private static double FindFraction(Func<double, double> mismatch)
    {
        double a = 0.0, fa = mismatch(0.0), b = 1.0, fb = mismatch(1.0);
        if (Math.Sign(fa) == Math.Sign(fb))
        {
            throw new InvalidOperationException($"the island cannot be balanced by scaling (slack mismatch {fa:G4} kW at 0 and {fb:G4} kW at 1)");
        }
        var feasible = a;
        var feasibleMismatch = fa;
        var side = 0;
        for (var step = 0; step < MaxSearchSteps && Math.Abs(feasibleMismatch) > PowerToleranceKw; step++)
        {
            var x = (a * fb - b * fa) / (fb - fa);
            var fx = mismatch(x);
            if (Math.Sign(fx) == Math.Sign(fa) || fx == 0)
            {
                (a, fa) = (x, fx);
                (feasible, feasibleMismatch) = (x, fx);
                fb = side == -1 ? fb / 2 : fb;
                side = -1;
            }
            else
            {
                (b, fb) = (x, fx);
                fa = side == 1 ? fa / 2 : fa;
                side = 1;
            }
        }
        return feasible;
    }

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
}
