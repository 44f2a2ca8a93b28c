namespace MicroMarket.Grid.Model;

/// <summary>
/// A zero-impedance switch between two buses. A closed switch ties them into one electrical node (CIGRE's
/// circuit breakers between its 20 kV busbars); an open one is absent from the solve.
/// </summary>
public sealed record Switch(string Name, string Bus, string OtherBus, bool Closed);
