namespace MicroMarket.RunFormat;

/// <summary>
/// How well the agents' shared price expectation did (docs/market-rules.md, "Price expectations"):
/// the mean absolute error, tokens per kWh, of each slot's day-ahead expectation against the price the
/// slot cleared at, over the <paramref name="Slots"/> slots that cleared; null when none did.
/// </summary>
public sealed record PriceForecastError(decimal? MeanAbsoluteError, int Slots);
