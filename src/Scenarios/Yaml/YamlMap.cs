using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MicroMarket.Scenarios.Yaml;

/// <summary>
/// A cursor over one YAML mapping that knows its field path (e.g. <c>units[3].soc</c>) and where it starts.
/// Reads are typed and report their own errors; every key read is remembered, so that
/// <see cref="RejectUnknownKeys"/> can flag the rest with a suggestion. A value that failed to read is marked
/// invalid, so cross-field checks (<see cref="AllValid"/>) do not pile a second error onto the first.
/// Optional reads return their default when the key is absent (or null); failed reads return the default (or 0)
/// too, which is harmless because a scenario with any error is never returned.
/// </summary>
internal sealed class YamlMap
{
    private readonly YamlMappingNode _node;
    private readonly Dictionary<string, YamlNode> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private readonly HashSet<string> _invalid = new(StringComparer.Ordinal);

    private YamlMap(YamlMappingNode node, string path, Diagnostics diagnostics)
    {
        _node = node;
        Path = path;
        Diagnostics = diagnostics;
        foreach (var (key, value) in node.Children)
        {
            if (key is YamlScalarNode { Value: { } name })
            {
                _values[name] = value;
            }
            else
            {
                diagnostics.Add(key.Start, path, "a key must be a plain name");
            }
        }
    }

    public Diagnostics Diagnostics { get; }

    /// <summary>The field path of this mapping, "" at the root.</summary>
    public string Path { get; }

    public Mark Start => _node.Start;

    public static YamlMap Root(YamlMappingNode node, Diagnostics diagnostics) => new(node, "", diagnostics);

    /// <summary>The mapping at <paramref name="node"/>, or null after reporting that it is not one.</summary>
    public static YamlMap? Of(YamlNode node, string path, Diagnostics diagnostics)
    {
        if (node is YamlMappingNode mapping)
        {
            return new YamlMap(mapping, path, diagnostics);
        }
        diagnostics.Add(node.Start, path, $"expected a mapping (key: value, ...), found {YamlValue.Describe(node)}");
        return null;
    }

    public string PathOf(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    /// <summary>True when <paramref name="key"/> has a non-null value (and marks it as a known key).</summary>
    public bool Has(string key) => Value(key) is not null;

    /// <summary>True when <paramref name="key"/> holds a mapping (and marks it as a known key).</summary>
    public bool HasMap(string key) => Value(key) is YamlMappingNode;

    /// <summary>Where a key's value starts, or this mapping's start when the key is absent.</summary>
    public Mark MarkOf(string key) => Value(key)?.Start ?? Start;

    /// <summary>Reports a problem with <paramref name="key"/> at its value (at this mapping when absent) and marks it invalid.</summary>
    public void Error(string key, string message)
    {
        _invalid.Add(key);
        Diagnostics.Add(MarkOf(key), PathOf(key), message);
    }

    /// <summary>Reports a problem with the mapping as a whole, at its start.</summary>
    public void Error(string message) => Diagnostics.Add(Start, Path, message);

    /// <summary>True when none of <paramref name="keys"/> failed to read.</summary>
    public bool AllValid(params ReadOnlySpan<string> keys)
    {
        foreach (var key in keys)
        {
            if (_invalid.Contains(key))
            {
                return false;
            }
        }
        return true;
    }

    public string Text(string key) => Read(key, true, YamlValue.TryText, "");

    public string Text(string key, string @default) => Read(key, false, YamlValue.TryText, @default);

    public string? OptionalText(string key) => Has(key) ? Text(key) : null;

    public double Number(string key, Bounds bounds) => Read(key, true, Number(bounds), 0.0);

    public double Number(string key, double @default, Bounds bounds) => Read(key, false, Number(bounds), @default);

    public double? OptionalNumber(string key, Bounds bounds) => Has(key) ? Number(key, bounds) : null;

    public int Integer(string key, Bounds bounds) => Read(key, true, Integer(bounds), 0);

    public int Integer(string key, int @default, Bounds bounds) => Read(key, false, Integer(bounds), @default);

    public decimal Money(string key, decimal @default, Bounds bounds) => Read(key, false, Money(bounds), @default);

    public decimal Money(string key, Bounds bounds) => Read(key, true, Money(bounds), 0m);

    public decimal? OptionalMoney(string key, Bounds bounds) => Has(key) ? Money(key, bounds) : null;

    public bool Flag(string key, bool @default) => Read(key, false, YamlValue.TryFlag, @default);

    public TimeOnly ClockTime(string key) => Read<TimeOnly>(key, true, YamlValue.TryClockTime, default);

    public TimeOnly ClockTime(string key, TimeOnly @default) => Read(key, false, YamlValue.TryClockTime, @default);

    public DateOnly Date(string key) => Read<DateOnly>(key, true, YamlValue.TryDate, default);

    public T Choice<T>(string key, IReadOnlyList<(string Name, T Value)> choices) =>
        Read(key, true, Choice(choices), default!);

    public T Choice<T>(string key, IReadOnlyList<(string Name, T Value)> choices, T @default) =>
        Read(key, false, Choice(choices), @default);

    /// <summary>
    /// The key of <paramref name="keys"/> that this mapping sets, reporting when it sets none or several; null then.
    /// All of them are marked known, so the alternatives are not reported as unknown keys too.
    /// </summary>
    public string? OneOf(params string[] keys)
    {
        var present = keys.Where(Has).ToList();
        if (present.Count == 1)
        {
            return present[0];
        }
        Error(present.Count == 0
            ? $"expected one of {string.Join(", ", keys)}"
            : $"expected only one of {string.Join(", ", keys)}, found {string.Join(" and ", present)}");
        return null;
    }

    /// <summary>A nested mapping: null when absent (reported if <paramref name="required"/>) or not a mapping (reported).</summary>
    public YamlMap? Map(string key, bool required = false)
    {
        if (Value(key) is not { } node)
        {
            if (required)
            {
                Error(key, "is required");
            }
            return null;
        }
        var map = Of(node, PathOf(key), Diagnostics);
        if (map is null)
        {
            _invalid.Add(key);
        }
        return map;
    }

    /// <summary>The items of a list with their paths (<c>key[i]</c>); empty when absent (reported if <paramref name="required"/>) or not a list.</summary>
    public IReadOnlyList<(YamlNode Node, string Path)> Items(string key, bool required = false)
    {
        switch (Value(key))
        {
            case null:
                if (required)
                {
                    Error(key, "is required");
                }
                return [];
            case YamlSequenceNode list:
                return [.. list.Children.Select((item, i) => (item, $"{PathOf(key)}[{i}]"))];
            case var other:
                Error(key, $"expected a list, found {YamlValue.Describe(other)}");
                return [];
        }
    }

    /// <summary>A list of mappings; items that are not mappings are reported and skipped.</summary>
    public IReadOnlyList<YamlMap> Maps(string key, bool required = false) =>
        [.. Items(key, required).Select(item => Of(item.Node, item.Path, Diagnostics)).OfType<YamlMap>()];

    /// <summary>
    /// A range "[low, high]" of numbers within <paramref name="bounds"/> (a single number means low = high), or
    /// <paramref name="default"/> when absent.
    /// </summary>
    public (double Low, double High) NumberRange(string key, (double Low, double High) @default, Bounds bounds)
    {
        switch (Value(key))
        {
            case null:
                return @default;
            case YamlScalarNode scalar:
                return YamlValue.TryNumber(scalar, PathOf(key), bounds, Diagnostics, out var x) ? (x, x) : Invalid(key, @default);
            case YamlSequenceNode { Children.Count: 2 } pair:
                var lowOk = YamlValue.TryNumber(pair[0], $"{PathOf(key)}[0]", bounds, Diagnostics, out var low);
                var highOk = YamlValue.TryNumber(pair[1], $"{PathOf(key)}[1]", bounds, Diagnostics, out var high);
                if (!lowOk || !highOk)
                {
                    return Invalid(key, @default);
                }
                if (low > high)
                {
                    Error(key, $"expected [low, high] with low <= high, found [{low}, {high}]");
                    return @default;
                }
                return (low, high);
            case var other:
                Error(key, $"expected a number or a range [low, high], found {YamlValue.Describe(other)}");
                return @default;
        }
    }

    /// <summary>Every entry, for a mapping whose keys are data (an experiment's field paths) rather than a fixed set; each counts as read.</summary>
    public IReadOnlyList<(string Key, Mark At, YamlNode Value)> Entries()
    {
        var entries = new List<(string, Mark, YamlNode)>();
        foreach (var (key, value) in _node.Children)
        {
            if (key is YamlScalarNode { Value: { } name })
            {
                _known.Add(name);
                entries.Add((name, key.Start, value));
            }
        }
        return entries;
    }

    /// <summary>Reports every key that no read asked for, suggesting the nearest known one.</summary>
    public void RejectUnknownKeys()
    {
        foreach (var key in _node.Children.Keys.OfType<YamlScalarNode>())
        {
            var name = key.Value ?? "";
            if (!_known.Contains(name))
            {
                var hint = Suggestion.Closest(name, _known) is { } near
                    ? $"did you mean '{near}'?"
                    : $"expected one of {string.Join(", ", _known.Order(StringComparer.Ordinal))}";
                Diagnostics.Add(key.Start, PathOf(name), $"unknown key; {hint}");
            }
        }
    }

    private delegate bool Parse<T>(YamlNode node, string path, Diagnostics diagnostics, out T value);

    private YamlNode? Value(string key)
    {
        _known.Add(key);
        return _values.TryGetValue(key, out var node) && !YamlValue.IsNull(node) ? node : null;
    }

    private T Read<T>(string key, bool required, Parse<T> parse, T fallback)
    {
        if (Value(key) is not { } node)
        {
            if (required)
            {
                Error(key, "is required");
            }
            return fallback;
        }
        return parse(node, PathOf(key), Diagnostics, out var value) ? value : Invalid(key, fallback);
    }

    private T Invalid<T>(string key, T fallback)
    {
        _invalid.Add(key);
        return fallback;
    }

    private static Parse<double> Number(Bounds bounds) =>
        (YamlNode node, string path, Diagnostics d, out double x) => YamlValue.TryNumber(node, path, bounds, d, out x);

    private static Parse<int> Integer(Bounds bounds) =>
        (YamlNode node, string path, Diagnostics d, out int x) => YamlValue.TryInteger(node, path, bounds, d, out x);

    private static Parse<decimal> Money(Bounds bounds) =>
        (YamlNode node, string path, Diagnostics d, out decimal x) => YamlValue.TryMoney(node, path, bounds, d, out x);

    private static Parse<T> Choice<T>(IReadOnlyList<(string Name, T Value)> choices) =>
        (YamlNode node, string path, Diagnostics d, out T x) => YamlValue.TryChoice(node, path, choices, d, out x);
}
