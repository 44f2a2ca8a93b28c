using MicroMarket.Grid.Units;
using MicroMarket.Scenarios.Model;

namespace MicroMarket.Simulation.Decisions;

/// <summary>
/// What a battery's storage strategy decides for <see cref="Units.BatteryAgent"/>: the plan over a horizon and the
/// prices of the orders that trade it. The agent does the rest the same way for every strategy: the rolling horizon,
/// the expected energy, trading the plan's difference from the schedule intra-day, delivery.
/// </summary>
public interface IStoragePolicy
{
    /// <summary>AC energy per slot of <paramref name="horizon"/>, kWh, positive delivered, negative drawn, from <paramref name="startEnergyKwh"/> stored.</summary>
    double[] Plan(StorageHorizon horizon, double startEnergyKwh);

    /// <summary>What it bids for energy it plans to draw in <paramref name="slot"/>, expected to settle at <paramref name="reference"/>.</summary>
    decimal BuyPrice(int slot, decimal reference);

    /// <summary>What it asks for energy it plans to deliver in <paramref name="slot"/>, expected to settle at <paramref name="reference"/>.</summary>
    decimal SellPrice(int slot, decimal reference);
}

/// <summary>
/// The slots a battery plans, from <see cref="FirstSlot"/>, with the price it expects in each (known day-ahead prices,
/// else the outlook), planned at the start of <see cref="IssueSlot"/> (forecasts are issued there).
/// </summary>
public sealed record StorageHorizon(int IssueSlot, int FirstSlot, IReadOnlyList<decimal> Prices);

/// <summary>
/// Arbitrage (<see cref="ArbitrageStrategy"/>): the price plan of <see cref="StoragePlanner"/>, every kWh moved
/// charged half the minimum spread, stored energy at the horizon's end worth its mean price as delivered; charging
/// bid at the expected price plus the spread (at least 0.01), discharging offered at it minus the spread.
/// </summary>
public sealed class ArbitragePolicy(Battery battery, double slotHours, ArbitrageStrategy strategy) : IStoragePolicy
{
    private readonly StoragePlanner _planner = new(battery, slotHours, (double)strategy.MinimumSpread / 2);
    private readonly decimal _tolerance = Math.Max(strategy.MinimumSpread, 0.01m);

    public double[] Plan(StorageHorizon horizon, double startEnergyKwh)
    {
        var prices = horizon.Prices.Select(p => (double)p).ToList();
        return _planner.Plan(prices, startEnergyKwh, _planner.TerminalValue(prices));
    }

    public decimal BuyPrice(int slot, decimal reference) => reference + _tolerance;

    public decimal SellPrice(int slot, decimal reference) => reference - _tolerance;
}

/// <summary>
/// Community storage (<see cref="CommunityStrategy"/>): maximises the feeder's self-sufficiency. It may draw at most its
/// share of a slot's expected surplus and deliver at most its share of the expected deficit, so it never makes the
/// feeder import to charge nor export what it discharges. Each kWh it delivers into a deficit displaces one kWh of
/// import wherever it goes, and charging from a surplus costs the feeder nothing (that energy would have left it), so
/// the plan that displaces the most imports is the greedy one, slot by slot in order: draw all it may from each
/// surplus and deliver all it may into each deficit, within its power, SoC and efficiency. Holding energy back for a
/// later deficit never displaces more (a kWh is worth the same there) and can only cost headroom for the surplus in
/// between, so it serves the earliest deficit first and keeps what it cannot deliver yet: nothing is emptied at the
/// end of a day. Several community batteries split every slot's surplus by charge power and its deficit by discharge
/// power (<paramref name="chargeShare"/>, <paramref name="dischargeShare"/>), so together they never overshoot either and
/// none herds into the same slot as another. It bids <see cref="CommunityStrategy.PriceMargin"/> above what the
/// balance-responsible party pays for a surplus (the feed-in tariff; nothing in an island) and asks that much below
/// what it charges for a shortfall (retail; the genset's price), whatever the slot is expected to settle at: it outbids
/// the surplus leaving and undercuts the supply coming in. In a slot it only buys or only sells, so its orders never cross.
/// </summary>
public sealed class CommunityPolicy(
    Battery battery, TimeSpan slotLength, CommunityStrategy strategy, BalanceResponsibleParty brp, FeederOutlook feeder, double chargeShare, double dischargeShare)
    : IStoragePolicy
{
    private readonly double _hours = slotLength.TotalHours;

    public double[] Plan(StorageHorizon horizon, double startEnergyKwh)
    {
        var netExportKw = feeder.ExpectedNetExportKw(horizon.IssueSlot, horizon.FirstSlot, horizon.Prices.Count);
        var plan = new double[netExportKw.Length];
        var energy = startEnergyKwh;
        for (var t = 0; t < plan.Length; t++)
        {
            var requestedKw = netExportKw[t] >= 0 ? -netExportKw[t] * chargeShare : -netExportKw[t] * dischargeShare;
            var step = battery.Apply(energy, requestedKw, slotLength);
            plan[t] = step.ActualKw * _hours;
            energy = step.EnergyKwh;
        }
        return plan;
    }

    /// <remarks>The slot's own tariff: with a time-of-use or dynamic one the run's extremes would lose the surplus or the deficit.</remarks>
    public decimal BuyPrice(int slot, decimal reference) => brp.At(slot).Export + strategy.PriceMargin;

    public decimal SellPrice(int slot, decimal reference) => brp.At(slot).Import - strategy.PriceMargin;
}
