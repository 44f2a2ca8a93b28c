using MicroMarket.Grid.Balance;
using MicroMarket.Scenarios.Model;

namespace MicroMarket.Scenarios.Tests;

/// <summary>The island-operation keys: grid-forming batteries and the genset's commitment, with their datasheet defaults.</summary>
public sealed class IslandOperationTests : IDisposable
{
    private readonly ScratchFolder _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void A_battery_is_grid_following_unless_it_says_so_and_a_grid_forming_one_gets_its_defaults()
    {
        var scenario = _scratch.Load(Minimal.With("""
              - { id: follower, kind: battery, bus: B3, capacity_kwh: 10, charge_kw: 5 }
              - { id: former, kind: battery, bus: B3, capacity_kwh: 20, charge_kw: 5, discharge_kw: 6, grid_forming: true }

            """));
        var batteries = scenario.Units.OfType<BatteryUnit>().ToDictionary(b => b.Id);
        Assert.Null(batteries["follower"].GridForming);
        Assert.Equal(new GridFormingSpec(DroopShareKw: 6, SocReserve: 0.2), batteries["former"].GridForming);
    }

    [Fact]
    public void The_genset_gets_its_commitment_defaults_from_its_technology()
    {
        var diesel = _scratch.Load(Minimal.With("")).Units.OfType<SlackUnit>().Single();
        var operation = diesel.Operation!;
        Assert.Equal(0.08145 * diesel.RatedPowerKw / 6, operation.StartFuel, 12); // ten minutes of no-load fuel
        Assert.Equal(new GensetOperation(60, 30, operation.StartFuel, 0.1, false, GensetDispatchRule.LoadFollowing, 0.8, 120), operation);
    }

    [Fact]
    public void The_N_1_reserve_is_asked_for_by_name()
    {
        var text = Minimal.With("").Replace("rated_kw: 30 }", "rated_kw: 30, reserve_largest_unit: true }");
        Assert.True(_scratch.Load(text).Units.OfType<SlackUnit>().Single().Operation!.ReserveLargestUnit);
    }

    [Fact]
    public void Reserve_and_commitment_keys_are_checked_where_they_are_written()
    {
        var errors = _scratch.Errors(Minimal.Header + """
            units:
              - { id: b, kind: battery, bus: B3, capacity_kwh: 10, charge_kw: 5, soc_reserve: 0.5 }
              - { id: f, kind: battery, bus: B3, capacity_kwh: 10, charge_kw: 5, grid_forming: true, soc_reserve: 0.95 }
              - { id: d, kind: slack, bus: B0, technology: diesel, rated_kw: 30, dispatch: cycle-charge, min_up_minutes: -1, reserve_largest_unit: 1 }

            """);
        Assert.Equal("applies only to a grid-forming battery (grid_forming: true)", errors.At("units[0].soc_reserve").Message);
        Assert.Contains("must lie within soc.min..soc.max", errors.At("units[1].soc_reserve").Message);
        Assert.Contains("did you mean 'cycle-charging'?", errors.At("units[2].dispatch").Message);
        Assert.Contains("found -1", errors.At("units[2].min_up_minutes").Message);
        Assert.NotNull(errors.At("units[2].reserve_largest_unit"));
    }

    [Fact]
    public void A_grid_forming_battery_belongs_to_an_island()
    {
        var errors = _scratch.Errors(Minimal.Header.Replace("mode: { kind: island }", "mode: { kind: grid-connected, retail_price: 0.30, feed_in_price: 0.06 }")
            + "units:\n  - { id: f, kind: battery, bus: B3, capacity_kwh: 10, charge_kw: 5, grid_forming: true }\n");
        Assert.Contains("applies only in island mode", errors.At("units[0].grid_forming").Message);
    }

    [Fact]
    public void A_battery_slack_takes_no_genset_keys()
    {
        var errors = _scratch.Errors(Minimal.Header
            + "units:\n  - { id: s, kind: slack, bus: B0, technology: battery, rated_kw: 30, capacity_kwh: 100, min_up_minutes: 60 }\n");
        Assert.Equal("applies only to a genset (technology diesel or chp)", errors.At("units[0].min_up_minutes").Message);
    }
}
