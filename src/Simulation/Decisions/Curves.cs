using MicroMarket.Market;
using MicroMarket.Simulation;
using MicroMarket.Market.Orders;

namespace MicroMarket.Simulation.Decisions;

/// <summary>Builds order curves from kWh and tokens per kWh, in the contract's integers.</summary>
public static class Curves
{
    /// <summary>One step of <paramref name="energyKwh"/> (rounded to Wh) at <paramref name="price"/>; empty below 1 Wh.</summary>
    public static OrderCurve Step(double energyKwh, decimal price) => Step(Energy.FromKwh(energyKwh).Wh, price);

    public static OrderCurve Step(long energyWh, decimal price) =>
        energyWh <= 0 ? OrderCurve.Empty : OrderCurve.Single(Price.FromTokens(price).MicroPerKwh, checked((uint)Math.Min(energyWh, uint.MaxValue)));

    /// <summary>Several steps, dropping empty ones (at most four remain).</summary>
    public static OrderCurve Steps(params (double EnergyKwh, decimal Price)[] steps) =>
        new(steps.Select(s => (Wh: Energy.FromKwh(s.EnergyKwh).Wh, s.Price)).Where(s => s.Wh > 0)
            .Take(OrderCurve.MaxSteps).Select(s => new OrderStep(Price.FromTokens(s.Price).MicroPerKwh, checked((uint)s.Wh))).ToList());

    /// <summary>
    /// The intra-day orders that bring a unit's day-ahead positions to the net export it now expects,
    /// <paramref name="expectedWh"/> per slot of <paramref name="request"/>: a sell of each surplus at
    /// <paramref name="sellPrice"/>, a buy of each shortfall at <paramref name="buyPrice"/> (per slot, clamped to the
    /// price bounds). None at all when no slot is off by the smallest correction worth a transaction
    /// (<see cref="MarketRules.IntradayMinCorrectionWh"/>): the hour's gaps are then settled as imbalance. Once some
    /// slot is worth it, every gap goes in: the transaction is paid for either way.
    /// </summary>
    public static SlotOrders Corrections(IntradayRequest request, IReadOnlyList<long> expectedWh, Func<int, decimal> sellPrice, Func<int, decimal> buyPrice)
    {
        var gaps = Enumerable.Range(0, request.SlotCount).Select(i => expectedWh[i] - request.DayAheadPositions[i].NetExportWh).ToList();
        if (gaps.All(gap => Math.Abs(gap) < request.Rules.IntradayMinCorrectionWh))
        {
            return SlotOrders.None(request.FirstSlot, request.SlotCount);
        }
        var buys = new List<OrderCurve>(gaps.Count);
        var sells = new List<OrderCurve>(gaps.Count);
        for (var i = 0; i < gaps.Count; i++)
        {
            var slot = request.FirstSlot + i;
            sells.Add(gaps[i] > 0 ? Step(gaps[i], request.Rules.Clamp(sellPrice(slot))) : OrderCurve.Empty);
            buys.Add(gaps[i] < 0 ? Step(-gaps[i], request.Rules.Clamp(buyPrice(slot))) : OrderCurve.Empty);
        }
        return new SlotOrders(request.FirstSlot, buys, sells);
    }
}
