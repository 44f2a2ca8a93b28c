namespace MicroMarket.Grid.Model;

/// <summary>
/// The upstream grid as a Thevenin equivalent at <paramref name="Bus"/>: a balanced EMF of
/// <paramref name="VoltagePu"/> x <paramref name="NominalVoltageKv"/> (line-to-line), phase A at
/// <paramref name="AngleDeg"/>, behind the short-circuit impedance. A null <paramref name="ShortCircuit"/>
/// means an ideal source (pandapower's ext_grid in a power flow).
/// </summary>
public sealed record Source(
    string Bus,
    double NominalVoltageKv,
    double VoltagePu = 1.0,
    double AngleDeg = 0.0,
    ShortCircuitLevel? ShortCircuit = null);

/// <summary>
/// Short-circuit level as OpenDSS's Vsource reads it: |Z1| = V_LL / (sqrt(3) ISC3) with X1/R1 =
/// <paramref name="XOverR"/> (OpenDSS default 4). ISC1 sets the zero-sequence impedance through
/// |2 Z1 + Z0| = 3 V_LN / ISC1 with X0/R0 = <paramref name="X0OverR0"/> (OpenDSS default 3); it matters only
/// when the source feeds the LV network directly, since a delta winding blocks zero-sequence current.
/// </summary>
public sealed record ShortCircuitLevel(
    double ThreePhaseCurrentA,
    double? SinglePhaseCurrentA = null,
    double XOverR = 4.0,
    double X0OverR0 = 3.0);
