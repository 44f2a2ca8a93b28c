using MicroMarket.Grid.Forecasting;

namespace MicroMarket.Scenarios.Model;

/// <summary>How a unit bids. Prices are tokens per kWh.</summary>
public abstract record StrategySpec;

/// <summary>
/// Sells its forecast at <see cref="Price"/> (producers: about 0) or buys its forecast at
/// <see cref="Price"/> (consumers: their reservation price); intra-day it trades its forecast update.
/// </summary>
public sealed record PriceTakerStrategy(decimal Price) : StrategySpec;

/// <summary>Offers its capacity in up to four steps at its marginal cost (slack units; from the fuel curve), plus <see cref="Markup"/>.</summary>
public sealed record MarginalCostStrategy(decimal Markup) : StrategySpec;

/// <summary>
/// Battery arbitrage on its price forecast within its SoC limits: charges in the cheapest slots and
/// discharges in the dearest when the spread beats the round-trip loss plus <see cref="MinimumSpread"/>, on a rolling
/// horizon with stored energy valued at the horizon's mean price; intra-day it re-plans and trades the difference.
/// </summary>
public sealed record ArbitrageStrategy(decimal MinimumSpread) : StrategySpec;

/// <summary>
/// A home battery behind a prosumer's meter run for self-consumption: it charges from the household's own surplus and
/// discharges into its own deficit, within its power and SoC, and never trades on its own.
/// </summary>
public sealed record SelfConsumptionStrategy : StrategySpec;

/// <summary>
/// Battery serving the feeder's self-sufficiency, not its own profit: charges from the feeder's expected surplus and
/// discharges into its expected deficit, never more than either (it never makes the feeder import to charge nor export
/// what it discharges), on a rolling horizon; bids <see cref="PriceMargin"/> above the balance-responsible party's
/// surplus value and offers that much below its shortfall cost, so it wins the surplus and serves the deficit.
/// </summary>
public sealed record CommunityStrategy(decimal PriceMargin) : StrategySpec;

/// <summary>
/// EV: buys the energy needed by departure in the cheapest forecast slots, bidding up to
/// <see cref="WillingnessToPay"/>; intra-day, when <see cref="OfferDemandResponse"/>, offers to shift
/// scheduled charging (sell it back) at <see cref="DemandResponsePremium"/> above the day-ahead price,
/// as long as departure is still met.
/// </summary>
public sealed record EvChargingStrategy(decimal WillingnessToPay, bool OfferDemandResponse, decimal DemandResponsePremium) : StrategySpec;

/// <summary>Flexible load: schedules its job in the cheapest forecast window up to <see cref="WillingnessToPay"/>; intra-day it offers to shift.</summary>
public sealed record FlexibleShiftStrategy(decimal WillingnessToPay, bool OfferDemandResponse, decimal DemandResponsePremium) : StrategySpec;

/// <summary>The forecast error of a unit's energy (see MicroMarket.Grid.Forecasting.ForecastErrorModel).</summary>
/// <param name="DayAheadSigma">Error sigma at day-ahead horizons (fraction of <see cref="Scale"/>), &gt;= <see cref="IntradaySigma"/>.</param>
/// <param name="IntradaySigma">Error sigma about one hour ahead, &gt;= 0.</param>
/// <param name="Scale"><see cref="ForecastScales.Capacity"/> or <see cref="ForecastScales.Actual"/> (always lower case).</param>
/// <param name="Distribution"><see cref="ForecastDistributions.Normal"/>, <see cref="ForecastDistributions.Laplace"/> or
/// <see cref="ForecastDistributions.Uniform"/> (always lower case).</param>
/// <param name="Correlation">AR(1) correlation of consecutive slots' errors, 0..0.99.</param>
public sealed record ForecastSpec(double DayAheadSigma, double IntradaySigma, string Scale, string Distribution, double Correlation)
{
    /// <summary><see cref="Scale"/> as the Grid layer's enum.</summary>
    public ErrorScale ErrorScale => Scale == ForecastScales.Actual ? ErrorScale.Actual : ErrorScale.Capacity;

    /// <summary><see cref="Distribution"/> as the Grid layer's enum.</summary>
    public ErrorDistribution ErrorDistribution => Distribution switch
    {
        ForecastDistributions.Laplace => ErrorDistribution.Laplace,
        ForecastDistributions.Uniform => ErrorDistribution.Uniform,
        _ => ErrorDistribution.Normal,
    };
}

/// <summary>The values of <see cref="ForecastSpec.Scale"/>.</summary>
public static class ForecastScales
{
    /// <summary>Sigma is a fraction of the unit's capacity (wind, and units without forecast error).</summary>
    public const string Capacity = "capacity";

    /// <summary>Sigma is a fraction of the actual value (PV, household load: exact when the actual is zero).</summary>
    public const string Actual = "actual";
}

/// <summary>The values of <see cref="ForecastSpec.Distribution"/>.</summary>
public static class ForecastDistributions
{
    public const string Normal = "normal";
    public const string Laplace = "laplace";
    public const string Uniform = "uniform";
}
