using MicroMarket.Scenarios.Model;

namespace MicroMarket.Simulation.Decisions;

/// <summary>
/// The decisions of one unit, free of actors and of the chain: what it bids day-ahead and intra-day,
/// what it does in each slot, and how its state moves with what really flowed. Deterministic for a
/// scenario seed: all randomness is seeded per unit and read by slot, never by call order.
/// </summary>
public interface IUnitAgent
{
    UnitSpec Spec { get; }

    /// <summary>The unit's kind in the contract's registry.</summary>
    MicroMarket.Market.UnitKind MarketKind { get; }

    /// <summary>
    /// Whether the unit is the market's balance-responsible party: the island's slack or the upstream
    /// supplier. It carries the system's balance, pays no imbalance and is every imbalance's counterparty.
    /// </summary>
    bool IsBalanceResponsible => MarketKind is MicroMarket.Market.UnitKind.Slack or MicroMarket.Market.UnitKind.Grid;

    /// <summary>The meter's limit per slot, Wh: the largest import or export the unit can physically meter.</summary>
    long RatingWhPerSlot { get; }

    /// <summary>Power factor of the unit's reactive consumption or production.</summary>
    double PowerFactor { get; }

    BidDecision BidDayAhead(DayAheadRequest request);

    BidDecision BidIntraday(IntradayRequest request);

    DeliveryProposal ProposeDelivery(DeliveryRequest request);

    /// <summary>
    /// Learns the unit's positions as read back from the chain after a clearing (planning units
    /// use them to know what they have already bought or sold).
    /// </summary>
    void OnPositions(MicroMarket.Market.MarketStage stage, int firstSlot, IReadOnlyList<SlotPosition> positions);

    /// <summary>Applies what really flowed in the slot (the balance may have curtailed or shed the proposal), kW generator convention.</summary>
    UnitSlotState ApplyDelivery(int slot, double actualPowerKw);
}
