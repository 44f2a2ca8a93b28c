using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Model;
using MicroMarket.Scenarios.Yaml;

namespace MicroMarket.Scenarios.Binding;

/// <summary>
/// Binds a unit's <c>strategy</c> mapping. Each unit kind bids with one strategy kind, so <c>kind</c> may be left out
/// (a battery may instead serve the feeder with <c>community</c>); every parameter has a default, and default prices are
/// clamped into the market's price bounds.
/// </summary>
internal static class StrategyBinder
{
    public const string PriceTaker = "price-taker";
    public const string MarginalCost = "marginal-cost";
    public const string Arbitrage = "arbitrage";
    public const string Community = "community";
    public const string EvCharging = "ev-charging";
    public const string FlexibleShift = "flexible-shift";
    public const string SelfConsumption = "self-consumption";

    /// <summary>A producer sells its forecast at about zero marginal cost.</summary>
    public const decimal ProducerPrice = 0.00m;

    /// <summary>A household's reservation price (tokens per kWh): above typical retail (0.15..0.30) and a diesel's marginal cost (about 0.40).</summary>
    public const decimal HouseholdPrice = 0.60m;

    /// <summary>What an EV owner pays at most for charging.</summary>
    public const decimal EvWillingnessToPay = 0.45m;

    /// <summary>What a flexible load's owner pays at most for its job.</summary>
    public const decimal FlexibleWillingnessToPay = 0.40m;

    /// <summary>Demand response: sell back scheduled consumption at this much above the day-ahead price.</summary>
    public const decimal DemandResponsePremium = 0.05m;

    /// <summary>A battery cycles only when the price spread beats its round-trip loss by this much.</summary>
    public const decimal MinimumSpread = 0.02m;

    /// <summary>A community battery bids this much above the surplus value and asks this much below the shortfall cost.</summary>
    public const decimal CommunityPriceMargin = 0.01m;

    private static readonly IReadOnlyList<(string Name, string Value)> Kinds =
        [(PriceTaker, PriceTaker), (MarginalCost, MarginalCost), (Arbitrage, Arbitrage), (Community, Community), (EvCharging, EvCharging), (FlexibleShift, FlexibleShift)];

    /// <summary>The strategy kind a unit kind bids with by default, and the only one except a battery's <see cref="Community"/>.</summary>
    public static string KindFor(UnitKind unit) => unit switch
    {
        UnitKind.Pv or UnitKind.Wind or UnitKind.Load or UnitKind.Prosumer => PriceTaker,
        UnitKind.Slack => MarginalCost,
        UnitKind.Battery => Arbitrage,
        UnitKind.Ev => EvCharging,
        UnitKind.FlexibleLoad => FlexibleShift,
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, "not a unit kind of the scenario format"),
    };

    public static string NameOf(StrategySpec strategy) => strategy switch
    {
        PriceTakerStrategy => PriceTaker,
        MarginalCostStrategy => MarginalCost,
        ArbitrageStrategy => Arbitrage,
        CommunityStrategy => Community,
        EvChargingStrategy => EvCharging,
        FlexibleShiftStrategy => FlexibleShift,
        SelfConsumptionStrategy => SelfConsumption,
        _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy.GetType().Name, "not a strategy of the scenario format"),
    };

    /// <summary>The strategy of a <paramref name="unit"/> unit from <paramref name="strategy"/> (null: all defaults).</summary>
    public static StrategySpec Bind(YamlMap? strategy, UnitKind unit, UnitContext context)
    {
        var allowed = KindFor(unit);
        if (strategy is null)
        {
            return Default(unit, context.Market);
        }
        var kind = strategy.Choice("kind", Kinds, allowed);
        if (!strategy.AllValid("kind"))
        {
            return Default(unit, context.Market);
        }
        if (kind != allowed && !(unit == UnitKind.Battery && kind == Community))
        {
            var kinds = unit == UnitKind.Battery ? $"'{allowed}' or '{Community}'" : $"'{allowed}'";
            strategy.Error("kind", $"a {UnitKinds.Name(unit)} unit bids with strategy {kinds}, not '{kind}'");
            return Default(unit, context.Market);
        }
        StrategySpec spec = kind switch
        {
            PriceTaker => new PriceTakerStrategy(Price(strategy, "price", DefaultPriceTakerPrice(unit), context)),
            MarginalCost => new MarginalCostStrategy(strategy.Money("markup", 0m, Bounds.NonNegative)),
            Arbitrage => new ArbitrageStrategy(strategy.Money("minimum_spread", MinimumSpread, Bounds.NonNegative)),
            Community => new CommunityStrategy(strategy.Money("price_margin", CommunityPriceMargin, Bounds.NonNegative)),
            EvCharging => new EvChargingStrategy(
                Price(strategy, "willingness_to_pay", EvWillingnessToPay, context),
                strategy.Flag("demand_response", true),
                strategy.Money("demand_response_premium", DemandResponsePremium, Bounds.NonNegative)),
            _ => new FlexibleShiftStrategy(
                Price(strategy, "willingness_to_pay", FlexibleWillingnessToPay, context),
                strategy.Flag("demand_response", true),
                strategy.Money("demand_response_premium", DemandResponsePremium, Bounds.NonNegative)),
        };
        strategy.RejectUnknownKeys();
        return spec;
    }

    /// <summary>
    /// The strategy of a home battery behind a prosumer's meter: <c>self-consumption</c> (the default, no parameters) or
    /// <c>arbitrage</c> on the shared price outlook, its plan drawn through the meter.
    /// </summary>
    public static StrategySpec HomeBattery(YamlMap? strategy, UnitContext context)
    {
        if (strategy is null)
        {
            return new SelfConsumptionStrategy();
        }
        var kind = strategy.Choice("kind", [(SelfConsumption, SelfConsumption), (Arbitrage, Arbitrage)], SelfConsumption);
        if (strategy.AllValid("kind") && kind == Arbitrage)
        {
            return Bind(strategy, UnitKind.Battery, context);
        }
        strategy.RejectUnknownKeys();
        return new SelfConsumptionStrategy();
    }

    /// <summary>The strategy a unit gets without a <c>strategy</c> mapping.</summary>
    public static StrategySpec Default(UnitKind unit, MarketSettings? market) => KindFor(unit) switch
    {
        PriceTaker => new PriceTakerStrategy(Clamp(DefaultPriceTakerPrice(unit), market)),
        MarginalCost => new MarginalCostStrategy(0m),
        Arbitrage => new ArbitrageStrategy(MinimumSpread),
        EvCharging => new EvChargingStrategy(Clamp(EvWillingnessToPay, market), true, DemandResponsePremium),
        _ => new FlexibleShiftStrategy(Clamp(FlexibleWillingnessToPay, market), true, DemandResponsePremium),
    };

    private static decimal DefaultPriceTakerPrice(UnitKind unit) => unit is UnitKind.Load or UnitKind.Prosumer ? HouseholdPrice : ProducerPrice;

    private static decimal Price(YamlMap strategy, string key, decimal @default, UnitContext context)
    {
        if (!strategy.Has(key))
        {
            return Clamp(@default, context.Market);
        }
        var price = strategy.Money(key, Bounds.NonNegative);
        context.RequireWithinPriceBounds(strategy, key, price);
        return price;
    }

    private static decimal Clamp(decimal price, MarketSettings? market) =>
        market is null ? price : Math.Clamp(price, market.PriceFloor, market.PriceCap);
}
