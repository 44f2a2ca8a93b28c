using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MicroMarket.Scenarios.Yaml;

/// <summary>
/// Typed reads of single YAML values. Each reports its own error at the node (with the field path) and returns
/// false, so callers can carry on and collect further errors. Numbers must be plain scalars: a quoted "10" is text,
/// as the JSON schema sees it.
/// </summary>
internal static class YamlValue
{
    /// <summary>Micro-units per token: the settlement token has 6 decimals.</summary>
    public const decimal TokenMicroUnits = 1_000_000m;

    /// <summary>True for an absent value: an empty plain scalar, "~" or "null".</summary>
    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode { Style: ScalarStyle.Plain } s => $"'{s.Value}'",
        YamlScalarNode s => $"the text \"{s.Value}\"",
        _ => "something else",
    };

    public static bool TryText(YamlNode node, string path, Diagnostics diagnostics, out string text)
    {
        if (node is YamlScalarNode { Value: { } value })
        {
            text = value;
            return true;
        }
        text = "";
        diagnostics.Add(node.Start, path, $"expected a text value, found {Describe(node)}");
        return false;
    }

    public static bool TryNumber(YamlNode node, string path, Bounds bounds, Diagnostics diagnostics, out double number)
    {
        if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } text }
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number) && double.IsFinite(number))
        {
            if (bounds.Contains(number))
            {
                return true;
            }
            diagnostics.Add(node.Start, path, $"expected a number {bounds}, found {text}");
            return false;
        }
        number = 0;
        diagnostics.Add(node.Start, path, $"expected a number{Qualify(bounds)}, found {Describe(node)}");
        return false;
    }

    /// <summary>A whole number in decimal, or in hex after "0x" as YAML's core schema also reads it (an I2C address: 0x40).</summary>
    public static bool TryInteger(YamlNode node, string path, Bounds bounds, Diagnostics diagnostics, out int number)
    {
        if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } text } && ParseInteger(text, out number))
        {
            if (bounds.Contains(number))
            {
                return true;
            }
            diagnostics.Add(node.Start, path, $"expected a whole number {bounds}, found {text}");
            return false;
        }
        number = 0;
        diagnostics.Add(node.Start, path, $"expected a whole number{Qualify(bounds)}, found {Describe(node)}");
        return false;
    }

    /// <summary>
    /// Money and prices in tokens (per kWh): decimal, so that "0.30" stays exactly 0.30, and no finer than the
    /// token's micro-unit (6 decimals), since the contract counts in micro-units.
    /// </summary>
    public static bool TryMoney(YamlNode node, string path, Bounds bounds, Diagnostics diagnostics, out decimal amount)
    {
        if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } text }
            && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out amount))
        {
            if (!bounds.Contains((double)amount))
            {
                diagnostics.Add(node.Start, path, $"expected an amount {bounds}, found {text}");
                return false;
            }
            if (amount * TokenMicroUnits % 1 != 0)
            {
                diagnostics.Add(node.Start, path, $"{text} is finer than the token's micro-unit: use at most 6 decimals");
                return false;
            }
            return true;
        }
        amount = 0;
        diagnostics.Add(node.Start, path, $"expected an amount (tokens){Qualify(bounds)}, found {Describe(node)}");
        return false;
    }

    public static bool TryFlag(YamlNode node, string path, Diagnostics diagnostics, out bool flag)
    {
        if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } text } && bool.TryParse(text, out flag))
        {
            return true;
        }
        flag = false;
        diagnostics.Add(node.Start, path, $"expected true or false, found {Describe(node)}");
        return false;
    }

    /// <summary>A local clock time "HH:mm" ("24:00" is midnight, the end of a day).</summary>
    public static bool TryClockTime(YamlNode node, string path, Diagnostics diagnostics, out TimeOnly time)
    {
        if (node is YamlScalarNode { Value: { } text })
        {
            if (text == "24:00")
            {
                time = TimeOnly.MinValue;
                return true;
            }
            if (TimeOnly.TryParseExact(text, ["H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out time))
            {
                return true;
            }
        }
        time = default;
        diagnostics.Add(node.Start, path, $"expected a clock time \"HH:mm\", found {Describe(node)}");
        return false;
    }

    public static bool TryDate(YamlNode node, string path, Diagnostics diagnostics, out DateOnly date)
    {
        if (node is YamlScalarNode { Value: { } text }
            && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return true;
        }
        date = default;
        diagnostics.Add(node.Start, path, $"expected a date yyyy-mm-dd, found {Describe(node)}");
        return false;
    }

    /// <summary>One of <paramref name="choices"/> by name (case-insensitive), with a suggestion when misspelt.</summary>
    public static bool TryChoice<T>(YamlNode node, string path, IReadOnlyList<(string Name, T Value)> choices, Diagnostics diagnostics, out T value)
    {
        var names = choices.Select(c => c.Name).ToList();
        if (node is YamlScalarNode { Value: { } text })
        {
            foreach (var (name, choice) in choices)
            {
                if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
                {
                    value = choice;
                    return true;
                }
            }
            diagnostics.Add(node.Start, path, $"expected one of {string.Join(", ", names)}, found '{text}'{Suggestion.DidYouMean(text, names)}");
        }
        else
        {
            diagnostics.Add(node.Start, path, $"expected one of {string.Join(", ", names)}, found {Describe(node)}");
        }
        value = default!;
        return false;
    }

    private static bool ParseInteger(string text, out int number)
    {
        if (!text.StartsWith("0x", StringComparison.Ordinal))
        {
            return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number);
        }
        // As uint: int's hex parse would read 0xFFFFFFFF as -1.
        var ok = uint.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex) && hex <= int.MaxValue;
        number = ok ? (int)hex : 0;
        return ok;
    }

    private static string Qualify(Bounds bounds) => bounds == Bounds.Any ? "" : $" {bounds}";
}
