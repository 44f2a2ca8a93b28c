using MicroMarket.Market;
using MicroMarket.Grid.Units;
using MicroMarket.Market.Orders;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Model;
using MicroMarket.Simulation.Decisions;

namespace MicroMarket.Simulation.Decisions.Units;

/// <summary>
/// A battery doing arbitrage on the price outlook within its SoC limits.
/// <list type="bullet">
/// <item>Day-ahead: plans the day by dynamic programming over stored energy (41 levels between the
/// SoC bounds): charging pays the expected price per kWh drawn, discharging earns it per kWh
/// delivered, each kWh moved costs half the minimum spread (wear and risk), and the day must end
/// at least as full as it starts, so the plan never sells energy it has not bought. A flat outlook
/// gives no plan. Planned charging is bid at the expected price plus the minimum spread, planned
/// discharging offered at the expected price minus it.</item>
/// <item>Intra-day: offers the headroom its schedule leaves as balancing, to buy at the long
/// imbalance price and to sell at the short one, never more than the SoC bounds allow.</item>
/// <item>Delivery: runs at its scheduled net export, clipped by the battery model (power, SoC), unless the
/// island balance moves it (storage absorbs a surplus or covers a deficit before curtailment, a genset start or
/// shedding). A grid-forming battery (<c>grid_forming: true</c>) forms the island's grid while above its SoC
/// reserve and takes the balance: its schedule is then a financial position only.</item>
/// </list>
/// </summary>
public sealed class BatteryAgent(BatteryUnit spec, Battery battery, ArbitrageStrategy strategy, long ratingWhPerSlot, TimeSpan slotLength) : IUnitAgent
{
    private const int Levels = 41;
    private readonly Schedule _schedule = new();
    private readonly double _hours = slotLength.TotalHours;
    private double _energyKwh = spec.SocInitial * battery.CapacityKwh;
    private int _nextSlot;

    public UnitSpec Spec => spec;

    public UnitKind Kind => UnitKind.Battery;

    public long RatingWhPerSlot => ratingWhPerSlot;

    public double PowerFactor => 1.0;

    public BidDecision BidDayAhead(DayAheadRequest request)
    {
        var startEnergy = ExpectedEnergyAt(request.FirstSlot);
        var plan = Plan(request, startEnergy);
        var tolerance = Math.Max(strategy.MinimumSpread, 0.01m);
        var buys = new List<OrderCurve>();
        var sells = new List<OrderCurve>();
        for (var i = 0; i < request.SlotCount; i++)
        {
            var price = request.Outlook.At(request.FirstSlot + i);
            buys.Add(plan[i] < 0 ? Curves.Step(-plan[i], request.Rules.Clamp(price + tolerance)) : OrderCurve.Empty);
            sells.Add(plan[i] > 0 ? Curves.Step(plan[i], request.Rules.Clamp(price - tolerance)) : OrderCurve.Empty);
        }
        return new BidDecision(new SlotOrders(request.FirstSlot, buys, sells), new double[request.SlotCount]);
    }

    public BidDecision BidIntraday(IntradayRequest request)
    {
        var energy = ExpectedEnergyAt(request.FirstSlot);
        // Headroom over the whole hour, shared equally by its slots, so that every offer filling at
        // once still keeps the battery within its SoC bounds.
        var canStoreKwh = Math.Max(0, battery.MaxEnergyKwh - energy) / battery.ChargeEfficiency / request.SlotCount;
        var canDeliverKwh = Math.Max(0, energy - battery.MinEnergyKwh) * battery.DischargeEfficiency / request.SlotCount;
        var buys = new List<OrderCurve>();
        var sells = new List<OrderCurve>();
        for (var i = 0; i < request.SlotCount; i++)
        {
            var slot = request.FirstSlot + i;
            var scheduledKw = Energy.KwhOf(request.DayAheadPositions[i].NetExportWh) / _hours;
            var chargeKwh = Math.Min(canStoreKwh, Math.Max(0, battery.MaxChargeKw + scheduledKw) * _hours);
            var dischargeKwh = Math.Min(canDeliverKwh, Math.Max(0, battery.MaxDischargeKw - scheduledKw) * _hours);
            var reference = request.ReferencePrice(slot);
            buys.Add(Curves.Step(chargeKwh, request.Rules.Clamp(request.Rules.LongPrice(reference))));
            sells.Add(Curves.Step(dischargeKwh, request.Rules.Clamp(request.Rules.ShortPrice(reference))));
        }
        return new BidDecision(new SlotOrders(request.FirstSlot, buys, sells), new double[request.SlotCount]);
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

    /// <summary>The day's plan: AC energy per slot, kWh, positive to discharge, negative to charge.</summary>
    private double[] Plan(DayAheadRequest request, double startEnergyKwh)
    {
        var n = request.SlotCount;
        var step = (battery.MaxEnergyKwh - battery.MinEnergyKwh) / (Levels - 1);
        var start = Math.Clamp((int)Math.Round((startEnergyKwh - battery.MinEnergyKwh) / step), 0, Levels - 1);
        var halfSpread = (double)strategy.MinimumSpread / 2;
        // value[t, l]: best revenue from slot t on, starting slot t at level l; the day must end at >= start.
        var value = new double[n + 1, Levels];
        var choice = new int[n, Levels];
        for (var l = 0; l < Levels; l++)
        {
            value[n, l] = l >= start ? 0 : double.NegativeInfinity;
        }
        for (var t = n - 1; t >= 0; t--)
        {
            var price = (double)request.Outlook.At(request.FirstSlot + t);
            for (var l = 0; l < Levels; l++)
            {
                var best = double.NegativeInfinity;
                var bestNext = l;
                for (var next = 0; next < Levels; next++)
                {
                    if (double.IsNegativeInfinity(value[t + 1, next]))
                    {
                        continue;
                    }
                    var acKwh = AcEnergy(next - l, step);
                    if (acKwh is not { } ac)
                    {
                        continue;
                    }
                    var revenue = ac * price - Math.Abs(ac) * halfSpread + value[t + 1, next];
                    if (revenue > best + 1e-12)
                    {
                        best = revenue;
                        bestNext = next;
                    }
                }
                value[t, l] = best;
                choice[t, l] = bestNext;
            }
        }
        var plan = new double[n];
        var level = start;
        for (var t = 0; t < n && !double.IsNegativeInfinity(value[0, start]); t++)
        {
            var next = choice[t, level];
            plan[t] = AcEnergy(next - level, step) ?? 0;
            level = next;
        }
        return plan;
    }

    /// <summary>AC energy of moving <paramref name="levels"/> levels in one slot (positive delivered, negative drawn), null beyond the power limits.</summary>
    private double? AcEnergy(int levels, double step)
    {
        var storedKwh = levels * step;
        if (storedKwh > 0)
        {
            var drawn = storedKwh / battery.ChargeEfficiency;
            return drawn <= battery.MaxChargeKw * _hours + 1e-9 ? -drawn : null;
        }
        var delivered = -storedKwh * battery.DischargeEfficiency;
        return delivered <= battery.MaxDischargeKw * _hours + 1e-9 ? delivered : null;
    }
}
