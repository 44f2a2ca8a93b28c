using MicroMarket.Market;
using MicroMarket.Scenarios.Model;

namespace MicroMarket.Agents.Simulation;

/// <summary>What happens at a point of simulated time.</summary>
public enum PhaseKind
{
    /// <summary>Units submit their day-ahead orders for a day (shortly before its gate).</summary>
    DayAheadBidding,

    /// <summary>The day-ahead gate has closed: the day is cleared and every unit reads its schedule back.</summary>
    DayAheadClearing,

    /// <summary>Units update their forecasts and submit intra-day orders for an hour.</summary>
    IntradayBidding,

    /// <summary>The hour's intra-day gate has closed: its slots are cleared and read back.</summary>
    IntradayClearing,

    /// <summary>A slot has ended: physics, metering, readings signed and reported, settlement, balances read.</summary>
    Delivery,

    /// <summary>The last slot's reading window has closed: units whose readings never came are settled (metered as nothing).</summary>
    FinalSettlement,
}

/// <summary>One phase of the simulation at chain time <see cref="UnixTime"/>. <see cref="Period"/> is the day, the hour or the slot (absolute, from the market's genesis).</summary>
public sealed record SimulationPhase(long UnixTime, PhaseKind Kind, int Period)
{
    public override string ToString() => $"{Kind} {Period} at {DateTimeOffset.FromUnixTimeSeconds(UnixTime):yyyy-MM-dd HH:mm} UTC";
}

/// <summary>
/// The scenario's calendar in the contract's terms. Slot 0 starts at local midnight of the first day
/// (the market's genesis) and slots are counted in fixed lengths from there, so the market's day d is
/// 24 h of slots even across a daylight-saving change. The timeline lists every phase in the order
/// chain time sees them; chain time only moves forward.
/// </summary>
public sealed class SimulationCalendar
{
    /// <summary>Day-ahead orders go in this long before the gate, intra-day orders this long before theirs.</summary>
    public static readonly TimeSpan DayAheadBiddingLead = TimeSpan.FromMinutes(30);

    public static readonly TimeSpan IntradayBiddingLead = TimeSpan.FromMinutes(10);

    public SimulationCalendar(ScenarioTime time, MarketSettings market)
    {
        Time = time;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(time.TimeZone);
        var localMidnight = time.Start.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        GenesisUnix = new DateTimeOffset(localMidnight, zone.GetUtcOffset(localMidnight)).ToUnixTimeSeconds();
        Parameters = new MarketParameters
        {
            GenesisUnixSeconds = GenesisUnix,
            SlotSeconds = time.SlotMinutes * 60,
            DayAheadGateLeadSeconds = MarketParameters.SecondsPerDay - (int)(market.DayAheadGate.ToTimeSpan().TotalSeconds),
            IntradayGateLeadSeconds = market.IntradayGateMinutes * 60,
            ReadingWindowSeconds = market.ReadingWindowMinutes * 60,
            PriceFloorMicroPerKwh = Money.PriceMicro(market.PriceFloor),
            PriceCapMicroPerKwh = Money.PriceMicro(market.PriceCap),
            ImbalancePenaltyBps = checked((ushort)decimal.Round(market.ImbalancePenaltyPercent * 100m)),
            ImbalanceFallbackPriceMicroPerKwh = Money.PriceMicro(market.ImbalanceFallbackPrice),
        };
    }

    public ScenarioTime Time { get; }

    public MarketParameters Parameters { get; }

    public long GenesisUnix { get; }

    public int SlotsPerDay => Parameters.SlotsPerDay;

    public int SlotsPerHour => Parameters.SlotsPerHour;

    public int Days => Time.Days;

    public int TotalSlots => Days * SlotsPerDay;

    public TimeSpan SlotLength => Time.SlotLength;

    /// <summary>The chain starts an hour before the first phase.</summary>
    public long ChainStartUnix => Timeline()[0].UnixTime - 3600;

    public DateTimeOffset SlotStartUtc(int slot) => DateTimeOffset.FromUnixTimeSeconds(Parameters.SlotStart(slot));

    /// <summary>Every phase of the run in chain-time order; at equal times a slot's delivery comes first, then clearings, then bidding.</summary>
    public IReadOnlyList<SimulationPhase> Timeline()
    {
        var phases = new List<SimulationPhase>();
        var p = Parameters;
        for (var day = 0; day < Days; day++)
        {
            var gate = p.DayAheadGate(day);
            phases.Add(new SimulationPhase(gate - (long)DayAheadBiddingLead.TotalSeconds, PhaseKind.DayAheadBidding, day));
            phases.Add(new SimulationPhase(gate, PhaseKind.DayAheadClearing, day));
            for (var h = 0; h < 24; h++)
            {
                var hour = day * 24 + h;
                var hourGate = p.IntradayGate(hour);
                phases.Add(new SimulationPhase(hourGate - (long)IntradayBiddingLead.TotalSeconds, PhaseKind.IntradayBidding, hour));
                phases.Add(new SimulationPhase(hourGate, PhaseKind.IntradayClearing, hour));
            }
            for (var s = 0; s < SlotsPerDay; s++)
            {
                var slot = day * SlotsPerDay + s;
                phases.Add(new SimulationPhase(p.SlotEnd(slot), PhaseKind.Delivery, slot));
            }
        }
        var lastSlot = TotalSlots - 1;
        phases.Add(new SimulationPhase(p.ReadingDeadline(lastSlot), PhaseKind.FinalSettlement, lastSlot));
        return phases.OrderBy(ph => ph.UnixTime).ThenBy(ph => Rank(ph.Kind)).ThenBy(ph => ph.Period).ToList();
    }

    /// <summary>The slot whose span contains <paramref name="unixTime"/> (negative before genesis).</summary>
    public int SlotAt(long unixTime) => (int)Math.Floor((unixTime - GenesisUnix) / (double)Parameters.SlotSeconds);

    private static int Rank(PhaseKind kind) => kind switch
    {
        PhaseKind.Delivery => 0,
        PhaseKind.DayAheadClearing => 1,
        PhaseKind.IntradayClearing => 2,
        PhaseKind.DayAheadBidding => 3,
        _ => 4,
    };
}
