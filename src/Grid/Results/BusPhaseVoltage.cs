using MicroMarket.Grid.Model;

namespace MicroMarket.Grid.Results;

/// <summary>One node-phase voltage: magnitude line-to-neutral in V, angle in degrees, and per unit of the bus base.</summary>
public sealed record BusPhaseVoltage(string Bus, Phase Phase, double MagnitudeV, double AngleDeg, double VoltagePu);
