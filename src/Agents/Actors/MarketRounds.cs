using MicroMarket.RunFormat;
using Akka.Actor;
using MicroMarket.Market;
using MicroMarket.Simulation;
using MicroMarket.Simulation.Decisions;
using MicroMarket.Simulation.Running;

namespace MicroMarket.Agents.Actors;

/// <summary>
/// A phase's round as the clock orders it: the phase, the units present, and what the clock
/// remembers for it: the price outlook (bidding), the hour's day-ahead prices (intra-day bidding),
/// the settlements whose reading window has closed (delivery, final settlement).
/// </summary>
public sealed record RoundOrder(long PhaseId, SimulationPhase Phase, IReadOnlyList<UnitHandle> Units)
{
    public PriceOutlook? Outlook { get; init; }

    public IReadOnlyList<decimal?> DayAheadPrices { get; init; } = [];

    public IReadOnlyList<PendingSettlement> Overdue { get; init; } = [];
}

/// <summary>
/// The market's round for each kind of phase, over the market's context. The clock asks for one per
/// phase; its specs hand it stand-ins instead, so that the clock is tested without a chain.
/// </summary>
public sealed class MarketRounds(RoundContext context)
{
    public Props For(RoundOrder order, IActorRef clock)
    {
        var c = context.Calendar;
        var round = context with { Units = order.Units };
        var (id, phase) = (order.PhaseId, order.Phase);
        var (outlook, dayAheadPrices, overdue) = (order.Outlook, order.DayAheadPrices, order.Overdue);
        return phase.Kind switch
        {
            PhaseKind.DayAheadBidding => Props.Create(() => new DayAheadBiddingRound(id, round, clock, phase.Period, outlook!, phase.UnixTime)),
            PhaseKind.DayAheadClearing => Props.Create(() => new ClearingRound(id, round, clock, MarketStage.DayAhead, phase.Period, phase.Period * c.SlotsPerDay, c.SlotsPerDay, phase.UnixTime)),
            PhaseKind.IntradayBidding => Props.Create(() => new IntradayBiddingRound(id, round, clock, phase.Period, dayAheadPrices, outlook!, phase.UnixTime)),
            PhaseKind.IntradayClearing => Props.Create(() => new ClearingRound(id, round, clock, MarketStage.Intraday, phase.Period, phase.Period * c.SlotsPerHour, c.SlotsPerHour, phase.UnixTime)),
            PhaseKind.Delivery => Props.Create(() => new DeliveryRound(id, round, clock, phase.Period, phase.UnixTime, overdue)),
            _ => Props.Create(() => new FinalSettlementRound(id, round, clock, phase.UnixTime, overdue)),
        };
    }
}
