using MicroMarket.Grid.Units;
using Xunit;

namespace MicroMarket.Grid.Tests.Units;

public sealed class BatteryTests
{
    private static readonly TimeSpan Slot = TimeSpan.FromMinutes(15);
    private static readonly Battery Home = new(capacityKwh: 10, maxChargeKw: 5, maxDischargeKw: 4, chargeEfficiency: 0.95, dischargeEfficiency: 0.9);

    [Fact]
    public void State_of_charge_never_crosses_its_bounds_under_random_requests()
    {
        var random = new Random(20240611);
        foreach (var slot in new[] { TimeSpan.FromMinutes(1), Slot, TimeSpan.FromHours(1) })
        {
            var energy = 5.0;
            for (var i = 0; i < 20_000; i++)
            {
                var requested = (random.NextDouble() * 2 - 1) * 12; // often beyond both power limits
                var step = Home.Apply(energy, requested, slot);
                Assert.InRange(step.EnergyKwh, Home.MinEnergyKwh, Home.MaxEnergyKwh);
                Assert.InRange(step.ActualKw, -Home.MaxChargeKw, Home.MaxDischargeKw);
                Assert.Equal(requested, step.ActualKw + step.ClippedKw, 12);
                // Energy balance of the slot: stored change = -(AC energy) - conversion loss.
                Assert.Equal(step.EnergyKwh - energy, -step.ActualKw * slot.TotalHours - step.LossKwh, 9);
                energy = step.EnergyKwh;
            }
        }
    }

    [Fact]
    public void A_request_beyond_the_power_limit_is_clipped_and_reported()
    {
        var step = Home.Apply(5.0, 10.0, Slot);
        Assert.Equal(4.0, step.ActualKw);
        Assert.Equal(6.0, step.ClippedKw);
        Assert.Equal(5.0 - 4.0 * 0.25 / 0.9, step.EnergyKwh, 12);
    }

    [Fact]
    public void Near_empty_the_discharge_is_limited_by_the_energy_left_and_lands_on_the_bound()
    {
        var step = Home.Apply(1.1, 4.0, Slot); // 0.1 kWh above the 1 kWh floor
        Assert.Equal(0.1 * 0.9 / 0.25, step.ActualKw, 12);
        Assert.Equal(Home.MinEnergyKwh, step.EnergyKwh);
        Assert.Equal(0.1, step.StateOfCharge, 12);
    }

    [Fact]
    public void Near_full_the_charge_is_limited_and_lands_on_the_bound()
    {
        var step = Home.Apply(8.9, -5.0, Slot);
        Assert.Equal(-0.1 / 0.95 / 0.25, step.ActualKw, 12);
        Assert.Equal(Home.MaxEnergyKwh, step.EnergyKwh);
        Assert.True(step.ClippedKw < 0);
    }

    [Fact]
    public void Round_trip_loses_the_product_of_the_efficiencies()
    {
        var charged = Home.Apply(5.0, -2.0, TimeSpan.FromHours(1));
        var back = Home.AvailableDischargeKw(charged.EnergyKwh, TimeSpan.FromHours(1)); // all of it in one hour if allowed
        var stored = charged.EnergyKwh - 5.0;
        Assert.Equal(2.0 * 0.95, stored, 12);
        Assert.Equal(stored * 0.9, Home.Apply(charged.EnergyKwh, stored * 0.9, TimeSpan.FromHours(1)).ActualKw, 12);
        Assert.Equal(0.855, Home.RoundTripEfficiency, 12);
        Assert.True(back >= stored * 0.9);
    }

    [Fact]
    public void Bad_parameters_and_states_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Battery(0, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Battery(10, 1, 1, minStateOfCharge: 0.9, maxStateOfCharge: 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Home.Apply(9.5, 0, Slot));
        Assert.Throws<ArgumentOutOfRangeException>(() => Home.Apply(5, double.NaN, Slot));
    }
}
