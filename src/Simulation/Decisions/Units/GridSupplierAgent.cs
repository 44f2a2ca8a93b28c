using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Model;
using MicroMarket.Simulation.Decisions;

namespace MicroMarket.Simulation.Decisions.Units;

/// <summary>
/// The upstream supplier behind the transformer in a grid-connected scenario, and its
/// balance-responsible party: in every slot of both auctions it sells up to the capacity at the
/// slot's retail price plus the grid fee and buys up to the capacity at the slot's feed-in tariff
/// (<paramref name="tariff"/>, <see cref="GridConnectedMode.PricesAt"/>), so local trades clear between
/// the two. Physically it takes whatever the feeder imports or exports.
/// </summary>
public sealed class GridSupplierAgent(UnitSpec spec, Func<int, SupplierPrices> tariff, double capacityKw, long ratingWhPerSlot, TimeSpan slotLength) : IUnitAgent
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
        var prices = Enumerable.Range(firstSlot, count).Select(tariff).ToList();
        return new BidDecision(
            new SlotOrders(firstSlot,
                prices.Select(p => Curves.Step(_capacityKwh, rules.Clamp(p.Export))).ToList(),
                prices.Select(p => Curves.Step(_capacityKwh, rules.Clamp(p.Import))).ToList()),
            new double[count]);
    }
}
