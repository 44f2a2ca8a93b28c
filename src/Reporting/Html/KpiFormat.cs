using System.Globalization;

namespace MicroMarket.Reporting.Html;

/// <summary>
/// How the report prints numbers: invariant culture, a fixed number of decimals per quantity (energy to the Wh,
/// prices to 1e-4 token/kWh, money to the cent of a token, voltages to 1e-4 pu), "n/a" where a KPI is undefined.
/// Tests format the expected values through the same functions.
/// </summary>
public static class KpiFormat
{
    public const string NotApplicable = "n/a";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Energy(double kwh) => kwh.ToString("N3", Invariant);

    public static string Ratio(double? ratio) => ratio is { } r ? (r * 100).ToString("0.0", Invariant) : NotApplicable;

    public static string Price(decimal? tokensPerKwh) => tokensPerKwh is { } p ? p.ToString("0.0000", Invariant) : NotApplicable;

    public static string Money(decimal? tokens) => tokens is { } t ? t.ToString("N2", Invariant) : NotApplicable;

    public static string Voltage(double? pu) => pu is { } v ? v.ToString("0.0000", Invariant) : NotApplicable;

    public static string Count(long count) => count.ToString("N0", Invariant);

    // The catalogue's formats take each KPI as the number summary.json holds (KpiValues): a decimal's micro-tokens come
    // back exactly from the double (15 significant digits), so they print as the decimal overloads print them.
    public static string Energy(double? kwh) => kwh is { } v ? Energy(v) : NotApplicable;

    public static string Price(double? tokensPerKwh) => Price((decimal?)tokensPerKwh);

    public static string Money(double? tokens) => Money((decimal?)tokens);

    public static string Count(double? count) => count is { } c ? Count((long)Math.Round(c)) : NotApplicable;

    public static string Decimal(double? value, int decimals) => value is { } v ? v.ToString($"N{decimals}", Invariant) : NotApplicable;
}
