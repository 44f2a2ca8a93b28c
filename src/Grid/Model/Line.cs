namespace MicroMarket.Grid.Model;

/// <summary>
/// A three-phase line segment between two buses, <paramref name="LengthM"/> metres of <paramref name="LineCode"/>.
/// Results report its current as flowing from <paramref name="FromBus"/> to <paramref name="ToBus"/>.
/// </summary>
public sealed record Line(string Name, string FromBus, string ToBus, double LengthM, string LineCode);
