using MicroMarket.RunFormat;
using MicroMarket.Scenarios;
using MicroMarket.Scenarios.Model;
using MicroMarket.Simulation.Decisions;
using MicroMarket.Simulation.Physics;
using MicroMarket.Simulation.Running;

namespace MicroMarket.Simulation.Tests;

/// <summary>
/// The island's physics slot by slot on the quickstart's feeder and units: who forms the grid, when the diesel is
/// committed (minimum up time), and a blackout when nothing can form the grid.
/// </summary>
public sealed class FeederPhysicsTests
{
    private static readonly Scenario Quickstart = ScenarioLoader.Load(Path.Combine(RepositoryRoot(), "scenarios", "quickstart.yaml"));
    private static readonly ScenarioPlan Plan = new(Quickstart);

    /// <summary>The three households draw 1 kW each; everything else proposes nothing but the battery and the diesel.</summary>
    private static List<UnitDelivery> Night(double batteryEnergyKwh, bool batteryOnline)
    {
        var battery = Quickstart.Units.OfType<BatteryUnit>().Single();
        return Plan.Units.Select(u => new UnitDelivery(u.Id, new UnitIdentity(u.Index, u.Id, "", ""), u.Agent.Spec switch
        {
            LoadUnit => DeliveryProposal.At(-1.0, 0.95),
            BatteryUnit b => new DeliveryProposal(DeliveryRole.Balancing, 0, 1, -b.ChargeKw, batteryOnline ? b.DischargeKw : 0)
            {
                Storage = new StorageState(batteryOnline, b.DischargeKw, batteryEnergyKwh, b.CapacityKwh, b.GridForming!.SocReserve * b.CapacityKwh, 0.95, 0.95),
            },
            SlackUnit s => new DeliveryProposal(DeliveryRole.GridForming, 0, 1, s.MinStableFraction * s.RatedPowerKw, s.RatedPowerKw),
            _ => DeliveryProposal.At(0),
        })).ToList();
    }

    [Fact]
    public void A_battery_above_its_reserve_forms_the_grid_and_the_diesel_stays_off()
    {
        var physics = MarketRun.NewPhysics(Plan);
        var (flows, slot) = physics.Solve(Night(16, batteryOnline: true));
        Assert.Equal("battery", slot.GridFormer);
        Assert.Equal(GensetState.Off, slot.GensetState);
        Assert.Equal(0, flows.Single(f => f.UnitId == "diesel").ActualPowerKw);
        Assert.InRange(flows.Single(f => f.UnitId == "battery").ActualPowerKw, 3.0, 3.1); // the load and the losses
        Assert.Equal(BalanceOutcome.Storage, slot.Outcome);
        Assert.True(Math.Abs(slot.ResidualKwh) <= 1e-6);
    }

    [Fact]
    public void At_its_reserve_the_diesel_starts_and_runs_its_minimum_up_time()
    {
        var physics = MarketRun.NewPhysics(Plan);
        var states = new List<GensetState?>();
        states.Add(physics.Solve(Night(6, batteryOnline: false)).Physics.GensetState);
        for (var i = 0; i < 5; i++)
        {
            var (_, slot) = physics.Solve(Night(16, batteryOnline: true));
            states.Add(slot.GensetState);
            Assert.Equal(slot.GensetState == GensetState.Off ? "battery" : "diesel", slot.GridFormer);
        }
        // Sixty minutes at least (four slots), then the charged battery carries the island again.
        Assert.Equal([GensetState.Start, GensetState.On, GensetState.On, GensetState.On, GensetState.Off, GensetState.Off], states);
    }

    [Fact]
    public void Physics_restored_from_a_save_mid_run_keep_the_diesels_minimum_up_time_and_the_voltage_extremes()
    {
        var original = MarketRun.NewPhysics(Plan);
        original.Solve(Night(6, batteryOnline: false));
        original.Solve(Night(16, batteryOnline: true));

        // A market node resumed from a checkpoint taken here: the diesel has run two slots of its four.
        var restored = MarketRun.NewPhysics(Plan);
        restored.Restore(original.Save());

        for (var i = 0; i < 3; i++)
        {
            var (expected, actual) = (original.Solve(Night(16, batteryOnline: true)).Physics, restored.Solve(Night(16, batteryOnline: true)).Physics);
            Assert.Equal((expected.GensetState, expected.GridFormer, expected.Outcome), (actual.GensetState, actual.GridFormer, actual.Outcome));
            // The power flow starts from the last slot's voltages, which a save does not keep: the same to the solver's tolerance, not to the bit.
            Assert.Equal(expected.GenerationKwh, actual.GenerationKwh, 1e-9);
            Assert.Equal(expected.MinVoltagePu, actual.MinVoltagePu, 1e-9);
        }
        Assert.Equal(original.Record().BusMinPu, restored.Record().BusMinPu, (a, b) => Math.Abs(a - b) <= 1e-9 || (double.IsNaN(a) && double.IsNaN(b)));
        Assert.Equal(original.Record().BusMaxPu, restored.Record().BusMaxPu, (a, b) => Math.Abs(a - b) <= 1e-9 || (double.IsNaN(a) && double.IsNaN(b)));
    }

    [Fact]
    public void With_no_grid_forming_unit_online_and_no_genset_the_island_is_dark()
    {
        var specs = Quickstart.Units.Select(u => u is SlackUnit s
            ? new SlackUnit(s.Id, s.Bus, s.Phase, s.InitialBalance, s.Strategy, s.Forecast, SlackTechnology.Battery, 5, 0, 0, 20, 0.1)
            : u).ToList();
        var physics = new FeederPhysics(Plan.Network, Quickstart.Mode, specs, Plan.Calendar.SlotLength);
        var empty = new DeliveryProposal(DeliveryRole.Balancing, 0, 1, -5, 0) { Storage = new StorageState(false, 5, 2, 20, 2, 0.95, 0.95) };
        var units = Night(6, batteryOnline: false).Select(u => u.UnitId == "diesel" ? u with { Proposal = empty } : u).ToList();

        var (flows, slot) = physics.Solve(units);

        Assert.Equal(BalanceOutcome.Blackout, slot.Outcome);
        Assert.Equal("", slot.GridFormer);
        Assert.Equal(3 * 0.25, slot.NotServedKwh, 9);
        Assert.Equal(0, slot.GenerationKwh);
        Assert.All(flows, f => Assert.Equal(0, f.ActualPowerKw));
        Assert.All(flows, f => Assert.Equal(0, f.ImportWh + f.ExportWh));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MicroMarket.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("MicroMarket.sln not found above " + AppContext.BaseDirectory);
    }
}
