using Google.OrTools.LinearSolver;
using MicroMarket.Grid.Units;
using MicroMarket.Simulation.Decisions;

namespace MicroMarket.Optimal.Tests;

/// <summary>
/// Issue 13, requirement 2: with a perfect price forecast the battery's arbitrage plan earns (>= 0) and earns at least
/// 70 % of the perfect-foresight optimum, an LP over the same horizon, the same battery, wear and terminal value,
/// written here independently of the planner's dynamic programme. Measured: 95.7 % to 99.2 % over these 40 days (the
/// programme's 0.1 kWh levels cost a little power per slot), so the test holds it to 90 % to catch a regression.
/// </summary>
public sealed class StoragePlannerTests
{
    private const double Hours = 0.25;
    private const double Wear = 0.01;
    private static readonly Battery Battery = new(20, 5, 5, 0.95, 0.95, 0.1, 0.9);

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 40)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Arbitrage_earns_and_comes_within_90_percent_of_the_optimum(int seed)
    {
        var prices = Prices(seed);
        var planner = new StoragePlanner(Battery, Hours, Wear);
        var terminal = planner.TerminalValue(prices);
        const double start = 10; // on a level of the programme's grid: 2 + 20 x 0.4 kWh
        var plan = planner.Plan(prices, start, terminal);

        var earned = Value(plan, prices, start, terminal);
        var optimum = Optimum(prices, start, terminal);
        Assert.True(earned >= -1e-9, $"seed {seed}: the plan loses {earned:F4} tokens");
        Assert.True(earned >= 0.9 * optimum - 1e-9, $"seed {seed}: the plan earns {earned:F4} of the optimum's {optimum:F4} tokens");
    }

    /// <summary>A day of 96 prices: a daily shape of random phase and amplitude, with noise; every fifth seed pure noise.</summary>
    private static double[] Prices(int seed)
    {
        var random = new Random(seed);
        var phase = random.NextDouble() * 2 * Math.PI;
        var amplitude = 0.02 + 0.15 * random.NextDouble();
        return Enumerable.Range(0, 96).Select(t => seed % 5 == 0
            ? 0.5 * random.NextDouble()
            : Math.Max(0, 0.2 + amplitude * Math.Sin(2 * Math.PI * t / 96 + phase) + 0.04 * (random.NextDouble() - 0.5))).ToArray();
    }

    /// <summary>What a plan earns at the prices: trades less wear, plus the change of stored energy at the terminal value; the plan is replayed through the battery model.</summary>
    private static double Value(double[] plan, double[] prices, double start, double terminal)
    {
        var energy = start;
        var value = 0.0;
        for (var t = 0; t < plan.Length; t++)
        {
            var step = Battery.Apply(energy, plan[t] / Hours, TimeSpan.FromMinutes(15));
            Assert.True(Math.Abs(step.ClippedKw) < 1e-6, $"slot {t}: the plan asks beyond the battery's limits");
            energy = step.EnergyKwh;
            value += plan[t] * prices[t] - Math.Abs(plan[t]) * Wear;
        }
        return value + (energy - start) * terminal;
    }

    /// <summary>The LP: charge c and discharge d (AC kWh per slot), stored energy e within the SoC bounds.</summary>
    private static double Optimum(double[] prices, double start, double terminal)
    {
        using var solver = Solver.CreateSolver("GLOP")!;
        var n = prices.Length;
        var objective = solver.Objective();
        objective.SetMaximization();
        var energy = solver.MakeNumVar(start, start, "e0");
        for (var t = 0; t < n; t++)
        {
            var charge = solver.MakeNumVar(0, Battery.MaxChargeKw * Hours, $"c{t}");
            var discharge = solver.MakeNumVar(0, Battery.MaxDischargeKw * Hours, $"d{t}");
            var next = solver.MakeNumVar(Battery.MinEnergyKwh, Battery.MaxEnergyKwh, $"e{t + 1}");
            var balance = solver.MakeConstraint(0, 0);
            balance.SetCoefficient(next, 1);
            balance.SetCoefficient(energy, -1);
            balance.SetCoefficient(charge, -Battery.ChargeEfficiency);
            balance.SetCoefficient(discharge, 1 / Battery.DischargeEfficiency);
            objective.SetCoefficient(charge, -prices[t] - Wear);
            objective.SetCoefficient(discharge, prices[t] - Wear);
            energy = next;
        }
        objective.SetCoefficient(energy, terminal);
        Assert.Equal(Solver.ResultStatus.OPTIMAL, solver.Solve());
        return objective.Value() - start * terminal;
    }
}
