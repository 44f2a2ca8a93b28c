namespace MicroMarket.Grid.Model;

/// <summary>
/// A two-winding MV/LV distribution transformer, delta on the HV side and grounded wye on the LV side (Dyn),
/// the usual European secondary-substation connection and the only one the solver models.
/// <list type="bullet">
/// <item>Short-circuit impedance <paramref name="ResistancePercent"/> + j<paramref name="ReactancePercent"/>
/// on the transformer's own kVA and kV base (typically 0.5..2 % and 4..6 %); the IEEE feeder's TR1 has 0.4 % and 4 %.</item>
/// <item><paramref name="PhaseShiftDeg"/>: the angle by which the LV positive-sequence voltage lags the HV one,
/// 30 for the IEEE feeder (OpenDSS, ANSI) and CIGRE (pandapower's shift_degree); -30 models a Dyn11 unit.</item>
/// <item>The magnetising branch is neglected (both benchmarks publish none).</item>
/// </list>
/// </summary>
public sealed record Transformer(
    string Name,
    string HvBus,
    string LvBus,
    double RatedKva,
    double HvVoltageKv,
    double LvVoltageKv,
    double ResistancePercent,
    double ReactancePercent,
    double PhaseShiftDeg = 30.0);
