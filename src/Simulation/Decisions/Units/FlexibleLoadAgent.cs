using MicroMarket.Market;
using MicroMarket.Grid.Units;
using MicroMarket.Market.Orders;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Model;
using MicroMarket.Simulation.Decisions;

namespace MicroMarket.Simulation.Decisions.Units;

/// <summary>
/// A shiftable daily job (a dishwasher cycle, a water heater).
/// <list type="bullet">
/// <item>Day-ahead: places the job's energy in the window slots that are cheapest on the shared
/// outlook, at full power, and bids that schedule (<see cref="MarketRules.MustBuyPrice"/>). Slots about equally
/// cheap are ranked by the owner's preferred start and a draw of its own (<see cref="TieBreaker"/>),
/// so identical jobs spread instead of piling into one slot.</item>
/// <item>Intra-day: buys any shortfall in the hour's window slots; when offering demand response and
/// the rest of the window can still finish the job, offers to give up the hour's scheduled
/// consumption at the day-ahead price plus its premium.</item>
/// <item>Delivery: consumes its scheduled net purchase, clipped to [what must run now to finish in
/// time, its power limit] by the job model; energy short at the window's end is reported as unmet.</item>
/// </list>
/// </summary>
public sealed class FlexibleLoadAgent(FlexibleLoadUnit spec, IReadOnlyList<FlexibleLoad> jobs, FlexibleShiftStrategy strategy, TieBreaker ties, long ratingWhPerSlot, TimeSpan slotLength)
    : IUnitAgent
{
    private readonly Schedule _schedule = new();
    private readonly double _hours = slotLength.TotalHours;
    private readonly Dictionary<FlexibleLoad, double> _delivered = [];

    public UnitSpec Spec => spec;

    public UnitKind Kind => UnitKind.FlexibleLoad;

    public long RatingWhPerSlot => ratingWhPerSlot;

    public double PowerFactor => 1.0;

    public BidDecision BidDayAhead(DayAheadRequest request)
    {
        var planned = new double[request.SlotCount];
        var end = request.FirstSlot + request.SlotCount;
        foreach (var job in jobs.Where(j => j.WindowStartSlot < end && j.WindowEndSlot > request.FirstSlot))
        {
            // The energy not yet bought goes to the cheapest window slots at full power; slots past
            // this day count for the split but are bought in the next day's auction.
            var remaining = job.EnergyKwh - ScheduledKwh(job, job.WindowStartSlot, request.FirstSlot);
            var window = (double)(job.WindowEndSlot - job.WindowStartSlot);
            var candidates = Enumerable.Range(Math.Max(job.WindowStartSlot, request.FirstSlot), job.WindowEndSlot - Math.Max(job.WindowStartSlot, request.FirstSlot))
                .OrderBy(slot => ties.RankingPrice(request.Outlook, slot, Math.Abs(slot - job.PreferredStartSlot) / window)).ThenBy(slot => slot);
            foreach (var slot in candidates)
            {
                if (remaining <= 1e-9)
                {
                    break;
                }
                var kwh = Math.Min(remaining, job.MaxPowerKw * _hours);
                remaining -= kwh;
                if (slot < end)
                {
                    planned[slot - request.FirstSlot] += kwh;
                }
            }
        }
        var buys = planned.Select((kwh, i) => Curves.Step(kwh, request.Rules.MustBuyPrice(strategy.WillingnessToPay, request.Outlook.At(request.FirstSlot + i)))).ToList();
        return new BidDecision(
            new SlotOrders(request.FirstSlot, buys, Enumerable.Repeat(OrderCurve.Empty, request.SlotCount).ToList()),
            planned.Select(kwh => -kwh).ToList());
    }

    public BidDecision BidIntraday(IntradayRequest request)
    {
        var buys = Enumerable.Repeat(OrderCurve.Empty, request.SlotCount).ToArray();
        var sells = Enumerable.Repeat(OrderCurve.Empty, request.SlotCount).ToArray();
        var last = request.FirstSlot + request.SlotCount;
        foreach (var job in jobs.Where(j => j.WindowStartSlot < last && j.WindowEndSlot > request.FirstSlot))
        {
            var deficitKwh = job.EnergyKwh - _delivered.GetValueOrDefault(job) - ScheduledKwh(job, Math.Max(job.WindowStartSlot, NextSlot), job.WindowEndSlot);
            var inWindow = Enumerable.Range(request.FirstSlot, request.SlotCount).Where(s => s >= job.WindowStartSlot && s < job.WindowEndSlot).ToList();
            if (deficitKwh > 1e-6)
            {
                foreach (var slot in inWindow)
                {
                    var headroom = Math.Max(0, job.MaxPowerKw * _hours - Energy.KwhOf(Math.Max(0, _schedule.NetImportWh(slot))));
                    var kwh = Math.Min(deficitKwh, headroom);
                    deficitKwh -= kwh;
                    buys[slot - request.FirstSlot] = Curves.Step(kwh, request.Rules.MustBuyPrice(strategy.WillingnessToPay, request.ReferencePrice(slot)));
                }
            }
            else if (strategy.OfferDemandResponse)
            {
                var spareLaterKwh = Enumerable.Range(last, Math.Max(0, job.WindowEndSlot - last))
                    .Sum(s => Math.Max(0, job.MaxPowerKw * _hours - Energy.KwhOf(Math.Max(0, _schedule.NetImportWh(s)))));
                var canGiveUpKwh = -deficitKwh + spareLaterKwh;
                foreach (var slot in inWindow)
                {
                    var offered = Math.Min(Energy.KwhOf(Math.Max(0, _schedule.NetImportWh(slot))), canGiveUpKwh);
                    canGiveUpKwh -= offered;
                    sells[slot - request.FirstSlot] = Curves.Step(offered, request.Rules.Clamp(request.ReferencePrice(slot) + strategy.DemandResponsePremium));
                }
            }
        }
        return new BidDecision(new SlotOrders(request.FirstSlot, buys, sells), new double[request.SlotCount]);
    }

    public void OnPositions(MarketStage stage, int firstSlot, IReadOnlyList<SlotPosition> positions) =>
        _schedule.Learn(stage, firstSlot, positions);

    public DeliveryProposal ProposeDelivery(DeliveryRequest request)
    {
        if (JobAt(request.Slot) is not { } job)
        {
            return DeliveryProposal.At(0);
        }
        var requestedDemandKw = Math.Max(0, Energy.KwhOf(-request.ScheduledNetExportWh) / _hours);
        return DeliveryProposal.At(-job.Apply(request.Slot, _delivered.GetValueOrDefault(job), requestedDemandKw).ActualDemandKw);
    }

    public UnitSlotState ApplyDelivery(int slot, double actualPowerKw)
    {
        NextSlot = slot + 1;
        if (JobAt(slot) is not { } job)
        {
            return new UnitSlotState();
        }
        var delivered = _delivered.GetValueOrDefault(job) + Math.Max(0, -actualPowerKw) * _hours;
        _delivered[job] = delivered;
        var unmet = slot == job.WindowEndSlot - 1 ? Math.Max(0, job.EnergyKwh - delivered) : 0;
        return new UnitSlotState(UnmetEnergyKwh: unmet);
    }

    private int NextSlot { get; set; }

    private FlexibleLoad? JobAt(int slot) => jobs.FirstOrDefault(j => slot >= j.WindowStartSlot && slot < j.WindowEndSlot);

    /// <summary>Net energy scheduled (bought) for the job in [from, to), kWh.</summary>
    private double ScheduledKwh(FlexibleLoad job, int from, int to) =>
        Enumerable.Range(from, Math.Max(0, to - from)).Where(s => s >= job.WindowStartSlot && s < job.WindowEndSlot)
            .Sum(s => Energy.KwhOf(Math.Max(0, _schedule.NetImportWh(s))));
}
