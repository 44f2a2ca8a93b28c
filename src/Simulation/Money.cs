namespace MicroMarket.Simulation;

/// <summary>
/// Conversions between the scenario's tokens (decimal, per kWh) and the chain's integers: prices in
/// token micro-units per kWh, energies in Wh, escrow amounts in nano-tokens.
/// </summary>
public static class Money
{
    public const decimal MicroPerToken = 1_000_000m;
    public const decimal NanoPerToken = 1_000_000_000m;

    /// <summary>A price in tokens per kWh as micro-units per kWh, rounded to the nearest.</summary>
    public static uint PriceMicro(decimal tokensPerKwh) =>
        tokensPerKwh < 0 ? throw new ArgumentOutOfRangeException(nameof(tokensPerKwh), "prices are >= 0")
            : checked((uint)decimal.Round(tokensPerKwh * MicroPerToken, MidpointRounding.AwayFromZero));

    public static decimal PriceTokens(uint microPerKwh) => microPerKwh / MicroPerToken;

    public static decimal TokensFromNano(System.Numerics.BigInteger nano) => (decimal)nano / NanoPerToken;

    public static System.Numerics.BigInteger MicroFromTokens(decimal tokens) =>
        new(decimal.Round(tokens * MicroPerToken, MidpointRounding.AwayFromZero));

    /// <summary>kWh as whole Wh, rounded to the nearest (meters and orders count whole Wh).</summary>
    public static long Wh(double kwh) => (long)Math.Round(kwh * 1000.0, MidpointRounding.AwayFromZero);
}
