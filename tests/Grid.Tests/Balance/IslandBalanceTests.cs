using MicroMarket.Grid.Balance;
using MicroMarket.Grid.Model;
using MicroMarket.Grid.Profiles;
using MicroMarket.Grid.Solve;
using MicroMarket.Grid.Units;
using Xunit;

namespace MicroMarket.Grid.Tests.Balance;

/// <summary>Requirement 7: per slot, generation + slack = consumption + losses (+ shed, curtailed, ballast) to 1e-6 kWh.</summary>
public sealed class IslandBalanceTests
{
    private static readonly TimeSpan Slot = TimeSpan.FromMinutes(15);
    private static readonly Network Ieee = IeeeFeederHelper.Network;

    private sealed class Island
    {
        public Island()
        {
            Solver = new PowerFlowSolver(Ieee);
            Balance = new IslandBalance(Solver, Ieee.BusIndex("1"));
            Generation = Solver.CreateInjections();
            Consumption = Solver.CreateInjections();
        }

        public PowerFlowSolver Solver { get; }
        public IslandBalance Balance { get; }
        public BusPhaseInjections Generation { get; }
        public BusPhaseInjections Consumption { get; }

        public void Load(int minute)
        {
            Consumption.Clear();
            foreach (var unit in Ieee.Units)
            {
                var p = ProfiledLoads.PowerKw(unit, minute);
                Consumption.Add(unit, p, p * Math.Tan(Math.Acos(unit.PowerFactor)));
            }
        }

        public void Pv(double kwPerHouse)
        {
            Generation.Clear();
            foreach (var unit in Ieee.Units)
            {
                Generation.Add(unit, kwPerHouse, 0.0);
            }
        }
    }

    private static void AssertIdentity(IslandBalanceResult r)
    {
        Assert.True(Math.Abs(r.AccountingResidualKwh) <= 1e-6, $"residual {r.AccountingResidualKwh} kWh");
        Assert.Equal(r.GenerationAvailableKwh, r.GenerationKwh + r.CurtailedKwh, 9);
        Assert.Equal(r.ConsumptionRequestedKwh, r.ConsumptionKwh + r.EnergyNotServedKwh, 9);
    }

    [Fact]
    public void The_identity_holds_every_slot_of_a_day_with_pv_and_a_diesel()
    {
        var island = new Island();
        var diesel = Genset.Diesel(ratedKw: 20, minimumStableFraction: 0.3);
        var outcomes = new HashSet<IslandBalanceOutcome>();
        for (var slot = 0; slot < 96; slot++)
        {
            var minute = slot * 15 + 8;
            island.Load(minute);
            var sun = Math.Max(0, Math.Sin((slot - 24) / 48.0 * Math.PI)); // 06:00 to 18:00
            island.Pv(1.2 * sun);
            var r = island.Balance.Solve(island.Generation, island.Consumption, diesel.Limits, Slot);
            AssertIdentity(r);
            Assert.InRange(r.SlackPowerKw, diesel.MinimumStableKw - 1e-6, diesel.RatedKw + 1e-6);
            outcomes.Add(r.Outcome);
        }
        // The day exercises every branch: plain balance, evening load above 20 kW, midday surplus, a quiet night below 6 kW.
        Assert.Equal(Enum.GetValues<IslandBalanceOutcome>().ToHashSet(), outcomes);
    }

    [Fact]
    public void Above_capacity_the_shortfall_is_energy_not_served_and_the_slack_sits_at_its_rating()
    {
        var island = new Island();
        island.Load(566);
        var r = island.Balance.Solve(island.Generation, island.Consumption, new SlackLimits(0, 30), Slot);
        AssertIdentity(r);
        Assert.Equal(IslandBalanceOutcome.LoadShed, r.Outcome);
        Assert.InRange(r.SlackPowerKw, 30 - 1e-6, 30);
        // About (59.4 - 30) kW x 0.25 h short, less the losses saved by shedding.
        Assert.InRange(r.EnergyNotServedKwh, 6.8, 7.4);
        Assert.Equal(r.SlackPowerKw, island.Balance.LastPowerFlow.SourcePowerTotalKw, 12);
    }

    [Fact]
    public void Below_minimum_stable_output_generation_is_curtailed()
    {
        var island = new Island();
        island.Load(566);
        island.Pv(1.2);
        var r = island.Balance.Solve(island.Generation, island.Consumption, new SlackLimits(10, 60), Slot);
        AssertIdentity(r);
        Assert.Equal(IslandBalanceOutcome.GenerationCurtailed, r.Outcome);
        Assert.InRange(r.SlackPowerKw, 10, 10 + 1e-6);
        Assert.True(r.CurtailedKwh > 0 && r.EnergyNotServedKwh == 0);
    }

    [Fact]
    public void With_nothing_left_to_curtail_a_ballast_absorbs_the_rest()
    {
        var island = new Island();
        island.Load(1);
        var r = island.Balance.Solve(island.Generation, island.Consumption, new SlackLimits(10, 60), Slot);
        AssertIdentity(r);
        Assert.Equal(IslandBalanceOutcome.BallastRequired, r.Outcome);
        Assert.Equal(10.0, r.SlackPowerKw, 6);
        Assert.InRange(r.BallastKwh, (10 - 2.9) * 0.25, (10 - 2.7) * 0.25);
    }

    [Fact]
    public void An_oversized_battery_slack_absorbs_a_surplus()
    {
        var island = new Island();
        island.Load(600);
        island.Pv((island.Consumption.TotalPowerKw + 30.0) / Ieee.Units.Count); // a 30 kW surplus
        var battery = new Battery(200, 50, 50);
        var limits = SlackLimits.ForBattery(battery, 100, Slot);
        var r = island.Balance.Solve(island.Generation, island.Consumption, limits, Slot);
        AssertIdentity(r);
        Assert.Equal(IslandBalanceOutcome.Balanced, r.Outcome);
        Assert.True(r.SlackPowerKw < 0); // charging
        var step = battery.Apply(100, r.SlackPowerKw, Slot);
        Assert.Equal(0.0, step.ClippedKw, 12);
    }
}
