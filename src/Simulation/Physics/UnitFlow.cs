using MicroMarket.Simulation.Decisions;
using MicroMarket.Simulation.Running;

namespace MicroMarket.Simulation.Physics;

/// <summary>One unit's proposal for a slot, as the feeder's physics takes it.</summary>
public sealed record UnitDelivery(string UnitId, UnitIdentity Identity, DeliveryProposal Proposal);

/// <summary>What flowed at one unit: power (generator convention), metered Wh each way, its bus voltage.</summary>
public sealed record UnitFlow(string UnitId, double ActualPowerKw, long ImportWh, long ExportWh, double VoltagePu);

/// <summary>
/// One slot's physics: energy accounts (kWh), voltages, and the balance's outcome. In an island also what the
/// balance did with storage (absorbed, supplied: its moves away from the schedules), which unit formed the grid
/// (empty in a blackout), the genset's commitment (<see cref="GensetStates"/>) and the spinning reserve (kW).
/// </summary>
public sealed record SlotPhysics(
    double GenerationKwh,
    double ConsumptionKwh,
    double LossesKwh,
    double SourceKwh,
    double CurtailedKwh,
    double NotServedKwh,
    double BallastKwh,
    double ResidualKwh,
    double MinVoltagePu,
    double MaxVoltagePu,
    int VoltageViolations,
    string Outcome,
    double StorageAbsorbedKwh = 0,
    double StorageSuppliedKwh = 0,
    string GridFormer = "",
    string GensetState = "",
    double ReserveRequiredKw = 0,
    double ReserveKw = 0);

/// <summary>The genset's state in a slot, as slots.csv writes it.</summary>
public static class GensetStates
{
    public const string Off = "off";
    public const string Running = "on";

    /// <summary>Started by the controller's plan (storage could not carry the look-ahead).</summary>
    public const string Started = "start";

    /// <summary>Started by the balance within the slot: storage could not carry even this slot.</summary>
    public const string EmergencyStart = "emergency-start";
}
