namespace MicroMarket.RunFormat;

/// <summary>
/// The precision of the numbers in summary.json (docs/kpis.md, "Precision"): money and prices to the micro-token, the
/// token's own resolution in the market's prices, and energies, fuel, ratios and voltages to 1e-6, as the tables print
/// their physics columns, so that a KPI recomputed from the tables agrees within their rounding. The KPIs are rounded
/// with it where they are made, and <see cref="RunJson"/> writes every token amount with exactly these decimals.
/// </summary>
public static class RunPrecision
{
    public const int Decimals = 6;

    /// <summary>Tokens, or tokens per kWh, to the micro-token (half to even, as <see cref="decimal.Round(decimal, int)"/>).</summary>
    public static decimal Money(decimal tokens) => decimal.Round(tokens, Decimals);

    /// <summary>kWh (to the milliwatt-hour), litres, kg, ratios and pu, to 1e-6: beyond that floating-point noise would show as digits.</summary>
    public static double Quantity(double value) => Math.Round(value, Decimals);

    public static double? Quantity(double? value) => value is { } v ? Quantity(v) : null;
}
