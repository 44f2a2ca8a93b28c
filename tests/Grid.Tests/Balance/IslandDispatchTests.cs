using MicroMarket.Grid.Balance;
using MicroMarket.Grid.Model;
using MicroMarket.Grid.Profiles;
using MicroMarket.Grid.Solve;
using MicroMarket.Grid.Units;
using Xunit;

namespace MicroMarket.Grid.Tests.Balance;

/// <summary>
/// The island balance's order (storage, curtailment, ballast only for a committed genset; storage, genset, shedding)
/// and its identity generation - consumption - ballast - losses = 0 to 1e-6 kWh, on the IEEE European LV feeder.
/// </summary>
public sealed class IslandDispatchTests
{
    private static readonly TimeSpan Slot = TimeSpan.FromMinutes(15);
    private static readonly Network Ieee = IeeeFeederHelper.Network;
    private static readonly int GensetBus = Ieee.BusIndex("1");
    private static readonly int StorageBus = Ieee.BusIndex(Ieee.Units[0].Bus);
    private static readonly int OtherStorageBus = Ieee.BusIndex(Ieee.Units[^1].Bus);

    private sealed class Island
    {
        public Island()
        {
            var solver = new PowerFlowSolver(Ieee);
            Dispatch = new IslandDispatch(solver);
            Pv = solver.CreateInjections();
            Firm = solver.CreateInjections();
            Consumption = solver.CreateInjections();
        }

        public IslandDispatch Dispatch { get; }
        public BusPhaseInjections Pv { get; }
        public BusPhaseInjections Firm { get; }
        public BusPhaseInjections Consumption { get; }

        public Island Load(int minute, double scale = 1.0)
        {
            Consumption.Clear();
            foreach (var unit in Ieee.Units)
            {
                var p = scale * ProfiledLoads.PowerKw(unit, minute);
                Consumption.Add(unit, p, p * Math.Tan(Math.Acos(unit.PowerFactor)));
            }
            return this;
        }

        public Island Sun(double kwPerHouse)
        {
            Pv.Clear();
            foreach (var unit in Ieee.Units)
            {
                Pv.Add(unit, kwPerHouse, 0.0);
            }
            return this;
        }

        public IslandDispatchResult Solve(IReadOnlyList<BalancingStorage> storage, DispatchableGenset? genset) =>
            Check(Dispatch.Solve(Pv, Firm, Consumption, storage, genset, Slot));
    }

    private static BalancingStorage Former(double chargeKw, double dischargeKw, double droop = 10, int? bus = null) =>
        new(bus ?? StorageBus, Phases.Abc, 0, -chargeKw, dischargeKw, true, droop);

    private static DispatchableGenset Diesel(bool committed, double minimumKw = 10, double ratedKw = 60, double extraKw = 0) =>
        new(GensetBus, minimumKw, ratedKw, committed, extraKw);

    private static IslandDispatchResult Check(IslandDispatchResult r)
    {
        Assert.True(Math.Abs(r.AccountingResidualKwh) <= 1e-6, $"residual {r.AccountingResidualKwh} kWh");
        Assert.True(r.CurtailedKwh >= 0 && r.EnergyNotServedKwh >= 0 && r.BallastKwh >= 0 && r.StorageAbsorbedKwh >= 0 && r.StorageSuppliedKwh >= 0);
        return r;
    }

    [Fact]
    public void The_identity_holds_every_slot_of_a_day_with_pv_a_grid_forming_battery_and_a_diesel()
    {
        var island = new Island();
        var outcomes = new HashSet<IslandBalanceOutcome>();
        for (var slot = 0; slot < 96; slot++)
        {
            var sun = Math.Max(0, Math.Sin((slot - 24) / 48.0 * Math.PI)); // 06:00 to 18:00
            island.Load(slot * 15 + 8).Sun(1.2 * sun);
            var committed = slot is >= 72 and < 88 or < 8; // the evening peak and the small hours
            var r = island.Solve([Former(8, 8)], Diesel(committed, minimumKw: 12));
            if (r.GensetRunning)
            {
                Assert.InRange(r.GensetKw, 12 - 1e-6, 60 + 1e-6);
            }
            else
            {
                Assert.InRange(r.StorageKw[0], -8 - 1e-6, 8 + 1e-6);
            }
            outcomes.Add(r.Outcome);
        }
        Assert.Superset(new HashSet<IslandBalanceOutcome> { IslandBalanceOutcome.Storage, IslandBalanceOutcome.Curtailed }, outcomes);
    }

    [Fact]
    public void A_surplus_charges_grid_forming_storage_before_anything_is_curtailed()
    {
        var island = new Island().Load(600);
        island.Sun((island.Consumption.TotalPowerKw + 6.0) / Ieee.Units.Count); // about 6 kW surplus
        var roomy = island.Solve([Former(20, 20)], null);
        Assert.Equal(IslandBalanceOutcome.Storage, roomy.Outcome);
        Assert.Equal(0, roomy.CurtailedKwh);
        Assert.InRange(-roomy.StorageKw[0], 5, 6); // the surplus less the losses
        Assert.Equal(-roomy.StorageKw[0] * 0.25, roomy.StorageAbsorbedKwh, 9);

        var small = island.Solve([Former(2, 20)], null);
        Assert.Equal(IslandBalanceOutcome.Curtailed, small.Outcome);
        Assert.InRange(small.StorageKw[0], -2 - 1e-6, -2 + 1e-6);
        Assert.InRange(small.CurtailedKwh, (6 - 2 - 1) * 0.25, (6 - 2) * 0.25);
        Assert.Equal(0, small.BallastKwh);
    }

    [Fact]
    public void Grid_following_storage_absorbs_after_grid_forming_storage_is_full()
    {
        var island = new Island().Load(600);
        island.Sun((island.Consumption.TotalPowerKw + 6.0) / Ieee.Units.Count);
        var following = new BalancingStorage(OtherStorageBus, Phases.Abc, 1.0, -10, 5, false, 5); // scheduled to discharge 1 kW
        var r = island.Solve([Former(2, 20), following], null);
        Assert.Equal(IslandBalanceOutcome.Storage, r.Outcome);
        Assert.InRange(r.StorageKw[0], -2 - 1e-6, -2 + 1e-6);
        Assert.True(r.StorageKw[1] < 0, "the follower stops discharging and charges instead of PV being curtailed");
        Assert.Equal(0, r.CurtailedKwh);
    }

    [Fact]
    public void A_ballast_runs_only_while_a_committed_genset_sits_at_its_minimum_with_storage_full()
    {
        var island = new Island().Load(1); // about 2.8 kW at night, below the diesel's 10 kW minimum
        var full = island.Solve([Former(0, 20)], Diesel(committed: true));
        Assert.Equal(IslandBalanceOutcome.Ballast, full.Outcome);
        Assert.Equal(10.0, full.GensetKw, 6);
        Assert.InRange(full.BallastKwh, (10 - 2.9) * 0.25, (10 - 2.7) * 0.25);

        var roomy = island.Solve([Former(20, 20)], Diesel(committed: true));
        Assert.Equal(0, roomy.BallastKwh);
        Assert.Equal(IslandBalanceOutcome.Storage, roomy.Outcome);
        Assert.InRange(roomy.StorageAbsorbedKwh, (10 - 2.9) * 0.25, (10 - 2.7) * 0.25);

        var off = island.Solve([Former(0, 20)], Diesel(committed: false));
        Assert.False(off.GensetRunning);
        Assert.Equal(0, off.BallastKwh);
    }

    [Fact]
    public void A_deficit_discharges_storage_then_starts_the_genset_then_sheds()
    {
        var island = new Island().Load(566); // the evening peak, about 59 kW
        var carried = island.Solve([Former(80, 80)], Diesel(committed: false));
        Assert.False(carried.GensetRunning);
        Assert.Equal(IslandBalanceOutcome.Storage, carried.Outcome);

        var started = island.Solve([Former(10, 10)], Diesel(committed: false, ratedKw: 80));
        Assert.True(started.GensetRunning && started.ForcedStart);
        Assert.Equal(0, started.EnergyNotServedKwh);

        var shed = island.Solve([Former(10, 10)], Diesel(committed: true, ratedKw: 30));
        Assert.Equal(IslandBalanceOutcome.LoadShed, shed.Outcome);
        Assert.InRange(shed.StorageKw[0], 10 - 1e-6, 10 + 1e-6);
        Assert.InRange(shed.GensetKw, 30 - 1e-3, 30 + 1e-3);
        Assert.InRange(shed.EnergyNotServedKwh, (59.4 - 40 - 2) * 0.25, (59.4 - 40) * 0.25); // less the losses shedding saves
    }

    [Fact]
    public void With_no_grid_forming_unit_online_and_no_genset_the_slot_is_a_blackout()
    {
        var island = new Island().Load(600).Sun(0.5);
        var offline = new BalancingStorage(StorageBus, Phases.Abc, 0, -10, 0, false, 10);
        var r = island.Solve([offline], null);
        Assert.Equal(IslandBalanceOutcome.Blackout, r.Outcome);
        Assert.Equal(GridFormerKind.None, r.Former);
        Assert.Equal(island.Consumption.TotalPowerKw * 0.25, r.EnergyNotServedKwh, 9);
        Assert.Equal(0, r.GenerationKwh);
        Assert.Equal(0, r.StorageKw[0]);
    }

    [Fact]
    public void Without_grid_forming_storage_online_the_genset_forms_the_grid()
    {
        var island = new Island().Load(600);
        var offline = new BalancingStorage(StorageBus, Phases.Abc, 0, -10, 0, false, 10);
        var r = island.Solve([offline], Diesel(committed: false));
        Assert.True(r.GensetRunning && r.ForcedStart);
        Assert.Equal(GridFormerKind.Genset, r.Former);
    }

    [Fact]
    public void Two_grid_forming_batteries_share_the_balancing_power_by_droop()
    {
        var island = new Island().Load(600);
        var big = Former(50, 50, droop: 30);
        var small = Former(50, 50, droop: 10, bus: OtherStorageBus);
        var r = island.Solve([big, small], null);
        Assert.Equal(GridFormerKind.Storage, r.Former);
        Assert.Equal(0, r.FormerStorageIndex); // the largest droop share is the reference
        var total = r.StorageKw.Sum();
        // The reference takes the loss mismatch of the lossless split; it converges to 1e-9 kW.
        Assert.Equal(0.75 * total, r.StorageKw[0], 6);
        Assert.Equal(0.25 * total, r.StorageKw[1], 6);
    }

    [Fact]
    public void Cycle_charging_raises_the_genset_by_the_storage_it_charges()
    {
        var island = new Island().Load(1);
        var r = island.Solve([Former(10, 10)], Diesel(committed: true, minimumKw: 6, extraKw: 8));
        Assert.InRange(r.GensetKw, 2.7 + 8, 2.9 + 8 + 0.5);
        Assert.InRange(-r.StorageKw[0], 8 - 1e-6, 8 + 1e-6);
        Assert.Equal(0, r.BallastKwh);
    }
}
