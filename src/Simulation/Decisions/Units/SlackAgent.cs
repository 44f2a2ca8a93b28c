using MicroMarket.Market;
using MicroMarket.Grid.Units;
using MicroMarket.Market.Orders;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Model;
using MicroMarket.Simulation.Decisions;

namespace MicroMarket.Simulation.Decisions.Units;

/// <summary>
/// The island's slack unit at cost: a diesel genset or gas CHP, or an over-sized battery.
/// <list type="bullet">
/// <item>Day-ahead: offers its rating in four steps, each at the convex-hull price of the loading
/// it covers (<see cref="Genset.ConvexHullPricePerKwh"/>: the no-load fuel spread over the output,
/// which marginal-cost offers never recover; what low loading and ballast still cost is made whole
/// by the uplift, docs/market-rules.md) plus the markup; a battery slack offers discharge at the
/// outlook plus the markup and charging at the outlook minus it.</item>
/// <item>Intra-day: offers what it has not sold at the same prices, and to buy back what it sold at
/// 90 % of its marginal cost (running less saves the marginal fuel, so buying back below it gains).</item>
/// <item>Delivery: a genset runs when the island controller commits it (or starts it in an emergency),
/// between its minimum stable output and its rating, and burns its start fuel at each start; a battery
/// slack forms the grid within its SoC. It is the balance-responsible party, so its own deviation is
/// the system's and pays no imbalance.</item>
/// </list>
/// </summary>
public sealed class SlackAgent : IUnitAgent
{
    private const int Steps = 4;
    private readonly SlackUnit _spec;
    private readonly Genset? _genset;
    private readonly Battery? _battery;
    private readonly MarginalCostStrategy _strategy;
    private readonly TimeSpan _slotLength;
    private readonly double _hours;
    private double _energyKwh;
    private bool _running;

    public SlackAgent(SlackUnit spec, Genset? genset, Battery? battery, MarginalCostStrategy strategy, long ratingWhPerSlot, TimeSpan slotLength)
    {
        _spec = spec;
        _genset = genset;
        _battery = battery;
        _strategy = strategy;
        _slotLength = slotLength;
        _hours = slotLength.TotalHours;
        _energyKwh = battery is null ? 0 : (spec.SocInitial ?? 0.5) * battery.CapacityKwh;
        RatingWhPerSlot = ratingWhPerSlot;
    }

    public UnitSpec Spec => _spec;

    public UnitKind Kind => UnitKind.Slack;

    public long RatingWhPerSlot { get; }

    public double PowerFactor => 1.0;

    public BidDecision BidDayAhead(DayAheadRequest request)
    {
        var buys = new List<OrderCurve>();
        var sells = new List<OrderCurve>();
        for (var i = 0; i < request.SlotCount; i++)
        {
            var outlook = request.Outlook.At(request.FirstSlot + i);
            sells.Add(Offer(0, request.Rules, outlook));
            buys.Add(_battery is null ? OrderCurve.Empty : Curves.Step(_battery.MaxChargeKw * _hours, request.Rules.Clamp(outlook - _strategy.Markup)));
        }
        return new BidDecision(new SlotOrders(request.FirstSlot, buys, sells), new double[request.SlotCount]);
    }

    public BidDecision BidIntraday(IntradayRequest request)
    {
        var buys = new List<OrderCurve>();
        var sells = new List<OrderCurve>();
        for (var i = 0; i < request.SlotCount; i++)
        {
            var soldKwh = Energy.KwhOf(request.DayAheadPositions[i].NetExportWh);
            var reference = request.ReferencePrice(request.FirstSlot + i);
            sells.Add(Offer(Math.Max(0, soldKwh), request.Rules, reference));
            var buyBackPrice = request.Rules.Clamp(0.9m * MarginalCost(RatedKw * 0.5, reference));
            buys.Add(soldKwh > 0 ? Curves.Step(soldKwh, buyBackPrice) : OrderCurve.Empty);
        }
        return new BidDecision(new SlotOrders(request.FirstSlot, buys, sells), new double[request.SlotCount]);
    }

    public void OnPositions(MarketStage stage, int firstSlot, IReadOnlyList<SlotPosition> positions)
    {
        // The slack's output is set by the physics, not by its schedule.
    }

    public DeliveryProposal ProposeDelivery(DeliveryRequest request)
    {
        if (_genset is { } genset)
        {
            return new DeliveryProposal(DeliveryRole.GridForming, 0, PowerFactor, genset.MinimumStableKw, genset.RatedKw);
        }
        // A battery slack forms the grid down to its minimum SoC and takes the whole balance: it has no schedule.
        var battery = _battery!;
        return new DeliveryProposal(DeliveryRole.Balancing, 0, PowerFactor,
            -battery.AvailableChargeKw(_energyKwh, _slotLength), battery.AvailableDischargeKw(_energyKwh, _slotLength))
        {
            Storage = new StorageState(_energyKwh > battery.MinEnergyKwh + 1e-9, battery.MaxDischargeKw, _energyKwh, battery.CapacityKwh,
                battery.MinEnergyKwh, battery.ChargeEfficiency, battery.DischargeEfficiency),
        };
    }

    public UnitSlotState ApplyDelivery(int slot, double actualPowerKw)
    {
        if (_genset is { } genset)
        {
            // Off (no fuel) when the balance needed nothing from it, else within its running range; a start
            // (running after a slot off) burns the start fuel on top.
            var running = actualPowerKw > 1e-9;
            var startFuel = running && !_running ? _spec.Operation?.StartFuel ?? 0 : 0;
            _running = running;
            var run = genset.Run(running ? Math.Clamp(actualPowerKw, genset.MinimumStableKw, genset.RatedKw) : 0, _slotLength, startFuel);
            return new UnitSlotState(FuelUnits: run.Fuel, Co2Kg: run.Co2Kg);
        }
        var step = _battery!.Apply(_energyKwh, actualPowerKw, _slotLength);
        _energyKwh = step.EnergyKwh;
        return new UnitSlotState(StateOfCharge: step.StateOfCharge);
    }

    private double RatedKw => _genset?.RatedKw ?? _battery!.MaxDischargeKw;

    /// <summary>Its rating beyond <paramref name="soldKwh"/> in four equal steps, each at the convex-hull price of its loading.</summary>
    private OrderCurve Offer(double soldKwh, MarketRules rules, decimal outlook)
    {
        var stepKwh = RatedKw * _hours / Steps;
        var steps = new List<(double, decimal)>();
        for (var k = 0; k < Steps; k++)
        {
            var loadingKw = (k + 0.5) * RatedKw / Steps;
            var available = Math.Min(stepKwh, Math.Max(0, (k + 1) * stepKwh - soldKwh));
            steps.Add((available, rules.Clamp(OfferPrice(loadingKw, outlook) + _strategy.Markup)));
        }
        return Curves.Steps(steps.ToArray());
    }

    /// <summary>Tokens per kWh at an output: the fuel curve's marginal fuel x fuel price; a battery slack values energy at the outlook.</summary>
    private decimal MarginalCost(double outputKw, decimal outlook) =>
        _genset?.MarginalCostPerKwh(outputKw, _spec.FuelPrice) ?? outlook;

    /// <summary>What it offers a kWh at an output for: a genset's convex-hull price; a battery slack values energy at the outlook.</summary>
    private decimal OfferPrice(double outputKw, decimal outlook) =>
        _genset?.ConvexHullPricePerKwh(outputKw, _spec.FuelPrice) ?? outlook;
}
