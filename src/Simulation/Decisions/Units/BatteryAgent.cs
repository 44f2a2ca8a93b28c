using MicroMarket.Market;
using MicroMarket.Grid.Units;
using MicroMarket.Market.Orders;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Model;
using MicroMarket.Simulation.Decisions;

namespace MicroMarket.Simulation.Decisions.Units;

/// <summary>
/// A battery doing arbitrage on the price outlook within its SoC limits, on a rolling horizon (<see cref="StoragePlanner"/>).
/// <list type="bullet">
/// <item>Day-ahead: plans the day on the outlook; every kWh moved costs half the minimum spread (wear and risk) and
/// what is left stored at the day's end is worth the day's mean expected price as delivered, so the plan neither
/// empties the battery at midnight nor buys what it cannot expect to sell dearer. A flat outlook gives no plan.
/// Planned charging is bid at the expected price plus the minimum spread, planned discharging offered at the expected
/// price minus it: in a slot it only buys or only sells, so its orders never cross.</item>
/// <item>Intra-day: re-plans the rest of the planned day from the energy it now expects to hold, on the day-ahead
/// prices of the hour, and trades the difference between that plan and its schedule in the hour's slots, priced like
/// day-ahead. Energy the island balance moved, or a day-ahead order that did not fill, is corrected where it pays.</item>
/// <item>Delivery: runs at its scheduled net export, clipped by the battery model (power, SoC), unless the
/// island balance moves it (storage absorbs a surplus or covers a deficit before curtailment, a genset start or
/// shedding). A grid-forming battery (<c>grid_forming: true</c>) forms the island's grid while above its SoC
/// reserve and takes the balance: its schedule is then a financial position only.</item>
/// </list>
/// </summary>
public sealed class BatteryAgent(BatteryUnit spec, Battery battery, ArbitrageStrategy strategy, long ratingWhPerSlot, TimeSpan slotLength) : IUnitAgent
{
    private readonly Schedule _schedule = new();
    private readonly double _hours = slotLength.TotalHours;
    private readonly StoragePlanner _planner = new(battery, slotLength.TotalHours, (double)strategy.MinimumSpread / 2);
    private readonly decimal _tolerance = Math.Max(strategy.MinimumSpread, 0.01m);
    private double _energyKwh = spec.SocInitial * battery.CapacityKwh;
    private int _nextSlot;
    // The latest day planned day-ahead: where its horizon ends, and what energy stored at that end is worth.
    private int _plannedUntil;
    private double _terminalValue;

    public UnitSpec Spec => spec;

    public UnitKind Kind => UnitKind.Battery;

    public long RatingWhPerSlot => ratingWhPerSlot;

    public double PowerFactor => 1.0;

    public BidDecision BidDayAhead(DayAheadRequest request)
    {
        var prices = Enumerable.Range(request.FirstSlot, request.SlotCount).Select(s => (double)request.Outlook.At(s)).ToList();
        _plannedUntil = request.FirstSlot + request.SlotCount;
        _terminalValue = _planner.TerminalValue(prices);
        var plan = _planner.Plan(prices, ExpectedEnergyAt(request.FirstSlot), _terminalValue);
        var orders = Orders(request.FirstSlot, plan, Enumerable.Range(request.FirstSlot, request.SlotCount).Select(request.Outlook.At).ToList(), request.Rules);
        return new BidDecision(orders, new double[request.SlotCount]);
    }

    public BidDecision BidIntraday(IntradayRequest request)
    {
        var until = Math.Max(_plannedUntil, request.FirstSlot + request.SlotCount);
        var prices = Enumerable.Range(request.FirstSlot, until - request.FirstSlot)
            .Select(s => s < request.FirstSlot + request.SlotCount ? request.ReferencePrice(s) : request.Outlook.At(s)).ToList();
        var plan = _planner.Plan(prices.Select(p => (double)p).ToList(), ExpectedEnergyAt(request.FirstSlot), _terminalValue);
        var change = Enumerable.Range(0, request.SlotCount).Select(i => plan[i] - Energy.KwhOf(_schedule.NetExportWh(request.FirstSlot + i))).ToArray();
        return new BidDecision(Orders(request.FirstSlot, change, prices, request.Rules), new double[request.SlotCount]);
    }

    /// <summary>Bids for the slots' planned AC energy from <paramref name="firstSlot"/> (kWh, + sell, - buy), one side per slot.</summary>
    private SlotOrders Orders(int firstSlot, IReadOnlyList<double> energyKwh, IReadOnlyList<decimal> prices, MarketRules rules)
    {
        var buys = new List<OrderCurve>();
        var sells = new List<OrderCurve>();
        for (var i = 0; i < energyKwh.Count; i++)
        {
            buys.Add(energyKwh[i] < 0 ? Curves.Step(-energyKwh[i], rules.Clamp(prices[i] + _tolerance)) : OrderCurve.Empty);
            sells.Add(energyKwh[i] > 0 ? Curves.Step(energyKwh[i], rules.Clamp(prices[i] - _tolerance)) : OrderCurve.Empty);
        }
        return new SlotOrders(firstSlot, buys, sells);
    }

    public void OnPositions(MarketStage stage, int firstSlot, IReadOnlyList<SlotPosition> positions) =>
        _schedule.Learn(stage, firstSlot, positions);

    public DeliveryProposal ProposeDelivery(DeliveryRequest request)
    {
        var scheduledKw = battery.Apply(_energyKwh, Energy.KwhOf(request.ScheduledNetExportWh) / _hours, slotLength).ActualKw;
        // A grid-forming inverter keeps its reserve for ride-through and black start: the balance may discharge it
        // down to the reserve only, and below it the battery no longer forms the grid.
        var forming = spec.GridForming;
        var reserveKwh = forming is null ? battery.MinEnergyKwh : forming.SocReserve * battery.CapacityKwh;
        var dischargeKw = Math.Min(battery.AvailableDischargeKw(_energyKwh, slotLength), Math.Max(0, _energyKwh - reserveKwh) * battery.DischargeEfficiency / _hours);
        return new DeliveryProposal(DeliveryRole.Balancing, Math.Min(scheduledKw, dischargeKw), PowerFactor, -battery.AvailableChargeKw(_energyKwh, slotLength), dischargeKw)
        {
            Storage = new StorageState(forming is not null && _energyKwh > reserveKwh + 1e-9, forming?.DroopShareKw ?? battery.MaxDischargeKw,
                _energyKwh, battery.CapacityKwh, reserveKwh, battery.ChargeEfficiency, battery.DischargeEfficiency),
        };
    }

    public UnitSlotState ApplyDelivery(int slot, double actualPowerKw)
    {
        // Clipped is what the battery's own limits cut from its schedule; the balance's moves are not clipping.
        var requestedKw = ScheduledKw(slot);
        var clippedKw = battery.Apply(_energyKwh, requestedKw, slotLength).ClippedKw;
        var step = battery.Apply(_energyKwh, actualPowerKw, slotLength);
        _energyKwh = step.EnergyKwh;
        _nextSlot = slot + 1;
        return new UnitSlotState(StateOfCharge: step.StateOfCharge, ClippedKwh: Math.Abs(clippedKw) * _hours);
    }

    private double ScheduledKw(int slot) => Energy.KwhOf(_schedule.NetExportWh(slot)) / _hours;

    /// <summary>Stored energy expected at the start of <paramref name="slot"/>: now, plus the schedule until then.</summary>
    private double ExpectedEnergyAt(int slot)
    {
        var energy = _energyKwh;
        for (var s = _nextSlot; s < slot; s++)
        {
            var kw = Energy.KwhOf(_schedule.NetExportWh(s)) / _hours;
            energy = battery.Apply(energy, kw, slotLength).EnergyKwh;
        }
        return energy;
    }
}
