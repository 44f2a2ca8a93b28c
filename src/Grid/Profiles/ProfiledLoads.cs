using MicroMarket.Grid.Model;
using MicroMarket.Grid.Solve;
using MicroMarket.RunFormat;

namespace MicroMarket.Grid.Profiles;

/// <summary>
/// The demand a network's own load units draw at a minute of the day, as the IEEE feeder's published solutions
/// define it: rated kW x profile value (useactual), or the rated kW for a load without profile; constant PQ with
/// Q = P tan(acos pf).
/// </summary>
public static class ProfiledLoads
{
    /// <summary>Active demand of <paramref name="unit"/> at minute <paramref name="minute"/> (1..1440), kW.</summary>
    public static double PowerKw(UnitConnection unit, int minute) =>
        unit.Profile is { } name && LoadProfiles.TryParseProfileName(name, out var number)
            ? unit.RatedPowerKw * LoadProfiles.PowerKw(number, minute)
            : unit.RatedPowerKw;

    /// <summary>Adds every load unit of the injections' network at minute <paramref name="minute"/> (other unit kinds are left alone).</summary>
    public static void Apply(BusPhaseInjections injections, int minute)
    {
        // An indexed loop: enumerating the IReadOnlyList would allocate an enumerator per call.
        var units = injections.Network.Units;
        for (var i = 0; i < units.Count; i++)
        {
            var unit = units[i];
            if (unit.Kind == UnitKind.Load)
            {
                var p = PowerKw(unit, minute);
                injections.AddLoad(unit, p, p * Math.Tan(Math.Acos(unit.PowerFactor)));
            }
        }
    }
}
