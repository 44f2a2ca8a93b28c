using MicroMarket.Simulation.Decisions;
using MicroMarket.Scenarios.Model;

namespace MicroMarket.Simulation.Tests;

/// <summary>Shared builders for the decision tests: 15-minute slots, 96 a day.</summary>
internal static class Decisions
{
    public static readonly TimeSpan Slot = TimeSpan.FromMinutes(15);

    public static readonly MarketRules Rules = new(new MicroMarket.Market.MarketParameters { GenesisUnixSeconds = 0, PriceCapMicroPerKwh = 3_000_000, ImbalancePenaltyBps = 2_000 });

    public static readonly ForecastSpec Perfect = new(0, 0, "capacity", "normal", 0);

    /// <summary>An outlook: cheap (0.10) from 00:00 to 06:00, dear (0.50) from 17:00 to 21:00, 0.30 otherwise.</summary>
    public static PriceOutlook NightCheapEveningDear(int firstSlot = 0) => new(firstSlot, Enumerable.Range(0, 96).Select(s => s switch
    {
        < 24 => 0.10m,
        >= 68 and < 84 => 0.50m,
        _ => 0.30m,
    }).ToList());

    public static PriceOutlook Flat(decimal price, int firstSlot = 0) => new(firstSlot, Enumerable.Repeat(price, 96).ToList());

    public static DayAheadRequest DayAhead(PriceOutlook outlook, int day = 0) => new(day, day * 96 - 50, day * 96, 96, outlook, Rules);
}
