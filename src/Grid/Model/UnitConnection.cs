using MicroMarket.RunFormat;

namespace MicroMarket.Grid.Model;

/// <summary>
/// A named point where one unit connects: its bus, its phase(s), the kind of unit there and, for loads
/// with a built-in demand, the nominal power and profile.
/// <list type="bullet">
/// <item><paramref name="RatedPowerKw"/>: rated (or, for a load without profile, constant) active power.
/// With a profile the power at minute m is RatedPowerKw x profile[m] (the IEEE feeder uses 1 kW and real kW profiles).</item>
/// <item><paramref name="PowerFactor"/>: lagging (inductive) power factor in (0, 1] for loads; Q = P tan(acos pf).</item>
/// <item><paramref name="Profile"/>: a profile name, "ieee-eu-lv:N" for household profile N (1..100), or null.</item>
/// </list>
/// </summary>
public sealed record UnitConnection(
    string Name,
    string Bus,
    Phases Phases,
    UnitKind Kind,
    double RatedPowerKw,
    double PowerFactor = 1.0,
    string? Profile = null);
