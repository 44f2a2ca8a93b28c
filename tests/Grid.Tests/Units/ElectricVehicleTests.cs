using MicroMarket.Grid.Units;
using Xunit;

namespace MicroMarket.Grid.Tests.Units;

public sealed class ElectricVehicleTests
{
    private static readonly TimeSpan Slot = TimeSpan.FromMinutes(15);
    private static readonly ElectricVehicle Car = new(batteryCapacityKwh: 60, chargerPowerKw: 7.4, chargeEfficiency: 0.9, vehicleToGridPowerKw: 5);

    [Fact]
    public void Unmet_energy_is_reported_when_the_stay_is_too_short()
    {
        // 4 slots of 15 minutes at 7.4 kW x 0.9 store 6.66 kWh; 20 kWh were needed.
        var session = new EvSession(ArrivalSlot: 10, DepartureSlot: 14, EnergyNeededKwh: 20, ArrivalEnergyKwh: 15);
        Car.Validate(session);
        var energy = session.ArrivalEnergyKwh;
        for (var slot = session.ArrivalSlot; slot < session.DepartureSlot; slot++)
        {
            energy = Car.Apply(session, energy, slot, -50.0, Slot).EnergyKwh;
        }
        Assert.Equal(20 - 6.66, ElectricVehicle.Depart(session, energy), 9);
    }

    [Fact]
    public void Charging_at_the_forced_minimum_meets_the_target_exactly_in_time()
    {
        var session = new EvSession(0, 32, 12, 10);
        var energy = session.ArrivalEnergyKwh;
        var charged = new List<double>();
        for (var slot = 0; slot < 32; slot++)
        {
            var step = Car.Apply(session, energy, slot, -Car.MinimumChargeKw(session, energy, slot, Slot), Slot);
            charged.Add(-step.ActualKw);
            energy = step.EnergyKwh;
        }
        Assert.Equal(0.0, ElectricVehicle.Depart(session, energy), 9);
        // Deferring as long as possible: nothing in the early slots, full power at the end.
        Assert.Equal(0.0, charged[0]);
        Assert.Equal(7.4, charged[^1], 9);
    }

    [Fact]
    public void Vehicle_to_grid_never_takes_the_car_below_its_arrival_energy()
    {
        var session = new EvSession(0, 10, 5, 20);
        var energy = 20.5;
        var step = Car.Apply(session, energy, 1, 5.0, Slot);
        Assert.Equal(0.5 * 0.92 / 0.25, step.ActualKw, 9);
        Assert.Equal(20.0, step.EnergyKwh, 9);
        Assert.Equal(0.0, Car.Apply(session, 20.0, 2, 5.0, Slot).ActualKw);
        Assert.Equal(0.0, new ElectricVehicle(60, 7.4).Apply(session, 30, 2, 5.0, Slot).ActualKw);
    }

    [Fact]
    public void An_absent_car_takes_nothing_and_the_whole_request_is_clipped()
    {
        var session = new EvSession(4, 8, 5, 20);
        var step = Car.Apply(session, 20, 8, -7.4, Slot);
        Assert.Equal((0.0, -7.4, 20.0), (step.ActualKw, step.ClippedKw, step.EnergyKwh));
    }

    [Fact]
    public void A_target_above_the_battery_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => Car.Validate(new EvSession(0, 10, 50, 20)));
    }
}
