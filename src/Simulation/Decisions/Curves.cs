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
}
