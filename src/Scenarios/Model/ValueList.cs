using System.Collections;

namespace MicroMarket.Scenarios.Model;

/// <summary>
/// An immutable list that compares by its items, so that records holding lists (<see cref="Scenario.Units"/>,
/// <see cref="EvUnit.Sessions"/>, <see cref="WindUnit.PowerCurveTable"/>) are equal when their contents are:
/// a scenario loaded twice, or written and read back, is equal to itself. The loader builds every list as one.
/// </summary>
public sealed class ValueList<T> : IReadOnlyList<T>, IEquatable<ValueList<T>>
{
    private readonly T[] _items;

    public ValueList(IEnumerable<T> items) => _items = [.. items];

    public int Count => _items.Length;

    public T this[int index] => _items[index];

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    public bool Equals(ValueList<T>? other) => other is not null && _items.AsSpan().SequenceEqual(other._items, EqualityComparer<T>.Default);

    public override bool Equals(object? obj) => obj is ValueList<T> other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in _items)
        {
            hash.Add(item);
        }
        return hash.ToHashCode();
    }
}

/// <summary>Builds <see cref="ValueList{T}"/>s.</summary>
public static class ValueList
{
    public static ValueList<T> From<T>(IEnumerable<T> items) => new(items);
}
