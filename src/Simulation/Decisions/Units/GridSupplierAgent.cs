using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Model;
using MicroMarket.Simulation.Decisions;

namespace MicroMarket.Simulation.Decisions.Units;

/// <summary>
/// The upstream supplier behind the transformer in a grid-connected scenario, and its
/// balance-responsible party: in every slot of both auctions it sells up to the capacity at the
/// retail price and buys up to the capacity at the feed-in tariff, so local trades clear between
/// the two. Physically it takes whatever the feeder imports or exports.
/// </summary>
public sealed class GridSupplierAgent(UnitSpec spec, GridConnectedMode mode, double capacityKw, long ratingWhPerSlot, TimeSpan slotLength) : IUnitAgent
{
    private readonly double _capacityKwh = capacityKw * slotLength.TotalHours;

    public UnitSpec Spec => spec;

    public UnitKind Kind => UnitKind.Grid;

    public long RatingWhPerSlot => ratingWhPerSlot;

    public double PowerFactor => 1.0;

    public BidDecision BidDayAhead(DayAheadRequest request) => Tariffs(request.FirstSlot, request.SlotCount, request.Rules);

    public BidDecision BidIntraday(IntradayRequest request) => Tariffs(request.FirstSlot, request.SlotCount, request.Rules);

    public void OnPositions(MarketStage stage, int firstSlot, IReadOnlyList<SlotPosition> positions)
    {
        // The supplier's tariffs do not depend on what it has traded.
    }

    public DeliveryProposal ProposeDelivery(DeliveryRequest request) => new(DeliveryRole.UpstreamGrid, 0, PowerFactor);

    public UnitSlotState ApplyDelivery(int slot, double actualPowerKw) => new();

    private BidDecision Tariffs(int firstSlot, int count, MarketRules rules)
    {
        var buy = Curves.Step(_capacityKwh, rules.Clamp(mode.FeedInPrice));
        var sell = Curves.Step(_capacityKwh, rules.Clamp(mode.RetailPrice));
        return new BidDecision(
            new SlotOrders(firstSlot, Enumerable.Repeat(buy, count).ToList(), Enumerable.Repeat(sell, count).ToList()),
            new double[count]);
    }
}
