using MicroMarket.RunFormat;
using Akka.Actor;
using MicroMarket.Simulation.Decisions;
using MicroMarket.Simulation.Recording;
using MicroMarket.Market;
using static MicroMarket.Agents.Actors.UnitProtocol;

namespace MicroMarket.Agents.Actors;

/// <summary>
/// Bidding: every unit decides its orders (its agent, with its forecasts), the submissions go into
/// one batch in registry order, signed by each unit's own trading key, mined at the phase's time.
/// A submission the contract refuses (a unit in debt, suspended, short of collateral) is recorded
/// as reverted: that unit has no orders in the period, and the market goes on.
/// </summary>
public abstract class BiddingRound(long phaseId, RoundContext round, IActorRef clock, MarketStage stage, int period, int firstSlot, int slotCount, long time)
    : RoundActor(phaseId, round, clock)
{
    /// <summary>The day (day-ahead) or hour (intra-day) being bid for.</summary>
    protected int Period => period;

    /// <summary>The slot the bids are issued in (forecast horizons count from its start).</summary>
    protected int IssueSlot => Round.Calendar.SlotAt(time);

    protected abstract object BidMessage(UnitHandle unit);

    protected override void Begin() => AskUnits<Bid>(BidMessage, bids =>
    {
        var submitting = bids.Where(b => b.Transaction is not null).ToList();
        var requests = submitting.Select(b => b.Transaction!.ToRequest()).ToList();
        Execute($"{RunTables.Stage(stage)} orders, period {period}", requests, time, outcomes =>
        {
            // The order book holds what the contract accepted: a refused submission's orders never entered it.
            var refused = submitting.Zip(outcomes).Where(p => !p.Second.Succeeded).Select(p => p.First.UnitId).ToHashSet();
            Round.Recorder.Tell(new RunEvents.Bids(stage, firstSlot, bids.Where(b => !refused.Contains(b.UnitId)).Select(b => (b.UnitId, b.Decision)).ToList()));
            var purpose = stage == MarketStage.DayAhead ? TransactionPurpose.DayAheadOrders : TransactionPurpose.IntradayOrders;
            Round.Recorder.Tell(new RunEvents.Transactions(purpose, period,
                submitting.Zip(outcomes, (b, o) => new RunEvents.TxRecord(b.UnitId, firstSlot, slotCount, o)).ToList()));
            Complete();
        }, revertsAllowed: true);
    });
}

/// <summary>Day-ahead bidding for a delivery day, shortly before its gate.</summary>
public sealed class DayAheadBiddingRound(long phaseId, RoundContext round, IActorRef clock, int day, PriceOutlook outlook, long time)
    : BiddingRound(phaseId, round, clock, MarketStage.DayAhead, day, day * round.Calendar.SlotsPerDay, round.Calendar.SlotsPerDay, time)
{
    protected override object BidMessage(UnitHandle unit) => new BidDayAhead(PhaseId, new DayAheadRequest(
        Period, IssueSlot, Period * Round.Calendar.SlotsPerDay, Round.Calendar.SlotsPerDay, outlook, Round.Rules));
}

/// <summary>Intra-day bidding for a delivery hour, shortly before its gate.</summary>
public sealed class IntradayBiddingRound(long phaseId, RoundContext round, IActorRef clock, int hour, IReadOnlyList<decimal?> dayAheadPrices, PriceOutlook outlook, long time)
    : BiddingRound(phaseId, round, clock, MarketStage.Intraday, hour, hour * round.Calendar.SlotsPerHour, round.Calendar.SlotsPerHour, time)
{
    protected override object BidMessage(UnitHandle unit) => new BidIntraday(
        PhaseId, Period, IssueSlot, Period * Round.Calendar.SlotsPerHour, Round.Calendar.SlotsPerHour, dayAheadPrices, outlook, Round.Rules);
}
