using MicroMarket.RunFormat;
using System.Numerics;
using MicroMarket.Market.Clearing;

namespace MicroMarket.Market.Orders;

/// <summary>One (price, quantity) step of a curve: up to <see cref="QuantityWh"/> at <see cref="PriceMicroPerKwh"/>.</summary>
public readonly record struct OrderStep(uint PriceMicroPerKwh, uint QuantityWh);

/// <summary>
/// A unit's buy or sell curve for one slot: up to four steps, packed into one 256-bit word exactly
/// as contracts/src/libraries/OrderCurve.sol lays it out (step k in bits [64k, 64k + 64), each step
/// price &lt;&lt; 32 | quantity). Steps keep their order: step k's order id is
/// <see cref="OrderIds.Of"/>(unit, side, k), which breaks ties in the merit order.
/// </summary>
public sealed record OrderCurve
{
    public const int MaxSteps = 4;

    public static OrderCurve Empty { get; } = new([]);

    public OrderCurve(IReadOnlyList<OrderStep> steps)
    {
        if (steps.Count > MaxSteps)
        {
            throw new ArgumentException($"A curve has at most {MaxSteps} steps, not {steps.Count}.", nameof(steps));
        }
        if (steps.Any(s => s.QuantityWh == 0))
        {
            throw new ArgumentException("Every step of a curve needs a positive quantity.", nameof(steps));
        }
        Steps = steps;
    }

    public IReadOnlyList<OrderStep> Steps { get; }

    public bool IsEmpty => Steps.Count == 0;

    public ulong TotalWh => Steps.Aggregate(0UL, (sum, s) => sum + s.QuantityWh);

    /// <summary>
    /// What the curve locks as collateral in nano-tokens, as contracts/src/libraries/OrderCurve.sol
    /// computes it: a buy step price x quantity, a sell step (<paramref name="sellCapMicroPerKwh"/> -
    /// price) x quantity (the price cap; 0 for the balance-responsible party, whose sells lock nothing).
    /// </summary>
    public BigInteger CollateralNano(OrderSide side, uint sellCapMicroPerKwh) => side == OrderSide.Buy
        ? Steps.Aggregate(BigInteger.Zero, (sum, s) => sum + (BigInteger)s.PriceMicroPerKwh * s.QuantityWh)
        : sellCapMicroPerKwh == 0 ? BigInteger.Zero
        : Steps.Aggregate(BigInteger.Zero, (sum, s) => sum + ((BigInteger)sellCapMicroPerKwh - s.PriceMicroPerKwh) * s.QuantityWh);

    /// <summary>
    /// Whether a unit's buy curve and sell curve for one slot cross (highest buy price at or above
    /// the lowest sell price): the market rejects such a pair, because its buy and sell could only
    /// trade with each other.
    /// </summary>
    public static bool Cross(OrderCurve buy, OrderCurve sell) =>
        !buy.IsEmpty && !sell.IsEmpty && buy.Steps.Max(s => s.PriceMicroPerKwh) >= sell.Steps.Min(s => s.PriceMicroPerKwh);

    public bool Equals(OrderCurve? other) => other is not null && Steps.SequenceEqual(other.Steps);

    public override int GetHashCode() => Steps.Aggregate(0, (hash, step) => HashCode.Combine(hash, step));

    public static OrderCurve Single(uint priceMicroPerKwh, uint quantityWh) =>
        quantityWh == 0 ? Empty : new([new OrderStep(priceMicroPerKwh, quantityWh)]);

    /// <summary>The orders this curve places for <paramref name="unit"/> in one slot, with their contract ids.</summary>
    public IEnumerable<Order> ToOrders(uint unit, OrderSide side) =>
        Steps.Select((s, k) => new Order(OrderIds.Of(unit, side, k), side, s.PriceMicroPerKwh, s.QuantityWh, unit));

    public BigInteger Pack()
    {
        var word = BigInteger.Zero;
        for (var k = 0; k < Steps.Count; k++)
        {
            var step = ((BigInteger)Steps[k].PriceMicroPerKwh << 32) | Steps[k].QuantityWh;
            word |= step << (64 * k);
        }
        return word;
    }

    /// <summary>Reads a packed curve; absent (zero-quantity) steps are skipped, as the contract skips them.</summary>
    public static OrderCurve Unpack(BigInteger word)
    {
        var steps = new List<OrderStep>(MaxSteps);
        for (var k = 0; k < MaxSteps; k++)
        {
            var step = (ulong)((word >> (64 * k)) & ulong.MaxValue);
            if ((uint)step != 0)
            {
                steps.Add(new OrderStep((uint)(step >> 32), (uint)step));
            }
        }
        return new OrderCurve(steps);
    }
}

/// <summary>
/// The contract's order ids: unit &lt;&lt; 3 | side &lt;&lt; 2 | step (side 0 buy, 1 sell), so ties at
/// one price go to the lower unit index, then the lower step.
/// </summary>
public static class OrderIds
{
    public static long Of(uint unit, OrderSide side, int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(step, OrderCurve.MaxSteps);
        return ((long)unit << 3) | ((long)(side == OrderSide.Sell ? 1 : 0) << 2) | (long)step;
    }

    public static (uint Unit, OrderSide Side, int Step) Parse(long id) =>
        ((uint)(id >> 3), ((id >> 2) & 1) == 1 ? OrderSide.Sell : OrderSide.Buy, (int)(id & 3));
}
