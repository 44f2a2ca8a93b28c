using MicroMarket.Market;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Model;
using MicroMarket.Simulation.Decisions;

namespace MicroMarket.Simulation.Decisions.Units;

/// <summary>
/// A unit that takes the market as it comes: a PV system or wind turbine selling its forecast
/// generation at its price (about zero), or a household buying its forecast demand at its
/// reservation price. Intra-day it trades its forecast update: more than scheduled is sold (a
/// producer at its price, a consumer selling back at the long imbalance price it would get anyway),
/// less than scheduled is bought (a consumer at its reservation price, a producer buying back its
/// shortfall up to the short imbalance price it would pay anyway).
/// </summary>
public sealed class PriceTakerAgent(
    UnitSpec spec,
    UnitKind kind,
    ExogenousSeries series,
    bool producer,
    decimal price,
    long ratingWhPerSlot,
    double powerFactor,
    double slotHours) : IUnitAgent, IPublicNetForecast
{
    public UnitSpec Spec { get; } = spec;

    public UnitKind Kind { get; } = kind;

    public long RatingWhPerSlot { get; } = ratingWhPerSlot;

    public double PowerFactor { get; } = powerFactor;

    /// <summary>Net export of the uncontrollable series, kW (producers positive, consumers negative).</summary>
    private double Sign => producer ? 1.0 : -1.0;

    public BidDecision BidDayAhead(DayAheadRequest request)
    {
        var forecast = series.Forecast(request.IssueSlot, request.FirstSlot, request.SlotCount);
        var buys = new List<Market.Orders.OrderCurve>();
        var sells = new List<Market.Orders.OrderCurve>();
        foreach (var kw in forecast)
        {
            var kwh = kw * slotHours;
            buys.Add(producer ? Market.Orders.OrderCurve.Empty : Curves.Step(kwh, request.Rules.Clamp(price)));
            sells.Add(producer ? Curves.Step(kwh, request.Rules.Clamp(price)) : Market.Orders.OrderCurve.Empty);
        }
        return new BidDecision(new SlotOrders(request.FirstSlot, buys, sells), forecast.Select(kw => Sign * kw * slotHours).ToList());
    }

    public BidDecision BidIntraday(IntradayRequest request)
    {
        var forecast = series.Forecast(request.IssueSlot, request.FirstSlot, request.SlotCount);
        var orders = Curves.Corrections(request, [.. forecast.Select(kw => Energy.FromKwh(Sign * kw * slotHours).Wh)],
            sellPrice: slot => producer ? price : request.Rules.LongPrice(request.ReferencePrice(slot)),
            buyPrice: slot => producer ? request.Rules.ShortPrice(request.ReferencePrice(slot)) : price);
        return new BidDecision(orders, forecast.Select(kw => Sign * kw * slotHours).ToList());
    }

    /// <summary>
    /// The net export it expects in slots [first, first + count) as forecast at <paramref name="issueSlot"/>, kW:
    /// what it bids there, so public once its orders are (the market's merit-order estimate reads it).
    /// </summary>
    public IEnumerable<double> ExpectedNetExportKw(int issueSlot, int first, int count) =>
        series.Forecast(issueSlot, first, count).Select(kw => Sign * kw);

    public DeliveryProposal ProposeDelivery(DeliveryRequest request) =>
        DeliveryProposal.At(Sign * series.ActualKw(request.Slot), PowerFactor);

    public void OnPositions(MarketStage stage, int firstSlot, IReadOnlyList<SlotPosition> positions)
    {
        // A price taker plans nothing ahead: each request carries the positions it needs.
    }

    public UnitSlotState ApplyDelivery(int slot, double actualPowerKw)
    {
        // Whatever the balance took away was curtailed (a producer) or not served (a consumer).
        var missingKwh = Math.Abs(Sign * series.ActualKw(slot) - actualPowerKw) * slotHours;
        return producer ? new UnitSlotState(CurtailedKwh: missingKwh) : new UnitSlotState(NotServedKwh: missingKwh);
    }
}
