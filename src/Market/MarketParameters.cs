namespace MicroMarket.Market;

/// <summary>
/// What the market contract is deployed with. Prices in token micro-units per kWh (the token has
/// 6 decimals, so 300 000 is 0.30 per kWh); times in seconds.
/// </summary>
public sealed record MarketParameters
{
    public const int SecondsPerHour = 3600;
    public const int SecondsPerDay = 86_400;

    /// <summary>Start of slot 0 and of delivery day 0, unix seconds (local midnight of the first day).</summary>
    public required long GenesisUnixSeconds { get; init; }

    /// <summary>Slot length in chain seconds: 900 for 15-minute slots in real time, less when a demonstration runs the clock faster.</summary>
    public int SlotSeconds { get; init; } = 900;

    /// <summary>Slots per market hour (4 for 15-minute slots); a day has 24 market hours.</summary>
    public int SlotsPerHour { get; init; } = 4;

    /// <summary>The day-ahead gate closes this long before the delivery day starts (12 h: D-1 12:00).</summary>
    public int DayAheadGateLeadSeconds { get; init; } = 12 * SecondsPerHour;

    /// <summary>The intra-day gate of a delivery hour closes this long before the hour (60 min).</summary>
    public int IntradayGateLeadSeconds { get; init; } = SecondsPerHour;

    /// <summary>Meter readings are accepted for this long after their slot ends.</summary>
    public int ReadingWindowSeconds { get; init; } = 900;

    public uint PriceFloorMicroPerKwh { get; init; }

    public uint PriceCapMicroPerKwh { get; init; } = 3_000_000;

    /// <summary>Short imbalance pays the reference price x (1 + penalty), long receives it x (1 - penalty) (see <see cref="Settlement.ImbalancePricing"/>).</summary>
    public ushort ImbalancePenaltyBps { get; init; } = 2_000;

    /// <summary>The posted reference price that fills the traded volume up to <see cref="ImbalanceMinVolumeWh"/>.</summary>
    public uint ImbalanceFallbackPriceMicroPerKwh { get; init; } = 300_000;

    /// <summary>
    /// Below this volume traded in a slot (both auctions), the fallback price fills the rest of the
    /// reference's weight: a trade of v Wh moves the reference by at most v / this of the price range.
    /// </summary>
    public ulong ImbalanceMinVolumeWh { get; init; } = 1_000;

    /// <summary>What the balance-responsible party pays to cover a shortfall: the short price is never below it.</summary>
    public uint ShortPriceFloorMicroPerKwh { get; init; }

    /// <summary>What the balance-responsible party earns for a surplus: the long price is never above it (default: the price cap, no bound).</summary>
    public uint? LongPriceCapMicroPerKwh { get; init; }

    /// <summary>The long price's bound as deployed.</summary>
    public uint EffectiveLongPriceCapMicroPerKwh => LongPriceCapMicroPerKwh ?? PriceCapMicroPerKwh;

    /// <summary>Charged per missing reading, on top of the worst-case deemed reading, to cover the BRP's estimation (default 0.05 token).</summary>
    public ulong MissingReadingFeeNano { get; init; } = 50_000_000;

    public int SlotsPerDay => 24 * SlotsPerHour;

    /// <summary>The market's slot (15 minutes for 4 slots an hour), whatever the pace of the chain's clock.</summary>
    public TimeSpan MarketSlotLength => TimeSpan.FromMinutes(60.0 / SlotsPerHour);

    /// <summary>A market hour in chain seconds (3600 unless the clock runs faster than the wall's).</summary>
    public long HourSeconds => (long)SlotsPerHour * SlotSeconds;

    public long DaySeconds => 24 * HourSeconds;

    public long SlotStart(long slot) => GenesisUnixSeconds + slot * SlotSeconds;

    public long SlotEnd(long slot) => SlotStart(slot + 1);

    public long DayAheadGate(long day) => GenesisUnixSeconds + day * DaySeconds - DayAheadGateLeadSeconds;

    public long IntradayGate(long hour) => GenesisUnixSeconds + hour * HourSeconds - IntradayGateLeadSeconds;

    /// <summary>The intra-day auction of an hour opens when the day-ahead gate of its day closes (the day-ahead orders are final then).</summary>
    public long IntradayOpens(long hour) => DayAheadGate(hour / 24);

    public long ReadingDeadline(long slot) => SlotEnd(slot) + ReadingWindowSeconds;
}
