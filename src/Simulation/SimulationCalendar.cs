using MicroMarket.Market;
using MicroMarket.Scenarios.Model;

namespace MicroMarket.Simulation;

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
/// How fast the market's clock runs against the wall in live mode: a slot lasts
/// <see cref="SlotSeconds"/> of wall (and chain) time, from <see cref="GenesisUnix"/>; the chain
/// makes a block every <see cref="BlockSeconds"/>.
/// </summary>
public sealed record LivePace(long GenesisUnix, int SlotSeconds, int BlockSeconds = 1)
{
    /// <summary>
    /// The shortest lead before a gate, and the shortest reading window, in chain seconds: orders
    /// and readings must be signed, sent and mined (a block or two) before the gate or window
    /// closes, however fast the demonstration runs.
    /// </summary>
    public int MinimumLeadSeconds => 4 * BlockSeconds + 1;
}

/// <summary>
/// The scenario's calendar in the contract's terms. Model time is the scenario's: slot 0 starts at
/// local midnight of its first day, slots are counted in fixed lengths from there (the market's day d
/// is 24 h of slots even across a daylight-saving change), and profiles and tables follow it. Chain
/// time is the same in a simulation; live, the market starts at a genesis near the wall clock and may
/// run faster than the wall (a 15-minute slot lasting a few seconds), every lead and window scaled
/// alike. The timeline lists every phase in the order chain time sees them; chain time only moves
/// forward.
/// </summary>
public sealed class SimulationCalendar
{
    /// <summary>Day-ahead orders go in this long (of model time) before the gate, intra-day orders this long before theirs.</summary>
    public static readonly TimeSpan DayAheadBiddingLead = TimeSpan.FromMinutes(30);

    public static readonly TimeSpan IntradayBiddingLead = TimeSpan.FromMinutes(10);

    private readonly double _chainSecondsPerModelSecond;

    /// <param name="brp">What the balance-responsible party pays for a shortfall and earns for a surplus: the imbalance prices' bounds (none when null).</param>
    public SimulationCalendar(ScenarioTime time, MarketSettings market, LivePace? live = null, BalanceResponsibleParty? brp = null)
    {
        Time = time;
        Live = live;
        ModelStartUtc = time.StartUtc;
        var slotSeconds = live?.SlotSeconds ?? time.SlotMinutes * 60;
        _chainSecondsPerModelSecond = slotSeconds / (time.SlotMinutes * 60.0);
        GenesisUnix = live?.GenesisUnix ?? ModelStartUtc.ToUnixTimeSeconds();
        Parameters = new MarketParameters
        {
            GenesisUnixSeconds = GenesisUnix,
            SlotSeconds = slotSeconds,
            SlotsPerHour = 60 / time.SlotMinutes,
            DayAheadGateLeadSeconds = ChainSeconds(TimeSpan.FromDays(1) - market.DayAheadGate.ToTimeSpan()),
            IntradayGateLeadSeconds = ChainSeconds(TimeSpan.FromMinutes(market.IntradayGateMinutes)),
            ReadingWindowSeconds = LeadSeconds(TimeSpan.FromMinutes(market.ReadingWindowMinutes)),
            PriceFloorMicroPerKwh = Price.FromTokens(market.PriceFloor).MicroPerKwh,
            PriceCapMicroPerKwh = Price.FromTokens(market.PriceCap).MicroPerKwh,
            ImbalancePenaltyBps = checked((ushort)decimal.Round(market.ImbalancePenaltyPercent * 100m)),
            ImbalanceFallbackPriceMicroPerKwh = Price.FromTokens(market.ImbalanceFallbackPrice).MicroPerKwh,
            ImbalanceMinVolumeWh = checked((ulong)Energy.FromKwh(market.ImbalanceMinVolumeKwh).Wh),
            ShortPriceFloorMicroPerKwh = Price.FromTokens(Math.Min(brp?.ShortfallCost ?? 0m, market.PriceCap)).MicroPerKwh,
            LongPriceCapMicroPerKwh = Price.FromTokens(Math.Min(brp?.SurplusValue ?? market.PriceCap, market.PriceCap)).MicroPerKwh,
            MissingReadingFeeNano = checked((ulong)NanoTokens.FromTokens(market.MissingReadingFee).Nano),
        };
    }

    /// <summary>Model time of slot 0: local midnight of the scenario's first day.</summary>
    public DateTimeOffset ModelStartUtc { get; }

    /// <summary>Set when the market runs on the wall clock (chain time is wall time); null in a simulation.</summary>
    public LivePace? Live { get; }

    public ScenarioTime Time { get; }

    public MarketParameters Parameters { get; }

    public long GenesisUnix { get; }

    public int SlotsPerDay => Parameters.SlotsPerDay;

    public int SlotsPerHour => Parameters.SlotsPerHour;

    public int Days => Time.Days;

    public int TotalSlots => Days * SlotsPerDay;

    public TimeSpan SlotLength => Time.SlotLength;

    /// <summary>
    /// The most slots whose orders can be open (submitted, not yet settled) at once: a whole day
    /// ahead once its day-ahead orders go in, plus the current day's slots from then on (the
    /// day-ahead gate's lead and the bidding lead before it) and those still in their reading window.
    /// </summary>
    public int MaxOpenSlots
    {
        get
        {
            var p = Parameters;
            var leadSeconds = p.DayAheadGateLeadSeconds + ChainSeconds(DayAheadBiddingLead) + p.ReadingWindowSeconds;
            return p.SlotsPerDay + (leadSeconds + p.SlotSeconds - 1) / p.SlotSeconds + 1;
        }
    }

    /// <summary>The chain starts an hour before the first phase.</summary>
    public long ChainStartUnix => Timeline()[0].UnixTime - ChainSeconds(TimeSpan.FromHours(1));

    /// <summary>Model time of a slot's start: what its profiles and its rows in the tables refer to.</summary>
    public DateTimeOffset SlotStartUtc(int slot) => ModelStartUtc + slot * SlotLength;

    /// <summary>A span of model time in chain seconds (at least one second when the span is not zero).</summary>
    public int ChainSeconds(TimeSpan model) =>
        model == TimeSpan.Zero ? 0 : Math.Max(1, (int)Math.Round(model.TotalSeconds * _chainSecondsPerModelSecond));

    /// <summary>A lead or window of model time in chain seconds, live never shorter than the pace's minimum.</summary>
    private int LeadSeconds(TimeSpan model) => Math.Max(ChainSeconds(model), Live?.MinimumLeadSeconds ?? 0);

    /// <summary>The pace whose chain starts at <paramref name="chainStartUnix"/>: the market's genesis falls as far after it as the scenario's first gate needs.</summary>
    public static LivePace PaceFrom(ScenarioTime time, MarketSettings market, long chainStartUnix, int slotSeconds, int blockSeconds)
    {
        var probe = new SimulationCalendar(time, market, new LivePace(0, slotSeconds, blockSeconds));
        return new LivePace(chainStartUnix - probe.ChainStartUnix, slotSeconds, blockSeconds);
    }

    /// <summary>Every phase of the run in chain-time order; at equal times a slot's delivery comes first, then clearings, then bidding.</summary>
    public IReadOnlyList<SimulationPhase> Timeline()
    {
        var phases = new List<SimulationPhase>();
        var p = Parameters;
        for (var day = 0; day < Days; day++)
        {
            var gate = p.DayAheadGate(day);
            phases.Add(new SimulationPhase(gate - LeadSeconds(DayAheadBiddingLead), PhaseKind.DayAheadBidding, day));
            phases.Add(new SimulationPhase(gate, PhaseKind.DayAheadClearing, day));
            for (var h = 0; h < 24; h++)
            {
                var hour = day * 24 + h;
                var hourGate = p.IntradayGate(hour);
                phases.Add(new SimulationPhase(hourGate - LeadSeconds(IntradayBiddingLead), PhaseKind.IntradayBidding, hour));
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
