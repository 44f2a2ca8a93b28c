using MicroMarket.RunFormat;
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

    /// <summary>The unit's kind: its entry in the contract's registry and its rows in the run directory.</summary>
    UnitKind Kind { get; }

    /// <summary>Whether the unit is the market's balance-responsible party (<see cref="UnitKinds.IsBalanceResponsible"/>).</summary>
    bool IsBalanceResponsible => UnitKinds.IsBalanceResponsible(Kind);

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
    void OnPositions(MarketStage stage, int firstSlot, IReadOnlyList<SlotPosition> positions);

    /// <summary>Applies what really flowed in the slot (the balance may have curtailed or shed the proposal), kW generator convention.</summary>
    UnitSlotState ApplyDelivery(int slot, double actualPowerKw);
}
