using MicroMarket.Grid.Units;

namespace MicroMarket.Optimal.Tests;

public sealed class IslandOptimizerTests
{
    private const double Vol = 3.0;

    private static readonly SolveOptions Options = new(TimeSpan.FromSeconds(30));

    /// <summary>10 kW diesel, 3 kW minimum, HOMER's curve at 1 token per litre, 0.01 L per start, no minimum times.</summary>
    private static OptimalGenset Diesel(double minimumKw = 3, double startFuel = 0.01, double fuelPrice = 1.0, int minUpSlots = 0) =>
        new("diesel", 10, minimumKw, FuelCurve.Diesel, fuelPrice, startFuel, minUpSlots, 0);

    /// <summary>A lossless grid-forming battery of 10 kW either way, 0..10 kWh.</summary>
    private static OptimalBattery Former(double initialKwh, double reserveKwh) =>
        new("former", 10, 10, 1, 1, 0, 10, initialKwh, GridForming: true, reserveKwh);

    private static IslandProblem Island(double[] loadKw, OptimalGenset[] gensets, OptimalBattery[] batteries, double[]? renewableKw = null,
        TerminalRule terminal = TerminalRule.AtLeastInitial) =>
        new(loadKw.Length, 0.25, renewableKw ?? new double[loadKw.Length], loadKw, gensets, batteries, [], [], ValueOfLostLoad: Vol, Terminal: terminal);

    private static double[] Flat(double kw, int slots) => Enumerable.Repeat(kw, slots).ToArray();

    /// <summary>
    /// Two hours of 4 kW; the battery starts full, 4 kWh above its reserve, and must end full: the genset makes all
    /// 8 kWh. No-load fuel is paid per on-slot, so the fewest do: 3 slots give at most 7.5 kWh, so 4 slots in one run.
    /// Fuel = 0.08145 x 10 x 1 h + 0.246 x 8 + 0.01 = 2.7925 L.
    /// </summary>
    [Fact]
    public void Hand_checked_two_hour_case()
    {
        var solution = IslandOptimizer.Solve(Island(Flat(4, 8), [Diesel()], [Former(10, 6)]), Options);

        Assert.Equal("OPTIMAL", solution.Status);
        Assert.Equal(2.7925, solution.Fuel, 1e-6);
        Assert.Equal(4, solution.Slots.Count(s => s.GensetOn));
        Assert.Equal(1, solution.Starts);
        Assert.Equal(0, solution.CurtailedKwh + solution.UnservedKwh + solution.BallastKwh, 1e-6);
        // Following the load instead (4 kW in every slot, one start) would burn 3.597 + 0.01 L.
        Assert.True(solution.Fuel < 3.607);
    }

    /// <summary>Without a genset the battery serves its 4 kWh above reserve; the other 4 kWh are lost load, and the whole cost.</summary>
    [Fact]
    public void Blackout_is_unserved_in_the_optimum_too()
    {
        var solution = IslandOptimizer.Solve(Island(Flat(4, 8), [], [Former(10, 6)], terminal: TerminalRule.Free), Options);

        Assert.Equal(4, solution.UnservedKwh, 1e-6);
        Assert.Equal(4 * Vol, solution.Objective, 1e-3);
        Assert.Equal(0, solution.Fuel);
    }

    /// <summary>
    /// A diesel-only island (nothing else forms the grid) with two 1-hour loads 30 minutes apart. Staying on through the
    /// gap costs 30 minutes of no-load fuel, 0.407 L at 1.6 = 0.65 tokens: a start dearer than that merges the runs.
    /// </summary>
    [Theory]
    [InlineData(0.0, 2)]
    [InlineData(1.0, 1)]
    public void Start_cost_merges_runs(double startFuel, int starts)
    {
        double[] load = [4, 4, 4, 4, 0, 0, 4, 4, 4, 4];
        var solution = IslandOptimizer.Solve(Island(load, [Diesel(minimumKw: 0, startFuel, fuelPrice: 1.6)], []), Options);

        Assert.Equal(starts, solution.Starts);
        Assert.Equal(0, solution.UnservedKwh, 1e-6);
    }

    [Fact]
    public void Min_up_time_is_respected()
    {
        double[] load = [4, 0, 0, 0, 0, 0, 0, 0];
        var solution = IslandOptimizer.Solve(Island(load, [Diesel(minimumKw: 0, minUpSlots: 4)], []), Options);

        Assert.Equal(1, solution.Starts);
        Assert.Equal([true, true, true, true, false, false, false, false], solution.Slots.Select(s => s.GensetOn));
    }

    /// <summary>
    /// N-1 reserve: an hour of 12 kW load met by one 12 kW PV array beside a 10 kW grid-forming battery. By the fraction of
    /// load alone nothing needs to run. Covering the array's trip asks 12 kW of reserve: curtailing it does not help (the
    /// battery then discharges what was curtailed and loses as much headroom), so the diesel runs at its 3 kW minimum
    /// into the battery in all four slots (shedding 2 kW would cost 1.5 tokens a slot against 0.39 L):
    /// 0.08145 x 10 x 1 h + 0.246 x 3 x 1 h + 0.01 = 1.5625 L.
    /// </summary>
    [Fact]
    public void The_reserve_covers_the_largest_unit_when_asked()
    {
        var island = Island(Flat(12, 4), [Diesel()], [Former(5, 0)], renewableKw: Flat(12, 4), terminal: TerminalRule.Free);
        Assert.Equal(0, IslandOptimizer.Solve(island, Options).Fuel);

        var solution = IslandOptimizer.Solve(island with { LargestInfeedKw = Flat(12, 4) }, Options);
        Assert.Equal(1.5625, solution.Fuel, 1e-6);
        Assert.Equal(4, solution.Slots.Count(s => s.GensetOn));
        Assert.Equal(0, solution.UnservedKwh, 1e-6);
    }

    /// <summary>
    /// 16 kWh of surplus into a battery with 10 kWh of room: exactly the 6 kWh that do not fit are curtailed. When
    /// is not unique (curtailing early and storing late costs the same), so only the totals are asserted.
    /// </summary>
    [Fact]
    public void Curtails_only_what_storage_cannot_take()
    {
        var solution = IslandOptimizer.Solve(Island(Flat(0, 8), [], [Former(0, 0)], renewableKw: Flat(8, 8), terminal: TerminalRule.Free), Options);

        Assert.Equal(6, solution.CurtailedKwh, 1e-6);
        Assert.Equal(10, solution.Slots[^1].BatteryKwh[0], 1e-6);
    }
}
