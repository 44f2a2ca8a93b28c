using Akka.Actor;
using MicroMarket.Agents.Decisions;
using MicroMarket.Agents.Simulation;
using MicroMarket.Market;
using MicroMarket.Market.Contracts;
using static MicroMarket.Agents.Actors.UnitProtocol;

namespace MicroMarket.Agents.Actors;

/// <summary>
/// One unit: routes the clock's phase messages to its agent (the decisions, Akka-free), signs with
/// its own keys, and reads its schedule and account back from the chain. Chain reads run as tasks
/// piped back to the actor, so its mailbox never blocks.
/// </summary>
public sealed class UnitActor : ReceiveActor
{
    private readonly IUnitAgent _agent;
    private readonly UnitIdentity _identity;
    private readonly MarketClient _market;
    private readonly Schedule _schedule = new();

    public UnitActor(IUnitAgent agent, UnitIdentity identity, MarketClient market)
    {
        _agent = agent;
        _identity = identity;
        _market = market;

        Receive<BidDayAhead>(OnBidDayAhead);
        Receive<BidIntraday>(OnBidIntraday);
        Receive<ReadPositions>(OnReadPositions);
        Receive<PositionsLoaded>(OnPositionsLoaded);
        Receive<ProposeDelivery>(m => Sender.Tell(Proposed(m)));
        Receive<ApplyDelivery>(OnApplyDelivery);
        Receive<ReadBalance>(OnReadBalance);
        Receive<ChainReadFailed>(m => m.ReplyTo.Tell(new UnitFailed(m.PhaseId, _identity.Id, m.Reason)));
    }

    public static Props Props(IUnitAgent agent, UnitIdentity identity, MarketClient market) =>
        Akka.Actor.Props.Create(() => new UnitActor(agent, identity, market));

    private void OnBidDayAhead(BidDayAhead m)
    {
        var decision = _agent.BidDayAhead(m.Request);
        var tx = decision.Orders.IsEmpty
            ? null
            : _market.SubmitDayAhead(_identity.Trader, _identity.Index, (uint)m.Request.Day, decision.Orders.Buys, decision.Orders.Sells);
        Sender.Tell(new Bid(m.PhaseId, _identity.Id, decision, tx));
    }

    private void OnBidIntraday(BidIntraday m)
    {
        var positions = Enumerable.Range(m.FirstSlot, m.SlotCount).Select(_schedule.DayAhead).ToList();
        var request = new IntradayRequest(m.Hour, m.IssueSlot, m.FirstSlot, m.SlotCount, positions, m.DayAheadPrices, m.Outlook, m.Rules);
        var decision = _agent.BidIntraday(request);
        var tx = decision.Orders.IsEmpty
            ? null
            : _market.SubmitIntraday(_identity.Trader, _identity.Index, (uint)m.Hour, decision.Orders.Buys, decision.Orders.Sells);
        Sender.Tell(new Bid(m.PhaseId, _identity.Id, decision, tx));
    }

    private void OnReadPositions(ReadPositions m)
    {
        var replyTo = Sender;
        _market.PositionsAsync(m.Stage, (uint)m.FirstSlot, (uint)m.SlotCount, _identity.Index).PipeTo(Self, Self,
            success: read => new PositionsLoaded(m, replyTo, read.BoughtWh.Zip(read.SoldWh, (b, s) => new SlotPosition((long)b, (long)s)).ToList()),
            failure: ex => new ChainReadFailed(m.PhaseId, replyTo, $"reading positions: {ex.Message}"));
    }

    private void OnPositionsLoaded(PositionsLoaded m)
    {
        _schedule.Learn(m.Request.Stage, m.Request.FirstSlot, m.Positions);
        _agent.OnPositions(m.Request.Stage, m.Request.FirstSlot, m.Positions);
        m.ReplyTo.Tell(new PositionsRead(m.Request.PhaseId, _identity.Id, m.Request.Stage, m.Request.FirstSlot, m.Positions));
    }

    private DeliveryProposed Proposed(ProposeDelivery m)
    {
        var schedule = new DeliveryRequest(m.Slot, _schedule.DayAhead(m.Slot), _schedule.Intraday(m.Slot));
        return new DeliveryProposed(m.PhaseId, _identity.Id, schedule, _agent.ProposeDelivery(schedule));
    }

    private void OnApplyDelivery(ApplyDelivery m)
    {
        var state = _agent.ApplyDelivery(m.Slot, m.ActualPowerKw);
        // The meter signs its own reading with its own key; anyone may relay it.
        var reading = _market.ReadingSigner.Sign(_identity.Meter, _identity.Index, (uint)m.Slot, (ulong)m.ImportWh, (ulong)m.ExportWh);
        Sender.Tell(new DeliveryApplied(m.PhaseId, _identity.Id, state, reading));
    }

    private void OnReadBalance(ReadBalance m)
    {
        var replyTo = Sender;
        var phaseId = m.PhaseId;
        var id = _identity.Id;
        _market.AccountAsync(_identity.Index).PipeTo(replyTo, Self,
            success: a => new BalanceRead(phaseId, id, Money.TokensFromNano(a.BalanceNano), Money.TokensFromNano(a.LockedNano), Money.TokensFromNano(a.DebtNano)),
            failure: ex => new UnitFailed(phaseId, id, $"reading the account: {ex.Message}"));
    }

    private sealed record PositionsLoaded(ReadPositions Request, IActorRef ReplyTo, IReadOnlyList<SlotPosition> Positions);

    private sealed record ChainReadFailed(long PhaseId, IActorRef ReplyTo, string Reason);
}
