using MicroMarket.Market;
using MicroMarket.Grid.Units;
using MicroMarket.Market.Orders;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Model;
using MicroMarket.Simulation.Decisions;

namespace MicroMarket.Simulation.Decisions.Units;

/// <summary>
/// A battery trading the plan of its storage strategy (<see cref="IStoragePolicy"/>: <see cref="ArbitragePolicy"/> on the
/// price outlook, or <see cref="CommunityPolicy"/> for the feeder's self-sufficiency) within its SoC limits, on a
/// rolling horizon.
/// <list type="bullet">
/// <item>Day-ahead: plans the day and the next from the energy it expects to hold and bids the day, so the plan
/// neither empties the battery at midnight nor ignores tomorrow. Arbitrage: every kWh moved costs half the minimum
/// spread (wear and risk) and what is left stored at the horizon's end is worth the horizon's mean expected price as
/// delivered, so it neither empties the battery nor buys what it cannot expect to sell dearer; a flat outlook gives
/// no plan. Community: only from the feeder's expected surplus, only into its expected deficit. The strategy prices the
/// orders (arbitrage: planned charging bid at the expected price plus the minimum spread, planned discharging offered
/// at the expected price minus it; community: just inside the balance-responsible party's surplus value and shortfall
/// cost); in a slot it only buys or only sells, so its orders never cross.</item>
/// <item>Intra-day: re-plans from the energy it now expects to hold, on the day-ahead prices of the hour and the
/// outlook beyond (and the forecasts as issued now), and trades the difference between that plan and its schedule in
/// the hour's slots, priced like day-ahead. Energy the island balance moved, or a day-ahead order that did not fill,
/// is corrected where it pays.</item>
/// <item>Delivery: runs at its scheduled net export, clipped by the battery model (power, SoC), unless the
/// island balance moves it (storage absorbs a surplus or covers a deficit before curtailment, a genset start or
/// shedding). A grid-forming battery (<c>grid_forming: true</c>) forms the island's grid while above its SoC
/// reserve and takes the balance: its schedule is then a financial position only.</item>
/// </list>
/// </summary>
public sealed class BatteryAgent(BatteryUnit spec, Battery battery, IStoragePolicy policy, long ratingWhPerSlot, TimeSpan slotLength) : IUnitAgent
{
    private readonly Schedule _schedule = new();
    private readonly double _hours = slotLength.TotalHours;
    private double _energyKwh = spec.SocInitial * battery.CapacityKwh;
    private int _nextSlot;
    // Where the latest day planned day-ahead ends, and how long a day is.
    private int _plannedUntil;
    private int _slotsPerDay = 96;

    public UnitSpec Spec => spec;

    public UnitKind Kind => UnitKind.Battery;

    public long RatingWhPerSlot => ratingWhPerSlot;

    public double PowerFactor => 1.0;

    public BidDecision BidDayAhead(DayAheadRequest request)
    {
        _slotsPerDay = request.SlotCount;
        _plannedUntil = request.FirstSlot + request.SlotCount;
        var plan = PlanFrom(request.IssueSlot, request.FirstSlot, request.Outlook, _ => null);
        var prices = Enumerable.Range(request.FirstSlot, request.SlotCount).Select(request.Outlook.At).ToList();
        return new BidDecision(Orders(request.FirstSlot, plan.Take(request.SlotCount).ToList(), prices, request.Rules), new double[request.SlotCount]);
    }

    public BidDecision BidIntraday(IntradayRequest request)
    {
        var known = request.FirstSlot + request.SlotCount;
        var plan = PlanFrom(request.IssueSlot, request.FirstSlot, request.Outlook, s => s < known ? request.ReferencePrice(s) : null);
        var change = Enumerable.Range(0, request.SlotCount).Select(i => plan[i] - Energy.KwhOf(_schedule.NetExportWh(request.FirstSlot + i))).ToList();
        var prices = Enumerable.Range(request.FirstSlot, request.SlotCount).Select(request.ReferencePrice).ToList();
        return new BidDecision(Orders(request.FirstSlot, change, prices, request.Rules), new double[request.SlotCount]);
    }

    /// <summary>
    /// The plan from <paramref name="firstSlot"/> to a day past the planned day (a full day's cycle beyond what is
    /// traded now, so the end of the traded day is not the end of the world), on the prices known (the day-ahead
    /// prices of an intra-day hour) and the outlook elsewhere, from the energy expected at <paramref name="firstSlot"/>,
    /// planned at the start of <paramref name="issueSlot"/>.
    /// </summary>
    private double[] PlanFrom(int issueSlot, int firstSlot, PriceOutlook outlook, Func<int, decimal?> known)
    {
        var until = Math.Max(_plannedUntil, firstSlot + 1) + _slotsPerDay;
        var prices = Enumerable.Range(firstSlot, until - firstSlot).Select(s => known(s) ?? outlook.At(s)).ToList();
        return policy.Plan(new StorageHorizon(issueSlot, firstSlot, prices), ExpectedEnergyAt(firstSlot));
    }

    /// <summary>Bids for the slots' planned AC energy from <paramref name="firstSlot"/> (kWh, + sell, - buy), one side per slot.</summary>
    private SlotOrders Orders(int firstSlot, IReadOnlyList<double> energyKwh, IReadOnlyList<decimal> prices, MarketRules rules)
    {
        var buys = new List<OrderCurve>();
        var sells = new List<OrderCurve>();
        for (var i = 0; i < energyKwh.Count; i++)
        {
            buys.Add(energyKwh[i] < 0 ? Curves.Step(-energyKwh[i], rules.Clamp(policy.BuyPrice(firstSlot + i, prices[i]))) : OrderCurve.Empty);
            sells.Add(energyKwh[i] > 0 ? Curves.Step(energyKwh[i], rules.Clamp(policy.SellPrice(firstSlot + i, prices[i]))) : OrderCurve.Empty);
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
