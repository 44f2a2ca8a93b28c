namespace MicroMarket.Grid.Model;

/// <summary>
/// A node of the network. <paramref name="NominalVoltageKv"/> is line-to-line (0.416 for the IEEE LV feeder,
/// 0.4 for CIGRE LV, 11 or 20 for the MV source bus); per-unit values use base NominalVoltageKv / sqrt(3)
/// line-to-neutral. Coordinates are for plots only and may be absent.
/// </summary>
public sealed record Bus(string Name, double NominalVoltageKv, double? X = null, double? Y = null)
{
    /// <summary>Line-to-neutral base voltage in volts.</summary>
    public double BaseVoltageV => NominalVoltageKv * 1000.0 / Math.Sqrt(3.0);
}
