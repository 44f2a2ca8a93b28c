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
/// are filled by expected price (the shared outlook, repeating beyond midnight), slots within
/// <see cref="SpreadPremium"/> (or the forecast's error) of each other sharing the charging at part power, until the need is
/// covered, and the slots of the day being auctioned are bought (<see cref="MarketRules.MustBuyPrice"/>). A
/// bidirectional car also plans vehicle-to-grid cycles in that day: it exports in a dear slot what it charges in a cheap one when
/// the export's expected price beats the charging over the round trip plus the wear
/// (<see cref="CycleCost"/>), never below the energy it arrived with, departure's plan untouched.</item>
/// <item>Intra-day: sells back charging scheduled before the car really arrives (at the long imbalance
/// price), buys the hour's part of any remaining shortfall spread over the rest of the session as the
/// day-ahead plan spreads it, and, when offering demand
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

    /// <summary>
    /// What a kWh exported by vehicle-to-grid costs the owner in battery wear, tokens: a pack at about 150 per kWh
    /// that lasts about 3 000 full cycles wears 0.05 per kWh cycled.
    /// </summary>
    public const decimal CycleCost = 0.05m;

    /// <summary>
    /// Tokens per kWh the car counts a slot dearer when it charges there at full power (pro rata below), at least:
    /// more when the expectation has been further off (<see cref="PriceOutlook.Uncertainty"/>). Slots expected
    /// within it of each other cannot be told apart, so the car spreads its charging over them at part power
    /// instead of every car charging at full power in the same slots (herding); it gives up at most this per kWh
    /// if the expectation were exact.
    /// </summary>
    public const decimal SpreadPremium = 0.05m;

    /// <summary>The charging plan's resolution: a slot's energy at charger power is placed in this many chunks.</summary>
    private const int Chunks = 8;

    public EvAgent(EvUnit spec, ElectricVehicle car, EvChargingStrategy strategy, IReadOnlyList<(EvSession Expected, EvSession Actual)> sessions,
        long ratingWhPerSlot, TimeSpan slotLength)
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
        var plan = new EvPlan(request.FirstSlot, request.SlotCount);
        foreach (var (expected, _) in _sessions.Where(s => s.Expected.ArrivalSlot < plan.End && s.Expected.DepartureSlot > request.FirstSlot))
        {
            var from = Math.Max(expected.ArrivalSlot, request.FirstSlot);
            var startEnergy = expected.ArrivalEnergyKwh + StoredBetween(expected.ArrivalSlot, from);
            var ranking = Enumerable.Range(from, expected.DepartureSlot - from).ToDictionary(slot => slot, request.Outlook.At);
            PlanNeed(plan, expected, startEnergy, ranking, request.Outlook.Uncertainty);
            if (_car.VehicleToGridPowerKw > 0)
            {
                PlanVehicleToGrid(plan, expected, startEnergy, ranking);
            }
        }
        var buys = new List<OrderCurve>();
        var sells = new List<OrderCurve>();
        for (var i = 0; i < request.SlotCount; i++)
        {
            var needPrice = request.Rules.MustBuyPrice(_strategy.WillingnessToPay, request.Outlook.At(request.FirstSlot + i));
            buys.Add(Curves.Steps((plan.NeedKwh[i], needPrice), (plan.CycleChargeKwh[i], request.Rules.Clamp(plan.CycleBuyPrice[i]))));
            sells.Add(Curves.Step(plan.ExportKwh[i], request.Rules.Clamp(plan.ExportPrice[i])));
        }
        return new BidDecision(new SlotOrders(request.FirstSlot, buys, sells),
            Enumerable.Range(0, request.SlotCount).Select(i => plan.ExportKwh[i] - plan.NeedKwh[i] - plan.CycleChargeKwh[i]).ToList());
    }

    /// <summary>
    /// The energy still needed by departure goes to the session's cheapest slots by ranking price (the
    /// outlook repeats beyond midnight), at charger power; those of the day being auctioned are bought.
    /// </summary>
    private void PlanNeed(EvPlan plan, EvSession session, double startEnergyKwh, IReadOnlyDictionary<int, decimal> ranking, decimal uncertainty)
    {
        foreach (var (slot, stored) in Cheapest(session.TargetEnergyKwh - startEnergyKwh, ranking, uncertainty, _ => StoredPerSlotKwh).Where(p => plan.Covers(p.Slot)))
        {
            plan.NeedKwh[slot - plan.FirstSlot] += stored / _car.ChargeEfficiency;
        }
    }

    /// <summary>
    /// Stored energy per slot that covers <paramref name="needKwh"/> at least cost as the car sees it: a chunk
    /// at a time into the slot whose expected price plus the car's own impact (<see cref="SpreadPremium"/> at
    /// charger power) is lowest, each slot up to its headroom. Slots expected within the premium of the
    /// cheapest share the charging at part power; a slot cheaper by more is charged at full power first.
    /// </summary>
    private IEnumerable<(int Slot, double StoredKwh)> Cheapest(double needKwh, IReadOnlyDictionary<int, decimal> expected, decimal uncertainty, Func<int, double> headroomKwh)
    {
        var premium = (double)Math.Max(SpreadPremium, uncertainty);
        var planned = expected.Keys.OrderBy(slot => slot).ToDictionary(slot => slot, _ => 0.0);
        var room = planned.Keys.ToDictionary(slot => slot, headroomKwh);
        var chunk = StoredPerSlotKwh / Chunks;
        while (needKwh > 1e-9)
        {
            var open = planned.Keys.Where(slot => room[slot] - planned[slot] > 1e-9).ToList();
            if (open.Count == 0)
            {
                break;
            }
            var slot = open.MinBy(slot => (double)expected[slot] + premium * planned[slot] / StoredPerSlotKwh);
            var stored = Math.Min(needKwh, Math.Min(chunk, room[slot] - planned[slot]));
            planned[slot] += stored;
            needKwh -= stored;
        }
        return planned.Where(p => p.Value > 0).Select(p => (p.Key, p.Value));
    }

    /// <summary>
    /// Vehicle-to-grid within the day being auctioned: pairs the dearest slot with the cheapest one that can
    /// charge the energy (before it, or back after it) while the expected export price beats the charging
    /// price over the round trip plus <see cref="CycleCost"/>; the stored energy stays between what the car
    /// arrived with and its capacity, and what is planned for departure is untouched. The export is offered
    /// at its break-even price and the extra charging bid at its own, so neither leg trades at a loss.
    /// </summary>
    private void PlanVehicleToGrid(EvPlan plan, EvSession session, double startEnergyKwh, IReadOnlyDictionary<int, decimal> ranking)
    {
        var slots = ranking.Keys.Where(plan.Covers).OrderBy(slot => slot).ToList();
        if (slots.Count < 2)
        {
            return;
        }
        var roundTrip = _car.ChargeEfficiency * _car.DischargeEfficiency;
        var exportPerSlotKwh = _car.VehicleToGridPowerKw * _hours;
        while (true)
        {
            // Stored energy at the start of each slot, and after the last.
            var energy = new double[slots.Count + 1];
            energy[0] = startEnergyKwh;
            for (var i = 0; i < slots.Count; i++)
            {
                energy[i + 1] = energy[i] + plan.StoredKwh(slots[i], _car.ChargeEfficiency, _car.DischargeEfficiency);
            }
            var pair = (from d in Enumerable.Range(0, slots.Count)
                        where !plan.Charges(slots[d]) && plan.ExportKwh[slots[d] - plan.FirstSlot] < exportPerSlotKwh - 1e-9
                        orderby ranking[slots[d]] descending
                        from c in Enumerable.Range(0, slots.Count)
                        where c != d && plan.ExportKwh[slots[c] - plan.FirstSlot] <= 0
                        let margin = (double)ranking[slots[d]] * roundTrip - (double)ranking[slots[c]] - (double)CycleCost * _car.DischargeEfficiency
                        where margin > 1e-9
                        let stored = Math.Min(
                            Math.Min((exportPerSlotKwh - plan.ExportKwh[slots[d] - plan.FirstSlot]) / _car.DischargeEfficiency,
                                StoredPerSlotKwh - plan.ChargedKwh(slots[c]) * _car.ChargeEfficiency),
                            c < d ? _car.BatteryCapacityKwh - Max(energy, c + 1, d + 1) : Min(energy, d + 1, c + 1) - session.ArrivalEnergyKwh)
                        where stored > 1e-6
                        orderby ranking[slots[c]]
                        select (Charge: slots[c], Export: slots[d], Stored: stored)).FirstOrDefault();
            if (pair.Stored <= 0)
            {
                return;
            }
            var (c0, d0) = (pair.Charge - plan.FirstSlot, pair.Export - plan.FirstSlot);
            plan.CycleChargeKwh[c0] += pair.Stored / _car.ChargeEfficiency;
            plan.ExportKwh[d0] += pair.Stored * _car.DischargeEfficiency;
            // Each leg's limit is what makes the cycle break even against the other leg's expected price.
            plan.CycleBuyPrice[c0] = Math.Max(plan.CycleBuyPrice[c0], ranking[pair.Export] * (decimal)roundTrip - CycleCost * (decimal)_car.DischargeEfficiency);
            plan.ExportPrice[d0] = Math.Max(plan.ExportPrice[d0], (ranking[pair.Charge] / (decimal)roundTrip) + CycleCost);
        }
    }

    private static double Max(double[] values, int from, int to) => values[from..(to + 1)].Max();

    private static double Min(double[] values, int from, int to) => values[from..(to + 1)].Min();

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
                // The deficit is spread over what is left of the session as the day-ahead plan was, and
                // the hour buys its own part: charging it all now would pile every late car into its arrival.
                var from = Math.Max(session.ArrivalSlot, request.FirstSlot);
                var ranking = Enumerable.Range(from, session.DepartureSlot - from).ToDictionary(slot => slot, request.Outlook.At);
                var headroom = (int slot) => Math.Max(0, StoredPerSlotKwh - Energy.KwhOf(Math.Max(0, _schedule.NetImportWh(slot))) * _car.ChargeEfficiency);
                foreach (var (slot, stored) in Cheapest(deficitKwh, ranking, request.Outlook.Uncertainty, headroom).Where(p => p.Slot < last))
                {
                    buys[slot - request.FirstSlot] = Curves.Step(stored / _car.ChargeEfficiency, request.Rules.MustBuyPrice(_strategy.WillingnessToPay, request.ReferencePrice(slot)));
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

    /// <summary>Stored energy the schedule adds in [from, to), kWh: net purchases at most charger power per slot, less net sales drawn by vehicle-to-grid.</summary>
    private double StoredBetween(int from, int to)
    {
        var total = 0.0;
        for (var slot = from; slot < to; slot++)
        {
            var netImportKwh = Energy.KwhOf(_schedule.NetImportWh(slot));
            total += netImportKwh >= 0 ? Math.Min(netImportKwh * _car.ChargeEfficiency, StoredPerSlotKwh) : netImportKwh / _car.DischargeEfficiency;
        }
        return total;
    }

    /// <summary>The day-ahead plan of the slots being auctioned, AC kWh per slot and the limit each leg is bid at.</summary>
    private sealed class EvPlan(int firstSlot, int slotCount)
    {
        public int FirstSlot => firstSlot;

        public int End => firstSlot + slotCount;

        /// <summary>Charging that departure needs, bid at <see cref="MarketRules.MustBuyPrice"/>.</summary>
        public double[] NeedKwh { get; } = new double[slotCount];

        /// <summary>Charging for a vehicle-to-grid cycle, bid at <see cref="CycleBuyPrice"/>.</summary>
        public double[] CycleChargeKwh { get; } = new double[slotCount];

        public decimal[] CycleBuyPrice { get; } = new decimal[slotCount];

        /// <summary>Vehicle-to-grid export, offered at <see cref="ExportPrice"/>.</summary>
        public double[] ExportKwh { get; } = new double[slotCount];

        public decimal[] ExportPrice { get; } = new decimal[slotCount];

        public bool Covers(int slot) => slot >= firstSlot && slot < End;

        public double ChargedKwh(int slot) => NeedKwh[slot - firstSlot] + CycleChargeKwh[slot - firstSlot];

        public bool Charges(int slot) => ChargedKwh(slot) > 0;

        /// <summary>The stored energy the slot's plan adds (negative: takes), kWh.</summary>
        public double StoredKwh(int slot, double chargeEfficiency, double dischargeEfficiency) =>
            ChargedKwh(slot) * chargeEfficiency - ExportKwh[slot - firstSlot] / dischargeEfficiency;
    }

    /// <summary>The car's stored energy at the start of <paramref name="slot"/>: as measured if charging already began, else as it arrives.</summary>
    private double EnergyAtStartOf(EvSession session, int slot) =>
        _nextSlot > session.ArrivalSlot ? _energyKwh + StoredBetween(_nextSlot, slot) : session.ArrivalEnergyKwh + StoredBetween(session.ArrivalSlot, slot);
}
