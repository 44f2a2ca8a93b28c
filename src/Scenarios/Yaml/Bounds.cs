using System.Globalization;

namespace MicroMarket.Scenarios.Yaml;

/// <summary>An admissible range of a number, open or closed at each end, that can say itself in an error message.</summary>
internal readonly record struct Bounds(double? Min, bool MinInclusive, double? Max, bool MaxInclusive)
{
    public static Bounds Any => new(null, false, null, false);

    /// <summary>x &gt; 0.</summary>
    public static Bounds Positive => new(0, false, null, false);

    /// <summary>x &gt;= 0.</summary>
    public static Bounds NonNegative => new(0, true, null, false);

    /// <summary>0 &lt;= x &lt;= 1: fractions, states of charge, shares.</summary>
    public static Bounds Fraction => Closed(0, 1);

    /// <summary>0 &lt; x &lt;= 1: efficiencies, power factors.</summary>
    public static Bounds Efficiency => new(0, false, 1, true);

    public static Bounds Closed(double min, double max) => new(min, true, max, true);

    /// <summary>min &lt;= x &lt; max.</summary>
    public static Bounds HalfOpen(double min, double max) => new(min, true, max, false);

    public bool Contains(double x) =>
        double.IsFinite(x)
        && (Min is not { } lo || (MinInclusive ? x >= lo : x > lo))
        && (Max is not { } hi || (MaxInclusive ? x <= hi : x < hi));

    public override string ToString() => (Min, Max) switch
    {
        (null, null) => "finite",
        ({ } lo, null) => $"{(MinInclusive ? ">=" : ">")} {Format(lo)}",
        (null, { } hi) => $"{(MaxInclusive ? "<=" : "<")} {Format(hi)}",
        ({ } lo, { } hi) => $"in {(MinInclusive ? '[' : '(')}{Format(lo)}, {Format(hi)}{(MaxInclusive ? ']' : ')')}",
    };

    private static string Format(double x) => x.ToString(CultureInfo.InvariantCulture);
}
