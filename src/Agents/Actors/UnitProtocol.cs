using MicroMarket.RunFormat;
using MicroMarket.Market;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;
using MicroMarket.Simulation.Decisions;

namespace MicroMarket.Agents.Actors;

/// <summary>A unit's answer to a phase message.</summary>
public interface IUnitReply
{
    long PhaseId { get; }

    string UnitId { get; }
}

/// <summary>What the market clock asks of a unit actor in each phase, and what the unit answers. Every exchange carries the phase's id.</summary>
public static class UnitProtocol
{
    public sealed record BidDayAhead(long PhaseId, DayAheadRequest Request);

    /// <summary>Intra-day bidding for an hour; the unit adds its own day-ahead positions from what it read back.</summary>
    public sealed record BidIntraday(long PhaseId, int Hour, int IssueSlot, int FirstSlot, int SlotCount, IReadOnlyList<decimal?> DayAheadPrices, PriceOutlook Outlook, MarketRules Rules);

    public sealed record ReadPositions(long PhaseId, MarketStage Stage, int FirstSlot, int SlotCount);

    public sealed record ProposeDelivery(long PhaseId, int Slot);

    public sealed record ApplyDelivery(long PhaseId, int Slot, double ActualPowerKw);

    /// <summary>The unit's bid and, unless it bid nothing, what its transaction does (the host has it signed by the unit).</summary>
    public sealed record Bid(long PhaseId, string UnitId, BidDecision Decision, SignedIntent? Transaction) : IUnitReply;

    public sealed record PositionsRead(long PhaseId, string UnitId, MarketStage Stage, int FirstSlot, IReadOnlyList<SlotPosition> Positions) : IUnitReply;

    public sealed record DeliveryProposed(long PhaseId, string UnitId, DeliveryRequest Schedule, DeliveryProposal Proposal) : IUnitReply;

    /// <param name="OwnReading">The reading a unit's own meter signed (a Pi); null for a simulated unit, whose meter the metering service signs.</param>
    public sealed record DeliveryApplied(long PhaseId, string UnitId, UnitSlotState State, SignedMeterReading? OwnReading) : IUnitReply;

    public sealed record UnitFailed(long PhaseId, string UnitId, string Reason) : IUnitReply;
}
