namespace MicroMarket.Grid.Model;

/// <summary>
/// A cable or overhead-line type, in sequence components (ohm per km), as the IEEE feeder's LineCodes.csv
/// gives it. The build step turns it into a 3x3 phase-frame matrix, Zs = (2 Z1 + Z0) / 3 on the diagonal
/// and Zm = (Z0 - Z1) / 3 off it: a Kron-reduced four-wire line whose neutral is grounded at every bus,
/// which is how OpenDSS reads a three-phase LineCode given in sequence values.
/// Typical LV cables: R1 0.05..4 ohm/km, X1 0.06..0.4 ohm/km, Z0 about 1..4 times Z1. Shunt capacitance is
/// neglected (negligible at LV). <paramref name="AmpacityA"/> is the thermal rating when known, for
/// line loading; the IEEE feeder publishes none.
/// </summary>
public sealed record LineCode(
    string Name,
    double R1OhmPerKm,
    double X1OhmPerKm,
    double R0OhmPerKm,
    double X0OhmPerKm,
    double? AmpacityA = null);
