using MicroMarket.RunFormat;
namespace MicroMarket.Market.Clearing;

/// <summary>
/// One limit order for one slot: buy or sell up to <see cref="QuantityWh"/> at a limit price of
/// <see cref="PriceMicroPerKwh"/> token micro-units per kWh. The units are the contract's, so the
/// reference clearing and the contract compare exactly.
/// </summary>
/// <remarks>
/// Properties are get-only, so a <c>with</c> expression cannot bypass the constructor's checks.
/// </remarks>
public sealed record Order
{
    /// <param name="id">Non-negative and unique across the slot's buys and sells (see <see cref="OrderBook"/>).</param>
    /// <param name="side">Buy or sell.</param>
    /// <param name="priceMicroPerKwh">Limit price in token micro-units per kWh.</param>
    /// <param name="quantityWh">Energy in Wh; at least 1, as an order of 0 Wh is not an order.</param>
    /// <param name="participant">Who placed the order (a unit index), when known: a participant's own buys and sells must not cross (see <see cref="OrderBook"/>).</param>
    public Order(long id, OrderSide side, uint priceMicroPerKwh, uint quantityWh, long? participant = null)
    {
        if (id < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(id), id, "An order id must be non-negative.");
        }
        if (!Enum.IsDefined(side))
        {
            throw new ArgumentOutOfRangeException(nameof(side), side, $"Order {id}: the side must be {OrderSide.Buy} or {OrderSide.Sell}.");
        }
        if (quantityWh == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(quantityWh), quantityWh, $"Order {id}: the quantity must be at least 1 Wh.");
        }
        Id = id;
        Side = side;
        PriceMicroPerKwh = priceMicroPerKwh;
        QuantityWh = quantityWh;
        Participant = participant;
    }

    public long Id { get; }

    public OrderSide Side { get; }

    public uint PriceMicroPerKwh { get; }

    public uint QuantityWh { get; }

    public long? Participant { get; }
}
