using MicroMarket.Market;
using MicroMarket.Grid.Units;
using MicroMarket.Market.Orders;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Model;
using MicroMarket.Simulation.Decisions;

namespace MicroMarket.Simulation.Decisions.Units;

/// <summary>
/// An EV at a home charger, one plug-in session a day (arrival jittered per day, which the day-ahead
/// plan does not know; the intra-day rounds do, an hour or two ahead).
/// <list type="bullet">
/// <item>Day-ahead: meets the energy needed by departure at least expected cost: the session's slots
/// sorted by expected price (the outlook repeats beyond midnight) are filled at charger power until
/// the need is covered, and the slots of the day being auctioned are bought at the willingness to pay.</item>
/// <item>Intra-day: sells back charging scheduled before the car really arrives (at the long imbalance
/// price), buys any remaining shortfall in the hour's plugged-in slots, and, when offering demand
/// response and later slots can make up for it, offers to give up the hour's scheduled charging at
/// the day-ahead price plus its premium.</item>
/// <item>Delivery: charges its scheduled net purchase, never less than what still meets departure at
/// full power later (the forced minimum), within the charger and the battery; energy short at
/// departure is reported as unmet. In an island the balance may charge it faster, up to what it still
/// needs, with a surplus that would otherwise be curtailed.</item>
/// </list>
/// </summary>
public sealed class EvAgent : IUnitAgent
{
    private readonly EvUnit _spec;
    private readonly ElectricVehicle _car;
    private readonly EvChargingStrategy _strategy;
    private readonly IReadOnlyList<(EvSession Expected, EvSession Actual)> _sessions;
    private readonly TimeSpan _slotLength;
    private readonly double _hours;
    private readonly Schedule _schedule = new();
    private double _energyKwh;
    private int _nextSlot;

    public EvAgent(EvUnit spec, ElectricVehicle car, EvChargingStrategy strategy, IReadOnlyList<(EvSession Expected, EvSession Actual)> sessions, long ratingWhPerSlot, TimeSpan slotLength)
    {
        _spec = spec;
        _car = car;
        _strategy = strategy;
        _sessions = sessions;
        _slotLength = slotLength;
        _hours = slotLength.TotalHours;
        RatingWhPerSlot = ratingWhPerSlot;
    }

    public UnitSpec Spec => _spec;

    public UnitKind Kind => UnitKind.Ev;

    public long RatingWhPerSlot { get; }

    public double PowerFactor => 1.0;

    private double StoredPerSlotKwh => _car.ChargerPowerKw * _hours * _car.ChargeEfficiency;

    public BidDecision BidDayAhead(DayAheadRequest request)
    {
        var planned = new double[request.SlotCount];
        foreach (var (expected, _) in _sessions.Where(s => s.Expected.ArrivalSlot < request.FirstSlot + request.SlotCount && s.Expected.DepartureSlot > request.FirstSlot))
        {
            var alreadyStored = StoredBetween(expected.ArrivalSlot, request.FirstSlot);
            var needKwh = expected.EnergyNeededKwh - alreadyStored;
            var candidates = Enumerable.Range(Math.Max(expected.ArrivalSlot, request.FirstSlot), expected.DepartureSlot - Math.Max(expected.ArrivalSlot, request.FirstSlot))
                .OrderBy(slot => request.Outlook.At(slot)).ThenBy(slot => slot);
            foreach (var slot in candidates)
            {
                if (needKwh <= 1e-9)
                {
                    break;
                }
                var stored = Math.Min(needKwh, StoredPerSlotKwh);
                needKwh -= stored;
                if (slot < request.FirstSlot + request.SlotCount)
                {
                    planned[slot - request.FirstSlot] += stored / _car.ChargeEfficiency;
                }
            }
        }
        var price = request.Rules.Clamp(_strategy.WillingnessToPay);
        var buys = planned.Select(kwh => Curves.Step(kwh, price)).ToList();
        return new BidDecision(new SlotOrders(request.FirstSlot, buys, Enumerable.Repeat(OrderCurve.Empty, request.SlotCount).ToList()),
            planned.Select(kwh => -kwh).ToList());
    }

    public BidDecision BidIntraday(IntradayRequest request)
    {
        var buys = Enumerable.Repeat(OrderCurve.Empty, request.SlotCount).ToArray();
        var sells = Enumerable.Repeat(OrderCurve.Empty, request.SlotCount).ToArray();
        var last = request.FirstSlot + request.SlotCount;
        for (var i = 0; i < request.SlotCount; i++)
        {
            var slot = request.FirstSlot + i;
            var scheduledWh = request.DayAheadPositions[i].BoughtWh - request.DayAheadPositions[i].SoldWh;
            if (scheduledWh > 0 && SessionAt(slot) is null)
            {
                // Bought for a car that is not there: sell it back rather than be long in imbalance.
                sells[i] = Curves.Step(scheduledWh, request.Rules.Clamp(request.Rules.LongPrice(request.ReferencePrice(slot))));
            }
        }
        if (_sessions.Select(s => s.Actual).FirstOrDefault(s => s.ArrivalSlot < last && s.DepartureSlot > request.FirstSlot) is { } session)
        {
            var energyNow = EnergyAtStartOf(session, request.FirstSlot);
            var scheduledStored = StoredBetween(Math.Max(session.ArrivalSlot, request.FirstSlot), session.DepartureSlot);
            var deficitKwh = session.TargetEnergyKwh - energyNow - scheduledStored;
            var plugged = Enumerable.Range(request.FirstSlot, request.SlotCount).Where(session.IsPluggedIn).ToList();
            if (deficitKwh > 1e-6)
            {
                foreach (var slot in plugged)
                {
                    var headroom = Math.Max(0, StoredPerSlotKwh - Energy.KwhOf(_schedule.NetImportWh(slot)) * _car.ChargeEfficiency);
                    var stored = Math.Min(deficitKwh, headroom);
                    deficitKwh -= stored;
                    buys[slot - request.FirstSlot] = Curves.Step(stored / _car.ChargeEfficiency, request.Rules.Clamp(_strategy.WillingnessToPay));
                }
            }
            else if (_strategy.OfferDemandResponse)
            {
                // Giving up X kWh stored now leaves a deficit of X - surplus, which later free
                // charger slots must cover: X <= surplus + spare capacity after the hour.
                var spareLaterKwh = Enumerable.Range(last, Math.Max(0, session.DepartureSlot - last))
                    .Sum(slot => Math.Max(0, StoredPerSlotKwh - Energy.KwhOf(Math.Max(0, _schedule.NetImportWh(slot))) * _car.ChargeEfficiency));
                var canGiveUpKwh = -deficitKwh + spareLaterKwh;
                foreach (var slot in plugged)
                {
                    var scheduledKwh = Energy.KwhOf(Math.Max(0, _schedule.NetImportWh(slot)));
                    var offered = Math.Min(scheduledKwh, canGiveUpKwh / _car.ChargeEfficiency);
                    canGiveUpKwh -= offered * _car.ChargeEfficiency;
                    if (offered > 0 && sells[slot - request.FirstSlot].IsEmpty)
                    {
                        sells[slot - request.FirstSlot] = Curves.Step(offered, request.Rules.Clamp(request.ReferencePrice(slot) + _strategy.DemandResponsePremium));
                    }
                }
            }
        }
        return new BidDecision(new SlotOrders(request.FirstSlot, buys, sells), new double[request.SlotCount]);
    }

    public void OnPositions(MarketStage stage, int firstSlot, IReadOnlyList<SlotPosition> positions) =>
        _schedule.Learn(stage, firstSlot, positions);

    public DeliveryProposal ProposeDelivery(DeliveryRequest request)
    {
        if (SessionAt(request.Slot) is not { } session)
        {
            return DeliveryProposal.At(0);
        }
        var energy = request.Slot == session.ArrivalSlot ? session.ArrivalEnergyKwh : _energyKwh;
        var scheduledKw = Energy.KwhOf(request.ScheduledNetExportWh) / _hours;
        var forcedKw = _car.MinimumChargeKw(session, energy, request.Slot, _slotLength);
        // Never less charging than departure needs; a V2G schedule (export) stands when nothing is forced.
        var requestedKw = forcedKw > 0 ? Math.Min(scheduledKw, -forcedKw) : scheduledKw;
        var setPointKw = _car.Apply(session, energy, request.Slot, requestedKw, _slotLength).ActualKw;
        // The island balance may charge a plugged-in car faster than scheduled, up to its charger and the energy it
        // still needs by departure (a surplus that would otherwise be curtailed); it never charges it less.
        var stillNeededKw = Math.Max(0, session.TargetEnergyKwh - energy) / _car.ChargeEfficiency / _hours;
        var fastestKw = Math.Min(_car.ChargerPowerKw, Math.Max(stillNeededKw, -setPointKw));
        return new DeliveryProposal(DeliveryRole.Balancing, setPointKw, PowerFactor, Math.Min(setPointKw, -fastestKw), setPointKw)
        {
            Storage = new StorageState(false, _car.ChargerPowerKw, energy, _car.BatteryCapacityKwh, session.ArrivalEnergyKwh,
                _car.ChargeEfficiency, _car.DischargeEfficiency),
        };
    }

    public UnitSlotState ApplyDelivery(int slot, double actualPowerKw)
    {
        _nextSlot = slot + 1;
        if (SessionAt(slot) is not { } session)
        {
            return new UnitSlotState();
        }
        if (slot == session.ArrivalSlot)
        {
            _energyKwh = session.ArrivalEnergyKwh;
        }
        _energyKwh = _car.Apply(session, _energyKwh, slot, actualPowerKw, _slotLength).EnergyKwh;
        var unmet = slot == session.DepartureSlot - 1 ? Math.Max(0, session.TargetEnergyKwh - _energyKwh) : 0;
        return new UnitSlotState(StateOfCharge: _energyKwh / _car.BatteryCapacityKwh, UnmetEnergyKwh: unmet);
    }

    private EvSession? SessionAt(int slot) => _sessions.Select(s => s.Actual).FirstOrDefault(s => s.IsPluggedIn(slot));

    /// <summary>Stored energy scheduled (bought, net) in [from, to), kWh, at most charger power per slot.</summary>
    private double StoredBetween(int from, int to)
    {
        var total = 0.0;
        for (var slot = from; slot < to; slot++)
        {
            total += Math.Clamp(Energy.KwhOf(_schedule.NetImportWh(slot)) * _car.ChargeEfficiency, 0, StoredPerSlotKwh);
        }
        return total;
    }

    /// <summary>The car's stored energy at the start of <paramref name="slot"/>: as measured if charging already began, else as it arrives.</summary>
    private double EnergyAtStartOf(EvSession session, int slot) =>
        _nextSlot > session.ArrivalSlot ? _energyKwh + StoredBetween(_nextSlot, slot) : session.ArrivalEnergyKwh + StoredBetween(session.ArrivalSlot, slot);
}
