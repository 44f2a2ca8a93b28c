using MicroMarket.Grid.Model;
using MicroMarket.Grid.Networks;
using MicroMarket.Grid.Profiles;
using MicroMarket.Grid.Solve;

namespace MicroMarket.Grid.Tests;

/// <summary>Applies the IEEE feeder's own load profiles at a minute, as the published solutions do (constant PQ, pf 0.95).</summary>
internal static class IeeeFeederHelper
{
    public static Network Network => NetworkLibrary.Load(IeeeEuLvFeeder.Name);

    public static void ApplyMinute(BusPhaseInjections injections, int minute)
    {
        injections.Clear();
        foreach (var unit in injections.Network.Units)
        {
            LoadProfiles.TryParseProfileName(unit.Profile!, out var n);
            var p = unit.RatedPowerKw * LoadProfiles.PowerKw(n, minute);
            var q = p * Math.Tan(Math.Acos(unit.PowerFactor));
            injections.AddLoad(unit, p, q);
        }
    }
}
