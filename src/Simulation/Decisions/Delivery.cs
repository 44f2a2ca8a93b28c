namespace MicroMarket.Simulation.Decisions;

/// <summary>A unit's schedule for a slot: its day-ahead and intra-day positions.</summary>
public sealed record DeliveryRequest(int Slot, SlotPosition DayAhead, SlotPosition Intraday)
{
    public long ScheduledNetExportWh => DayAhead.NetExportWh + Intraday.NetExportWh;
}

/// <summary>How a unit meets the physics in a slot.</summary>
public enum DeliveryRole
{
    /// <summary>Runs at its own set-point (which the island balance may curtail or shed).</summary>
    SetPoint,

    /// <summary>
    /// Storage: runs at <see cref="DeliveryProposal.PowerKw"/> unless the island balance moves it within
    /// <see cref="DeliveryProposal.MinimumKw"/>..<see cref="DeliveryProposal.MaximumKw"/> (charging more or discharging
    /// more on the operator's order); a grid-forming one (<see cref="StorageState.FormsGrid"/>) has no set-point of
    /// its own in an island and takes the balance. Grid-connected, it runs at its set-point.
    /// </summary>
    Balancing,

    /// <summary>Forms the island's grid and takes whatever balances it, within <see cref="DeliveryProposal.MinimumKw"/>..<see cref="DeliveryProposal.MaximumKw"/>.</summary>
    GridForming,

    /// <summary>The upstream grid at the transformer: takes whatever the feeder imports or exports.</summary>
    UpstreamGrid,
}

/// <summary>
/// A unit's intended power for a slot, kW in the generator convention (positive exports to the grid),
/// with its power factor for the reactive part. Grid-forming units and storage give their limits for the
/// slot too; storage also its <see cref="Storage"/> state, which the island controller plans with.
/// </summary>
public sealed record DeliveryProposal(DeliveryRole Role, double PowerKw, double PowerFactor, double MinimumKw = 0, double MaximumKw = 0)
{
    public StorageState? Storage { get; init; }

    public static DeliveryProposal At(double powerKw, double powerFactor = 1.0) => new(DeliveryRole.SetPoint, powerKw, powerFactor);
}

/// <summary>
/// A storage unit's state at the start of a slot, for the island controller: whether it forms the grid this slot
/// (a grid-forming inverter above its SoC reserve), its droop share (kW), its stored energy, capacity and reserve
/// (kWh, DC side) and its one-way efficiencies.
/// </summary>
public sealed record StorageState(bool FormsGrid, double DroopShareKw, double EnergyKwh, double CapacityKwh, double ReserveKwh,
    double ChargeEfficiency, double DischargeEfficiency)
{
    /// <summary>AC energy it can deliver before reaching its reserve, kWh.</summary>
    public double DeliverableKwh => Math.Max(0, EnergyKwh - ReserveKwh) * DischargeEfficiency;

    /// <summary>AC energy it takes to reach <paramref name="soc"/>, kWh (0 when already there).</summary>
    public double ChargeToKwh(double soc) => Math.Max(0, soc * CapacityKwh - EnergyKwh) / ChargeEfficiency;
}

/// <summary>
/// What the unit's state is after the slot, for the tables: state of charge (storage), energy
/// missing at an EV's departure, energy curtailed or not served, fuel and CO2 (slack); for a prosumer also what its PV
/// generated and its household consumed behind the meter (kWh; null for every other kind, whose meter is the flow itself).
/// </summary>
public sealed record UnitSlotState(
    double? StateOfCharge = null,
    double UnmetEnergyKwh = 0,
    double CurtailedKwh = 0,
    double NotServedKwh = 0,
    double ClippedKwh = 0,
    double FuelUnits = 0,
    double Co2Kg = 0,
    double? GeneratedKwh = null,
    double? ConsumedKwh = null);
