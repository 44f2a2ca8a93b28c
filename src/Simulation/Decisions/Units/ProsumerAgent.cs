using MicroMarket.Grid.Units;
using MicroMarket.Market;
using MicroMarket.Market.Orders;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Model;

namespace MicroMarket.Simulation.Decisions.Units;

/// <summary>
/// A household behind one meter, run by its home energy management system: the household load and rooftop PV as they
/// come, a home battery for self-consumption (or for arbitrage, then planning like the EV), an EV and flexible appliances
/// planning their own draw on the shared price outlook. Only the meter trades.
/// <list type="bullet">
/// <item>Planning: the EV and the appliances bid to the household as if it were the market (their own agents, without
/// demand response: the household has no one to sell a shift to) and get all they bid: what they plan is what the
/// household will draw for them. The household adds its load and PV
/// forecast, lets the battery charge from the expected surplus and discharge into the expected deficit, and trades the
/// net: a net import bid at the prosumer's reservation price, a net export offered at the price floor (sold for what it fetches, as a PV price taker sells). In a slot it
/// only buys or only sells, so it never trades with itself.</item>
/// <item>Intra-day: re-forecasts the net the same way and trades the gap to its day-ahead position like a price taker: a
/// shortfall bought up to the short imbalance price it would otherwise pay, a surplus sold down to the long price it
/// would otherwise get.</item>
/// <item>Delivery: the members run (the EV and appliances their plans, the load and PV as they are); the battery then
/// charges from what is left over and discharges into what is missing, within its power and SoC: that is what netting
/// inside the meter means. What the island balance took from the meter is curtailed PV (an export cut) or load not
/// served (an import cut).</item>
/// </list>
/// </summary>
public sealed class ProsumerAgent : IUnitAgent, IPublicNetForecast
{
    private readonly ProsumerUnit _spec;
    private readonly PriceTakerAgent _load;
    private readonly PriceTakerAgent? _pv;
    private readonly Battery? _battery;
    private readonly IReadOnlyList<(IUnitAgent Agent, Schedule Schedule)> _planners;
    private readonly TimeSpan _slotLength;
    private readonly double _hours;
    private double _batteryEnergyKwh;
    // The flows of the slot last proposed: they depend on the slot and on the state the last delivery left, so they hold
    // until the next delivery is applied.
    private (int Slot, SlotFlows Flows)? _lastFlows;

    /// <param name="selfConsumption">The home battery run for self-consumption and its initial SoC; null without one (or when the
    /// battery does arbitrage: then it is one of the <paramref name="planners"/>).</param>
    public ProsumerAgent(ProsumerUnit spec, PriceTakerAgent load, PriceTakerAgent? pv, (Battery Battery, double SocInitial)? selfConsumption,
        IReadOnlyList<IUnitAgent> planners, long ratingWhPerSlot, TimeSpan slotLength)
    {
        _spec = spec;
        _load = load;
        _pv = pv;
        _battery = selfConsumption?.Battery;
        _batteryEnergyKwh = selfConsumption is var (battery, soc) ? soc * battery.CapacityKwh : 0;
        _planners = planners.Select(p => (p, new Schedule())).ToList();
        _slotLength = slotLength;
        _hours = slotLength.TotalHours;
        RatingWhPerSlot = ratingWhPerSlot;
    }

    public UnitSpec Spec => _spec;

    public UnitKind Kind => UnitKind.Prosumer;

    public long RatingWhPerSlot { get; }

    public double PowerFactor => _spec.Load.PowerFactor;

    private decimal ImportPrice => ((PriceTakerStrategy)_spec.Strategy).Price;

    public BidDecision BidDayAhead(DayAheadRequest request)
    {
        var planned = new double[request.SlotCount];
        foreach (var (agent, schedule) in _planners)
        {
            var decision = agent.BidDayAhead(request);
            Accept(agent, schedule, MarketStage.DayAhead, decision.Orders, planned);
        }
        var net = AfterBattery(request.IssueSlot, request.FirstSlot, planned);
        var buys = new List<OrderCurve>(net.Length);
        var sells = new List<OrderCurve>(net.Length);
        foreach (var kwh in net)
        {
            buys.Add(kwh < 0 ? Curves.Step(-kwh, request.Rules.Clamp(ImportPrice)) : OrderCurve.Empty);
            sells.Add(kwh > 0 ? Curves.Step(kwh, request.Rules.PriceFloor) : OrderCurve.Empty);
        }
        return new BidDecision(new SlotOrders(request.FirstSlot, buys, sells), net);
    }

    public BidDecision BidIntraday(IntradayRequest request)
    {
        var planned = new double[request.SlotCount];
        foreach (var (agent, schedule) in _planners)
        {
            var own = request with { DayAheadPositions = [.. Enumerable.Range(request.FirstSlot, request.SlotCount).Select(schedule.DayAhead)] };
            Accept(agent, schedule, MarketStage.Intraday, agent.BidIntraday(own).Orders, planned);
            for (var i = 0; i < request.SlotCount; i++)
            {
                // The day-ahead plan still stands beside the hour's change to it.
                planned[i] += Energy.KwhOf(schedule.DayAhead(request.FirstSlot + i).NetExportWh);
            }
        }
        var net = AfterBattery(request.IssueSlot, request.FirstSlot, planned);
        var orders = Curves.Corrections(request, [.. net.Select(kwh => Energy.FromKwh(kwh).Wh)],
            sellPrice: slot => request.Rules.LongPrice(request.ReferencePrice(slot)),
            buyPrice: slot => request.Rules.ShortPrice(request.ReferencePrice(slot)));
        return new BidDecision(orders, net);
    }

    /// <summary>A planning member gets all it bid: the household draws it for them. Adds its net export to <paramref name="planned"/>, kWh.</summary>
    private static void Accept(IUnitAgent agent, Schedule schedule, MarketStage stage, SlotOrders orders, double[] planned)
    {
        var positions = Enumerable.Range(0, orders.Count).Select(i => new SlotPosition((long)orders.Buys[i].TotalWh, (long)orders.Sells[i].TotalWh)).ToList();
        schedule.Learn(stage, orders.FirstSlot, positions);
        agent.OnPositions(stage, orders.FirstSlot, positions);
        for (var i = 0; i < positions.Count; i++)
        {
            planned[i] += Energy.KwhOf(positions[i].NetExportWh);
        }
    }

    /// <summary>
    /// The meter's expected net export per slot from <paramref name="first"/>, kWh: the load and PV forecast issued at
    /// <paramref name="issueSlot"/> plus the members' plans, with the battery run for self-consumption from the energy it
    /// is expected to hold by then (from now, on the same forecast).
    /// </summary>
    private double[] AfterBattery(int issueSlot, int first, double[] plannedKwh)
    {
        var now = Math.Min(issueSlot, first);
        var lead = first - now;
        var passive = PassiveKw(issueSlot, now, lead + plannedKwh.Length);
        var net = new double[plannedKwh.Length];
        var energy = _batteryEnergyKwh;
        for (var k = 0; k < passive.Length; k++)
        {
            // Before the planned slots the members draw what they planned earlier: only the battery's path to the first matters.
            var memberKwh = k >= lead ? plannedKwh[k - lead] : _planners.Sum(p => Energy.KwhOf(p.Schedule.NetExportWh(now + k)));
            var residualKw = passive[k] + memberKwh / _hours;
            var (batteryKw, after) = SelfConsumption(residualKw, energy);
            energy = after;
            if (k >= lead)
            {
                net[k - lead] = (residualKw + batteryKw) * _hours;
            }
        }
        return net;
    }

    /// <summary>The load and PV's forecast net export, kW, for <paramref name="count"/> slots from <paramref name="first"/>.</summary>
    private double[] PassiveKw(int issueSlot, int first, int count)
    {
        var net = _load.ExpectedNetExportKw(issueSlot, first, count).ToArray();
        if (_pv is not null)
        {
            foreach (var (kw, k) in _pv.ExpectedNetExportKw(issueSlot, first, count).Select((kw, k) => (kw, k)))
            {
                net[k] += kw;
            }
        }
        return net;
    }

    /// <summary>
    /// Self-consumption: the battery charges what would be exported and discharges what would be imported, within its
    /// power and SoC. Its power (kW, + discharge) and the energy it then holds.
    /// </summary>
    private (double Kw, double EnergyKwh) SelfConsumption(double residualKw, double energyKwh)
    {
        if (_battery is null)
        {
            return (0, energyKwh);
        }
        var step = _battery.Apply(energyKwh, -residualKw, _slotLength);
        return (step.ActualKw, step.EnergyKwh);
    }

    public IEnumerable<double> ExpectedNetExportKw(int issueSlot, int first, int count) => PassiveKw(issueSlot, first, count);

    public void OnPositions(MarketStage stage, int firstSlot, IReadOnlyList<SlotPosition> positions)
    {
        // The meter's positions are the household's; its members were told theirs when they planned.
    }

    public DeliveryProposal ProposeDelivery(DeliveryRequest request) => DeliveryProposal.At(Flows(request.Slot).MeterKw, PowerFactor);

    public UnitSlotState ApplyDelivery(int slot, double actualPowerKw)
    {
        var flows = Flows(slot);
        _batteryEnergyKwh = flows.BatteryEnergyKwh;
        // Any other slot's flows were proposed from the state before this delivery.
        _lastFlows = null;
        var unmet = 0.0;
        foreach (var ((agent, _), kw) in _planners.Zip(flows.PlannerKw))
        {
            unmet += agent.ApplyDelivery(slot, kw).UnmetEnergyKwh;
        }
        // The balance cuts an export (PV curtailed) or an import (load not served), never more than the meter's flow.
        var cutKwh = (flows.MeterKw - actualPowerKw) * _hours;
        var curtailed = flows.MeterKw > 0 ? Math.Max(0, cutKwh) : 0;
        var notServed = flows.MeterKw < 0 ? Math.Max(0, -cutKwh) : 0;
        var generation = flows.PvKw * _hours - curtailed;
        var consumption = (-flows.LoadKw - flows.PlannerKw.Sum()) * _hours - notServed;
        return new UnitSlotState(
            StateOfCharge: _battery is null ? null : _batteryEnergyKwh / _battery.CapacityKwh,
            UnmetEnergyKwh: unmet,
            CurtailedKwh: curtailed,
            NotServedKwh: notServed,
            GeneratedKwh: generation,
            ConsumedKwh: consumption);
    }

    /// <summary>What flows behind the meter in <paramref name="slot"/>, kW generator convention, and through it.</summary>
    private SlotFlows Flows(int slot)
    {
        // Proposed, then applied (a Pi unit's device follows the proposal too): the members are asked once per slot.
        if (_lastFlows is { } last && last.Slot == slot)
        {
            return last.Flows;
        }
        var loadKw = _load.ProposeDelivery(new DeliveryRequest(slot, default, default)).PowerKw;
        var pvKw = _pv?.ProposeDelivery(new DeliveryRequest(slot, default, default)).PowerKw ?? 0;
        var plannerKw = _planners.Select(p => p.Agent.ProposeDelivery(new DeliveryRequest(slot, p.Schedule.DayAhead(slot), p.Schedule.Intraday(slot))).PowerKw).ToArray();
        var residualKw = loadKw + pvKw + plannerKw.Sum();
        var (batteryKw, energy) = SelfConsumption(residualKw, _batteryEnergyKwh);
        var flows = new SlotFlows(loadKw, pvKw, plannerKw, batteryKw, energy, residualKw + batteryKw);
        _lastFlows = (slot, flows);
        return flows;
    }

    private sealed record SlotFlows(double LoadKw, double PvKw, double[] PlannerKw, double BatteryKw, double BatteryEnergyKwh, double MeterKw);
}
