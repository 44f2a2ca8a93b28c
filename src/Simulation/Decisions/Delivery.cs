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

    /// <summary>Forms the island's grid and takes whatever balances it, within <see cref="DeliveryProposal.MinimumKw"/>..<see cref="DeliveryProposal.MaximumKw"/>.</summary>
    GridForming,

    /// <summary>The upstream grid at the transformer: takes whatever the feeder imports or exports.</summary>
    UpstreamGrid,

    /// <summary>
    /// Storage that runs at <see cref="DeliveryProposal.PowerKw"/> unless the island balance moves it
    /// within <see cref="DeliveryProposal.MinimumKw"/>..<see cref="DeliveryProposal.MaximumKw"/>: an
    /// actual power other than its proposal was the operator's order, settled as balancing energy.
    /// </summary>
    Balancing,
}

/// <summary>
/// A unit's intended power for a slot, kW in the generator convention (positive exports to the grid),
/// with its power factor for the reactive part. Grid-forming units give their limits instead, and
/// whether they may stop (a genset with nothing to cover switches off rather than run at its minimum
/// stable output, as a hybrid microgrid's controller does; the balance then needs no ballast).
/// </summary>
public sealed record DeliveryProposal(DeliveryRole Role, double PowerKw, double PowerFactor, double MinimumKw = 0, double MaximumKw = 0, bool CanStop = false)
{
    public static DeliveryProposal At(double powerKw, double powerFactor = 1.0) => new(DeliveryRole.SetPoint, powerKw, powerFactor);
}

/// <summary>
/// What the unit's state is after the slot, for the tables: state of charge (storage), energy
/// missing at an EV's departure, energy curtailed or not served, fuel and CO2 (slack).
/// </summary>
public sealed record UnitSlotState(
    double? StateOfCharge = null,
    double UnmetEnergyKwh = 0,
    double CurtailedKwh = 0,
    double NotServedKwh = 0,
    double ClippedKwh = 0,
    double FuelUnits = 0,
    double Co2Kg = 0);
