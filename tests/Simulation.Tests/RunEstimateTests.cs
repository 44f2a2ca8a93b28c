using MicroMarket.Simulation.Running;

namespace MicroMarket.Simulation.Tests;

/// <summary>
/// <see cref="RunEstimate"/> scales as a run's work does, and reproduces the runs README.md measured (its
/// "Benchmarks": `micromarket bench run` and `run -v`), from which its figures come.
/// </summary>
public sealed class RunEstimateTests
{
    [Fact]
    public void Gas_and_time_scale_with_participants_days_and_slots()
    {
        var day = RunEstimate.Of(10, 1, 96);

        Assert.Equal(2 * day.Gas, RunEstimate.Of(20, 1, 96).Gas, 1e-6);
        Assert.Equal(2 * day.Gas, RunEstimate.Of(10, 2, 96).Gas, 1e-6);
        Assert.Equal(2 * day.Transactions, RunEstimate.Of(10, 2, 96).Transactions);
        Assert.Equal(2 * day.Simulator.TotalMilliseconds, RunEstimate.Of(10, 2, 96).Simulator.TotalMilliseconds, 1e-3);
        // Half-hour slots: half the readings, settlements and order words a day.
        Assert.Equal(day.Gas / 2, RunEstimate.Of(10, 1, 48).Gas, 1e-6);
        Assert.Equal(day.Startup, RunEstimate.Of(100, 365, 96).Startup);
    }

    [Fact]
    public void Once_the_storage_ring_has_turned_a_day_costs_less_gas_and_its_blocks_more_time()
    {
        double Added(Func<RunEstimate, double> figure, int day) => figure(RunEstimate.Of(101, day, 96)) - figure(RunEstimate.Of(101, day - 1, 96));

        Assert.True(Added(e => e.Gas, 10) < 0.7 * Added(e => e.Gas, 2));
        // Anvil rebuilds a state that has grown for three days: the blocks of day 10 take longer than those of day 2.
        Assert.True(Added(e => e.Anvil.TotalSeconds, 10) > Added(e => e.Anvil.TotalSeconds, 2));
        Assert.Equal(Added(e => e.Anvil.TotalSeconds, 10), Added(e => e.Anvil.TotalSeconds, 20), 1e-6);
    }

    /// <summary>
    /// README's measured runs (participants: every unit, and the supplier when grid-connected), each within a factor
    /// of 2: wall times, and transactions where it counts them (the year is its 2 h 20 min estimate from 12 days).
    /// </summary>
    [Theory]
    [InlineData("quickstart", 10, 1, 3.0, 421)]
    [InlineData("ieee-eu-lv-prosumers", 56, 1, 6.5, 780)]
    [InlineData("island-week", 17, 7, 31.6, 3_479)]
    [InlineData("ieee-eu-lv-year", 101, 365, 140 * 60.0, null)]
    public void The_READMEs_runs_are_reproduced_within_a_factor_of_two(string scenario, int participants, int days, double wallSeconds, int? transactions)
    {
        var estimate = RunEstimate.Of(participants, days, 96);

        AssertWithinFactor(2, wallSeconds, estimate.Wall.TotalSeconds, $"{scenario}: wall seconds");
        if (transactions is { } measured)
        {
            AssertWithinFactor(2, measured, estimate.Transactions, $"{scenario}: transactions");
        }
    }

    /// <summary>The figures derived from README's rather than copied: what they were derived from, still reproduced.</summary>
    [Fact]
    public void The_derived_figures_still_reproduce_what_they_were_derived_from()
    {
        // The start-up is what is left of the quickstart's 3.0 s.
        AssertWithinFactor(1.1, 3.0, RunEstimate.Of(10, 1, 96).Wall.TotalSeconds, "quickstart");
        // The year's first 12 days: 298 s of market phases, 228 s of them mining; the gas rate is what was left of it.
        var twelveDays = RunEstimate.Of(101, 12, 96);
        AssertWithinFactor(1.1, 228, twelveDays.Anvil.TotalSeconds, "the year's first 12 days' mining");
        AssertWithinFactor(1.1, 298 - 228, twelveDays.Simulator.TotalSeconds, "the year's first 12 days besides mining");
        AssertWithinFactor(1.1, 96 * 0.0355, RunEstimate.Of(56, 1, 96).Simulator.TotalSeconds, "the IEEE prosumers day besides mining");
    }

    private static void AssertWithinFactor(double factor, double measured, double estimated, string what) =>
        Assert.True(estimated >= measured / factor && estimated <= measured * factor, $"{what}: estimated {estimated:0.###}, measured {measured:0.###}");
}
