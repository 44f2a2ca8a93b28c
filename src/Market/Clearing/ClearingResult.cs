using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace MicroMarket.Market.Clearing;

/// <summary>
/// The outcome of clearing one slot: the clearing price, the cleared volume and the non-zero fills,
/// sorted by ascending order id. Equality compares all three by value, so a result computed by the
/// contract can be compared to the reference with <c>==</c>.
/// </summary>
public sealed record ClearingResult
{
    private static readonly Comparer<Fill> ByOrderId = Comparer<Fill>.Create((x, y) => x.OrderId.CompareTo(y.OrderId));

    /// <summary>The result when supply and demand do not cross: no price, no volume, no fills.</summary>
    public static ClearingResult NoTrade { get; } = new(null, 0, []);

    /// <param name="priceMicroPerKwh">Clearing price; null exactly when <paramref name="volumeWh"/> is 0.</param>
    /// <param name="volumeWh">Cleared volume: the energy that trades on each side.</param>
    /// <param name="fills">Fills in any order; each quantity at least 1 Wh and each order id at most once.</param>
    /// <exception cref="ArgumentException">The price and volume disagree, or a fill is zero or repeated.</exception>
    public ClearingResult(uint? priceMicroPerKwh, ulong volumeWh, IEnumerable<Fill> fills)
    {
        ArgumentNullException.ThrowIfNull(fills);
        if (priceMicroPerKwh is null != (volumeWh == 0))
        {
            throw new ArgumentException(
                $"A clearing price exists exactly when volume trades; got price {(priceMicroPerKwh?.ToString(CultureInfo.InvariantCulture) ?? "null")} with {volumeWh} Wh.",
                nameof(priceMicroPerKwh));
        }
        var sorted = fills.OrderBy(fill => fill.OrderId).ToImmutableArray();
        for (var i = 0; i < sorted.Length; i++)
        {
            if (sorted[i].QuantityWh == 0)
            {
                throw new ArgumentException($"Order {sorted[i].OrderId}: a result lists only non-zero fills.", nameof(fills));
            }
            if (i > 0 && sorted[i].OrderId == sorted[i - 1].OrderId)
            {
                throw new ArgumentException($"Order {sorted[i].OrderId} is filled more than once.", nameof(fills));
            }
        }
        PriceMicroPerKwh = priceMicroPerKwh;
        VolumeWh = volumeWh;
        Fills = sorted;
    }

    /// <summary>Clearing price in token micro-units per kWh; null when nothing trades.</summary>
    public uint? PriceMicroPerKwh { get; }

    /// <summary>Energy traded on each side of the slot.</summary>
    public ulong VolumeWh { get; }

    /// <summary>Non-zero fills, sorted by ascending order id.</summary>
    public ImmutableArray<Fill> Fills { get; }

    /// <summary>The fill of order <paramref name="orderId"/>, if it traded at all.</summary>
    public bool TryGetFill(long orderId, [MaybeNullWhen(false)] out Fill fill)
    {
        var index = IndexOf(orderId);
        fill = index >= 0 ? Fills[index] : null;
        return index >= 0;
    }

    /// <summary>Wh filled for order <paramref name="orderId"/>; 0 for an order that did not trade.</summary>
    public ulong FilledWh(long orderId)
    {
        var index = IndexOf(orderId);
        return index >= 0 ? Fills[index].QuantityWh : 0;
    }

    public bool Equals(ClearingResult? other) =>
        other is not null
        && PriceMicroPerKwh == other.PriceMicroPerKwh
        && VolumeWh == other.VolumeWh
        && Fills.SequenceEqual(other.Fills);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(PriceMicroPerKwh);
        hash.Add(VolumeWh);
        foreach (var fill in Fills)
        {
            hash.Add(fill);
        }
        return hash.ToHashCode();
    }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture, $"PriceMicroPerKwh = {PriceMicroPerKwh?.ToString(CultureInfo.InvariantCulture) ?? "null"}, ");
        builder.Append(CultureInfo.InvariantCulture, $"VolumeWh = {VolumeWh}, Fills = [");
        builder.AppendJoin(", ", Fills.Select(fill => string.Create(CultureInfo.InvariantCulture, $"{fill.OrderId}: {fill.QuantityWh}")));
        builder.Append(']');
        return true;
    }

    private int IndexOf(long orderId) => Fills.BinarySearch(new Fill(orderId, 0), ByOrderId);
}
