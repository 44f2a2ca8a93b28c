namespace MicroMarket.Scenarios.Model;

/// <summary>
/// A scenario as loaded, validated and resolved: every default applied, every generated unit
/// listed (see <see cref="UnitSpec"/>), prices in tokens per kWh. Same scenario + same seed, same run.
/// </summary>
/// <param name="Name">Short name, used for run folders.</param>
/// <param name="Description">Free text for the report.</param>
/// <param name="Seed">The run's seed: every stream's unless the scenario names the stream's own (<see cref="Streams"/>); it
/// also derives the simulated units' keys.</param>
/// <param name="Streams">The seeds of the independent random streams (weather, forecast, behaviour, populate).</param>
/// <param name="Time">Calendar and slot length.</param>
/// <param name="Mode">Island (a slack unit closes the balance) or grid-connected (an upstream supplier at tariffs).</param>
/// <param name="Network">The feeder.</param>
/// <param name="Market">Gates, price bounds, imbalance rule, money.</param>
/// <param name="Units">Every unit, in file order (generated units after the listed ones).</param>
/// <param name="SourcePath">The scenario file; relative paths inside it resolve against its folder.</param>
public sealed record Scenario(
    string Name,
    string? Description,
    int Seed,
    SeedStreams Streams,
    ScenarioTime Time,
    GridMode Mode,
    NetworkChoice Network,
    MarketSettings Market,
    IReadOnlyList<UnitSpec> Units,
    string SourcePath)
{
    /// <summary>The unit id of the implicit upstream supplier in grid-connected mode.</summary>
    public const string GridUnitId = "grid";
}

/// <summary>
/// The simulated calendar: <see cref="Days"/> delivery days from <see cref="Start"/> (local dates in
/// <see cref="TimeZone"/>), cut into slots of <see cref="SlotMinutes"/>.
/// </summary>
/// <param name="Start">First delivery day (local date).</param>
/// <param name="Days">Number of delivery days, 1..366.</param>
/// <param name="SlotMinutes">Slot length in minutes; divides 60 (the market's default is 15).</param>
/// <param name="TimeZone">IANA time zone id, e.g. "Europe/Madrid". Slots are counted in UTC from local midnight of
/// <see cref="Start"/>, so a day with a daylight-saving change still has 24 hours of slots (documented).</param>
public sealed record ScenarioTime(DateOnly Start, int Days, int SlotMinutes, string TimeZone)
{
    public int SlotsPerDay => 24 * 60 / SlotMinutes;

    public TimeSpan SlotLength => TimeSpan.FromMinutes(SlotMinutes);

    /// <summary>Slot 0's start: local midnight of <see cref="Start"/>, in UTC.</summary>
    public DateTimeOffset StartUtc
    {
        get
        {
            var localMidnight = Start.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
            return new DateTimeOffset(localMidnight, Zone.GetUtcOffset(localMidnight)).ToUniversalTime();
        }
    }

    /// <summary>The wall-clock time in <see cref="TimeZone"/> at which <paramref name="slot"/> starts (slots count in UTC, see above).</summary>
    public DateTime SlotLocalStart(int slot) => TimeZoneInfo.ConvertTime(StartUtc + slot * SlotLength, Zone).DateTime;

    private TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
}

/// <summary>How the feeder relates to the rest of the grid.</summary>
public abstract record GridMode;

/// <summary>No upstream grid: the scenario's slack unit forms the grid and closes the balance, and is the balance-responsible party.</summary>
public sealed record IslandMode : GridMode;

/// <summary>
/// Connected through the feeder's transformer to an upstream supplier, registered as unit
/// <see cref="Scenario.GridUnitId"/>: it sells any amount at <see cref="RetailPrice"/> plus <see cref="GridFee"/> and buys
/// any amount at <see cref="FeedInPrice"/> (tokens per kWh, each in force at the slot's start), and is the
/// balance-responsible party.
/// </summary>
/// <param name="CapacityKw">Import/export limit the supplier offers, kW. The loader always fills it: the file's <c>capacity_kw</c>,
/// else the sum of the network's transformer ratings (kVA taken as kW, i.e. at unity power factor).</param>
/// <param name="GridFee">Tokens per kWh the supplier charges on top of retail for energy imported from it; local trades do not pay it.</param>
public sealed record GridConnectedMode(Tariff RetailPrice, Tariff FeedInPrice, double? CapacityKw, decimal GridFee = 0m) : GridMode
{
    /// <summary>
    /// What the supplier charges per kWh imported (retail + grid fee) and pays per kWh exported in
    /// <paramref name="slot"/> of a run (0 = local midnight of the first day). A slot before or after the run (a
    /// forecast looking past its ends) is priced as the same slot of the nearest delivery day, as the resource series are.
    /// </summary>
    public SupplierPrices PricesAt(ScenarioTime time, int slot)
    {
        var perDay = time.SlotsPerDay;
        var inRun = slot < 0 ? ((slot % perDay) + perDay) % perDay
            : slot >= time.Days * perDay ? (time.Days - 1) * perDay + slot % perDay
            : slot;
        var local = time.SlotLocalStart(inRun);
        return new SupplierPrices(RetailPrice.PriceAt(local) + GridFee, FeedInPrice.PriceAt(local));
    }
}

/// <summary>A slot's supplier prices, tokens per kWh: <see cref="Import"/> is retail + grid fee, <see cref="Export"/> the feed-in price.</summary>
public readonly record struct SupplierPrices(decimal Import, decimal Export);

/// <summary>The feeder: a built-in network by name or a feeder file (see docs/grid.md), exactly one of the two.</summary>
/// <param name="Name">ieee-eu-lv or cigre-lv.</param>
/// <param name="FilePath">Absolute path of a feeder file (resolved against the scenario's folder when loaded).</param>
public sealed record NetworkChoice(string? Name, string? FilePath)
{
    public string NameOrPath => Name ?? FilePath ?? throw new InvalidOperationException("A network needs a name or a file.");
}

/// <summary>Market rules the contract is deployed with, and money.</summary>
/// <param name="DayAheadGate">Local time on D-1 when the day-ahead gate of day D closes (default 12:00).</param>
/// <param name="IntradayGateMinutes">The intra-day gate of an hour closes this long before it (default 60).</param>
/// <param name="ReadingWindowMinutes">Meter readings are accepted this long after their slot (default 15).</param>
/// <param name="PriceFloor">Lowest admissible order price, tokens per kWh (default 0).</param>
/// <param name="PriceCap">Highest admissible order price, tokens per kWh (default 3).</param>
/// <param name="ImbalancePenaltyPercent">Short imbalance pays the reference price x (1 + penalty), long gets it x (1 - penalty) (default 20).</param>
/// <param name="ImbalanceFallbackPrice">The posted price that fills the imbalance reference's weight up to the minimum volume, tokens per kWh (default 0.30).</param>
/// <param name="ImbalanceMinVolumeKwh">
/// Below this volume traded in a slot the fallback price fills the reference's weight, so a trade of
/// v kWh moves the imbalance prices by at most v / this of the price range (default 1 kWh).
/// </param>
/// <param name="MissingReadingFee">Tokens a unit pays per missing reading on top of the worst-case deemed reading (default 0.05).</param>
/// <param name="InitialBalance">Tokens each unit starts with (minted and deposited as collateral), unless the unit says otherwise (default 500).</param>
/// <param name="MarginSlots">Each unit's imbalance margin: this many slots of its rating at the price cap stay locked (default 1).</param>
/// <param name="IntradayMinCorrectionWh">
/// A bidder that corrects its day-ahead position intra-day sends the hour's correction only when some slot's gap
/// reaches this many Wh (default 50; 0 sends every correction): below it the imbalance it saves is worth less than
/// the transaction (about 95 k gas, most of a participant-day's gas when every household corrects every hour).
/// </param>
/// <param name="PriceOutlook">
/// The prior price outlook, tokens per kWh for each local hour 0..23 (24 values), which bidders plan
/// the first day with (a battery's arbitrage, an EV's cheapest hours); later days use the last traded
/// day-ahead prices. Null: the fallback imbalance price, flat.
/// </param>
public sealed record MarketSettings(
    TimeOnly DayAheadGate,
    int IntradayGateMinutes,
    int ReadingWindowMinutes,
    decimal PriceFloor,
    decimal PriceCap,
    decimal ImbalancePenaltyPercent,
    decimal ImbalanceFallbackPrice,
    decimal ImbalanceMinVolumeKwh,
    decimal MissingReadingFee,
    decimal InitialBalance,
    int MarginSlots,
    int IntradayMinCorrectionWh,
    ValueList<decimal>? PriceOutlook = null);
