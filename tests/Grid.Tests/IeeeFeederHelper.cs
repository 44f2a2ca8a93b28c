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
        ProfiledLoads.Apply(injections, minute);
    }
}
