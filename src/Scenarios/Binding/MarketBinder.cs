using MicroMarket.Scenarios.Model;
using MicroMarket.Scenarios.Yaml;

namespace MicroMarket.Scenarios.Binding;

/// <summary>Binds <c>market</c>: gates, price bounds, the imbalance rule and money. Every key has the contract's default.</summary>
internal static class MarketBinder
{
    /// <summary>Prices are uint32 micro-units per kWh on chain: at most 4294.967295 tokens per kWh.</summary>
    public static Bounds PriceBounds { get; } = Bounds.Closed(0, uint.MaxValue / (double)YamlValue.TokenMicroUnits);

    public static MarketSettings Defaults { get; } = new(
        DayAheadGate: new TimeOnly(12, 0),
        IntradayGateMinutes: 60,
        ReadingWindowMinutes: 15,
        PriceFloor: 0m,
        PriceCap: 3m,
        ImbalancePenaltyPercent: 20m,
        ImbalanceFallbackPrice: 0.30m,
        ImbalanceMinVolumeKwh: 1m,
        MissingReadingFee: 0.05m,
        InitialBalance: 500m,
        MarginSlots: 1,
        IntradayMinCorrectionWh: 50);

    /// <summary>The market rules (defaults when the section is absent), or null when the section has errors.</summary>
    public static MarketSettings? Bind(YamlMap? market)
    {
        if (market is null)
        {
            return Defaults;
        }
        var d = Defaults;
        var gate = market.ClockTime("day_ahead_gate", d.DayAheadGate);
        var intradayGate = market.Integer("intraday_gate_minutes", d.IntradayGateMinutes, Bounds.Closed(0, ClockTimes.MinutesPerDay));
        var readingWindow = market.Integer("reading_window_minutes", d.ReadingWindowMinutes, Bounds.Closed(1, ClockTimes.MinutesPerDay));
        var floor = market.Money("price_floor", d.PriceFloor, PriceBounds);
        var cap = market.Money("price_cap", d.PriceCap, PriceBounds);
        if (market.AllValid("price_floor", "price_cap") && floor > cap)
        {
            market.Error("price_floor", $"must not exceed price_cap ({cap}), found {floor}");
        }
        var (penalty, fallback, minVolume) = Imbalance(market.Map("imbalance"), floor, cap, market.AllValid("price_floor", "price_cap"));
        var missingFee = market.Money("missing_reading_fee", d.MissingReadingFee, Bounds.Closed(0, 1e6));
        var balance = market.Money("initial_balance", d.InitialBalance, Bounds.Closed(0, 1e12));
        var marginSlots = market.Integer("margin_slots", d.MarginSlots, Bounds.Closed(0, 96));
        var outlook = PriceOutlook(market, floor, cap);
        var minCorrection = market.Integer("intraday_min_correction_wh", d.IntradayMinCorrectionWh, Bounds.Closed(0, 1_000_000));
        market.RejectUnknownKeys();
        var keys = new[] { "day_ahead_gate", "intraday_gate_minutes", "reading_window_minutes", "price_floor", "price_cap", "imbalance", "missing_reading_fee", "initial_balance", "margin_slots", "price_outlook", "intraday_min_correction_wh" };
        if (market.AllValid("day_ahead_gate", "intraday_gate_minutes") && intradayGate * 60 > ClockTimes.MinutesPerDay * 60 - gate.ToTimeSpan().TotalSeconds)
        {
            // The intra-day auction opens when the day-ahead gate closes: its gate cannot come earlier.
            market.Error("intraday_gate_minutes", $"the intra-day gate ({intradayGate} minutes before the hour) must not close before the day-ahead gate (D-1 {gate:HH:mm}), found {intradayGate}");
        }
        return market.AllValid(keys) && penalty is not null && fallback is not null && minVolume is not null
            ? new MarketSettings(gate, intradayGate, readingWindow, floor, cap, penalty.Value, fallback.Value, minVolume.Value, missingFee, balance, marginSlots, minCorrection, outlook)
            : null;
    }

    /// <summary><c>price_outlook: [24 prices]</c>, one per local hour, within the price bounds; null when absent.</summary>
    private static ValueList<decimal>? PriceOutlook(YamlMap market, decimal floor, decimal cap) =>
        market.Has("price_outlook") ? HourlyPrices(market, "price_outlook", Bounds.Closed((double)floor, (double)cap)) : null;

    /// <summary>A list of 24 prices at <paramref name="key"/>, one per local hour 00:00..23:00, each within <paramref name="bounds"/>; null when absent or with errors (reported).</summary>
    public static ValueList<decimal>? HourlyPrices(YamlMap map, string key, Bounds bounds)
    {
        var items = map.Items(key, required: true);
        if (items.Count != 24)
        {
            if (map.AllValid(key) && map.Has(key))
            {
                map.Error(key, $"expected 24 hourly prices (00:00..23:00), found {items.Count}");
            }
            return null;
        }
        var prices = new List<decimal>();
        foreach (var (node, path) in items)
        {
            if (YamlValue.TryMoney(node, path, bounds, map.Diagnostics, out var price))
            {
                prices.Add(price);
            }
        }
        return prices.Count == 24 ? ValueList.From(prices) : null;
    }

    /// <summary><c>imbalance: { penalty_percent, fallback_price, min_volume_kwh }</c>; each null when invalid.</summary>
    private static (decimal? Penalty, decimal? Fallback, decimal? MinVolume) Imbalance(YamlMap? imbalance, decimal floor, decimal cap, bool boundsValid)
    {
        var d = Defaults;
        if (imbalance is null)
        {
            return (d.ImbalancePenaltyPercent, d.ImbalanceFallbackPrice, d.ImbalanceMinVolumeKwh);
        }
        var penalty = imbalance.Money("penalty_percent", d.ImbalancePenaltyPercent, Bounds.Closed(0, 100));
        if (imbalance.AllValid("penalty_percent") && penalty * 100 % 1 != 0)
        {
            // The contract holds the penalty in basis points.
            imbalance.Error("penalty_percent", $"at most two decimals (basis points), found {penalty}");
        }
        var fallback = imbalance.Money("fallback_price", d.ImbalanceFallbackPrice, PriceBounds);
        if (boundsValid && imbalance.AllValid("fallback_price") && (fallback < floor || fallback > cap))
        {
            imbalance.Error("fallback_price", $"{fallback} is outside the price bounds [{floor}, {cap}]");
        }
        // The contract holds the volume in Wh.
        var minVolume = imbalance.Money("min_volume_kwh", d.ImbalanceMinVolumeKwh, Bounds.Closed(0, 1e9));
        if (imbalance.AllValid("min_volume_kwh") && minVolume * 1000 % 1 != 0)
        {
            imbalance.Error("min_volume_kwh", $"at most three decimals (Wh), found {minVolume}");
        }
        imbalance.RejectUnknownKeys();
        return (imbalance.AllValid("penalty_percent") ? penalty : null, imbalance.AllValid("fallback_price") ? fallback : null,
            imbalance.AllValid("min_volume_kwh") ? minVolume : null);
    }
}
