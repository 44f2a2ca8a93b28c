namespace MicroMarket.Grid.Units;

/// <summary>
/// One parking session: the EV plugs in at the start of slot <paramref name="ArrivalSlot"/>, leaves at the start of
/// slot <paramref name="DepartureSlot"/>, arrives with <paramref name="ArrivalEnergyKwh"/> in its battery and needs
/// <paramref name="EnergyNeededKwh"/> more stored by departure. Slots are counted from any fixed origin.
/// </summary>
public sealed record EvSession(int ArrivalSlot, int DepartureSlot, double EnergyNeededKwh, double ArrivalEnergyKwh)
{
    /// <summary>Stored energy the owner expects at departure, kWh.</summary>
    public double TargetEnergyKwh => ArrivalEnergyKwh + EnergyNeededKwh;

    public bool IsPluggedIn(int slot) => slot >= ArrivalSlot && slot < DepartureSlot;
}

/// <summary>
/// An electric vehicle at a home or workplace charger, optionally bidirectional (vehicle-to-grid).
/// <list type="bullet">
/// <item>Power in the generator convention: negative charges the car, positive (V2G only) discharges it into the grid.</item>
/// <item>Stored energy E: charging E' = E + |P| eta_c h, discharging E' = E - P h / eta_d, within 0..capacity; a V2G
/// discharge never takes E below the energy the car arrived with, so V2G cannot make the owner worse off than not plugging in.</item>
/// <item>At departure the energy short of the target is reported as unmet (<see cref="Depart"/>).</item>
/// </list>
/// Typical values: 40..100 kWh batteries, 3.7 / 7.4 / 11 / 22 kW AC chargers, charge efficiency 0.88..0.95.
/// </summary>
public sealed record ElectricVehicle
{
    public ElectricVehicle(double batteryCapacityKwh, double chargerPowerKw, double chargeEfficiency = 0.92,
        double vehicleToGridPowerKw = 0.0, double dischargeEfficiency = 0.92)
    {
        if (!(batteryCapacityKwh > 0 && chargerPowerKw > 0 && vehicleToGridPowerKw >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(batteryCapacityKwh), "capacity and charger power must be > 0, V2G power >= 0");
        }
        if (!(chargeEfficiency is > 0 and <= 1 && dischargeEfficiency is > 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(chargeEfficiency), "efficiencies must be in (0, 1]");
        }
        BatteryCapacityKwh = batteryCapacityKwh;
        ChargerPowerKw = chargerPowerKw;
        ChargeEfficiency = chargeEfficiency;
        VehicleToGridPowerKw = vehicleToGridPowerKw;
        DischargeEfficiency = dischargeEfficiency;
    }

    public double BatteryCapacityKwh { get; }
    public double ChargerPowerKw { get; }
    public double ChargeEfficiency { get; }

    /// <summary>Largest discharge power into the grid, kW; 0 means no vehicle-to-grid.</summary>
    public double VehicleToGridPowerKw { get; }

    public double DischargeEfficiency { get; }

    /// <summary>Checks a session against this car: the target must fit in the battery.</summary>
    public void Validate(EvSession session)
    {
        if (session.DepartureSlot <= session.ArrivalSlot || session.EnergyNeededKwh < 0 || session.ArrivalEnergyKwh < 0
            || session.TargetEnergyKwh > BatteryCapacityKwh + 1e-9)
        {
            throw new ArgumentException($"session {session} does not fit a {BatteryCapacityKwh} kWh car (departure after arrival, energies >= 0, target <= capacity)", nameof(session));
        }
    }

    /// <summary>
    /// The least charging power (kW, &gt;= 0, load convention) needed in <paramref name="slot"/> so that charging at full
    /// power afterwards still meets the target: what an agent must buy now whatever the price.
    /// </summary>
    public double MinimumChargeKw(EvSession session, double energyKwh, int slot, TimeSpan slotLength)
    {
        if (!session.IsPluggedIn(slot))
        {
            return 0.0;
        }
        var perSlotKwh = ChargerPowerKw * ChargeEfficiency * UnitArguments.Hours(slotLength);
        var later = (session.DepartureSlot - slot - 1) * perSlotKwh;
        var shortKwh = session.TargetEnergyKwh - energyKwh - later;
        return Math.Clamp(shortKwh / perSlotKwh * ChargerPowerKw, 0.0, ChargerPowerKw);
    }

    /// <summary>Applies a requested power for one slot (negative charges, positive discharges by V2G).</summary>
    public EvStep Apply(EvSession session, double energyKwh, int slot, double requestedKw, TimeSpan slotLength)
    {
        UnitArguments.RequireFinite(requestedKw, nameof(requestedKw));
        var hours = UnitArguments.Hours(slotLength);
        if (!session.IsPluggedIn(slot))
        {
            return new EvStep(0.0, requestedKw, energyKwh);
        }
        double actualKw, after;
        if (requestedKw <= 0)
        {
            var roomKw = Math.Max(0.0, BatteryCapacityKwh - energyKwh) / ChargeEfficiency / hours;
            actualKw = -Math.Min(-requestedKw, Math.Min(ChargerPowerKw, roomKw));
            after = Math.Min(BatteryCapacityKwh, energyKwh - actualKw * ChargeEfficiency * hours);
        }
        else
        {
            var floorKwh = session.ArrivalEnergyKwh;
            var availableKw = Math.Max(0.0, energyKwh - floorKwh) * DischargeEfficiency / hours;
            actualKw = Math.Min(requestedKw, Math.Min(VehicleToGridPowerKw, availableKw));
            after = Math.Max(Math.Min(floorKwh, energyKwh), energyKwh - actualKw * hours / DischargeEfficiency);
        }
        return new EvStep(actualKw, requestedKw - actualKw, after);
    }

    /// <summary>The energy short of the target when the car leaves with <paramref name="energyKwh"/> stored, kWh (&gt;= 0).</summary>
    public static double Depart(EvSession session, double energyKwh) => Math.Max(0.0, session.TargetEnergyKwh - energyKwh);
}

/// <summary>One EV slot: power actually delivered (kW, + into the grid), the clipped part of the request (kW) and the stored energy after it (kWh).</summary>
public sealed record EvStep(double ActualKw, double ClippedKw, double EnergyKwh);
