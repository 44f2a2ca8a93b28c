using Akka.Actor;
using MicroMarket.Agents.Recording;
using MicroMarket.Agents.Simulation;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts.MicroMarketDefinition;
using static MicroMarket.Agents.Actors.UnitProtocol;

namespace MicroMarket.Agents.Actors;

/// <summary>
/// A slot has ended. Every unit proposes its power from its schedule and its real conditions; the
/// grid operator solves the feeder (the slack balancing in island mode); every unit applies what
/// really flowed and its meter signs the reading; the operator relays the readings and settles the
/// slot on chain; every unit reads its account back. A unit that did not deliver (absent: its node
/// is down) has no reading; it is settled when the slot's reading window has closed, that is in the
/// next slot's round (<paramref name="overdue"/>), as metered nothing.
/// </summary>
public sealed class DeliveryRound(long phaseId, RoundContext round, IActorRef clock, int slot, long time, IReadOnlyList<PendingSettlement> overdue)
    : RoundActor(phaseId, round, clock)
{
    protected override void Begin() =>
        AskUnits<DeliveryProposed>(u => new ProposeDelivery(PhaseId, slot), proposals =>
        {
            var deliveries = proposals.Select(p => new GridProtocol.UnitDelivery(p.UnitId, Round.Unit(p.UnitId).Identity, p.Proposal)).ToList();
            Become(() =>
            {
                Receive<GridProtocol.SlotSolved>(s => s.PhaseId == PhaseId, s => Apply(proposals, s));
                Receive<GridProtocol.SolveFailed>(f => f.PhaseId == PhaseId, f => Fail($"slot {slot}: {f.Reason}"));
            });
            Round.GridOperator.Tell(new GridProtocol.SolveSlot(PhaseId, slot, deliveries));
        });

    private void Apply(IReadOnlyList<DeliveryProposed> proposals, GridProtocol.SlotSolved solved)
    {
        var flows = solved.Flows.ToDictionary(f => f.UnitId);
        var proposed = proposals.Select(p => p.UnitId).ToHashSet();
        AskUnits(Round.Units.Where(u => proposed.Contains(u.Identity.Id)).ToList(), u =>
        {
            var flow = flows[u.Identity.Id];
            return new ApplyDelivery(PhaseId, slot, flow.ActualPowerKw, flow.ImportWh, flow.ExportWh);
        }, (IReadOnlyList<DeliveryApplied> applied) =>
        {
            var byId = proposals.ToDictionary(p => p.UnitId);
            Round.Recorder.Tell(new RecorderProtocol.Delivered(slot, solved.Physics, applied.Select(a =>
                new RecorderProtocol.UnitDelivered(a.UnitId, byId[a.UnitId].Schedule, byId[a.UnitId].Proposal, flows[a.UnitId], a.State)).ToList()));
            Report(applied);
        });
    }

    /// <summary>
    /// Readings and settlement go in one batch, readings first: a block executes its transactions in
    /// order, so the settlement sees every reading of the slot, and the slot costs one block.
    /// </summary>
    private void Report(IReadOnlyList<DeliveryApplied> applied)
    {
        var reported = applied.Select(a => Round.Unit(a.UnitId).Identity).ToList();
        var unsettled = Round.AllUnits.Where(u => reported.All(r => r.Id != u.Id))
            .Select(u => new PendingSettlement(slot, u.Index, u.Id)).ToList();
        var readings = applied.Chunk(RoundContext.UnitsPerMeteringTransaction)
            .Select(chunk => Round.Market.ReportReadings(Round.Operator, chunk.Select(a => a.Reading).ToList())).ToList();
        var settlements = Settlements(slot, reported.Select(r => r.Index).ToList())
            .Concat(overdue.GroupBy(o => o.Slot).SelectMany(g => Settlements(g.Key, g.Select(o => o.UnitIndex).ToList()))).ToList();
        Execute($"readings and settlement of slot {slot}", [.. readings, .. settlements.Select(s => s.Request)], time, outcomes =>
        {
            Round.Recorder.Tell(new RecorderProtocol.Transactions(TransactionPurpose.Readings, slot,
                outcomes.Take(readings.Count).Select(o => new RecorderProtocol.TxRecord(null, slot, 1, o)).ToList()));
            var settled = outcomes.Skip(readings.Count).Zip(settlements, (o, s) => (Outcome: o, s.Slot)).ToList();
            Round.Recorder.Tell(new RecorderProtocol.Transactions(TransactionPurpose.Settlement, slot,
                settled.Select(s => new RecorderProtocol.TxRecord(null, s.Slot, 1, s.Outcome)).ToList()));
            RecordSettlements(settled, () => AskUnits<BalanceRead>(u => new ReadBalance(PhaseId, slot), balances =>
            {
                Round.Recorder.Tell(new RecorderProtocol.Balances(slot, balances));
                Complete(unsettled: unsettled);
            }));
        });
    }

    private IEnumerable<(int Slot, TxRequest Request)> Settlements(int settledSlot, IReadOnlyList<uint> units) =>
        units.Chunk(RoundContext.UnitsPerMeteringTransaction).Select(chunk => (settledSlot, Round.Market.Settle(Round.Operator, (uint)settledSlot, chunk)));

    /// <summary>Decodes the Settled and DebtIncurred events per settled slot and records them with the slot's imbalance prices.</summary>
    private void RecordSettlements(IReadOnlyList<(TxOutcome Outcome, int Slot)> settled, Action then)
    {
        var bySlot = settled.GroupBy(s => s.Slot).OrderBy(g => g.Key).ToList();
        var byIndex = Round.AllUnits.ToDictionary(u => u.Index, u => u.Id);
        Query("reading imbalance prices", () => Task.WhenAll(bySlot.Select(g =>
            Round.Market.QueryAsync<ImbalancePricesFunction, ImbalancePricesOutputDTO>(new() { Slot = (uint)g.Key }))), prices =>
        {
            foreach (var (group, price) in bySlot.Zip(prices))
            {
                var outcomes = group.Select(g => g.Outcome).ToList();
                var debts = outcomes.SelectMany(o => o.Events<DebtIncurredEventDTO>()).ToDictionary(e => e.Unit, e => (long)e.DebtNano);
                var units = outcomes.SelectMany(o => o.Events<SettledEventDTO>())
                    .Select(e => new RecorderProtocol.UnitSettled(byIndex[e.Unit], (long)e.TradeNano, (long)e.ImbalanceNano, debts.GetValueOrDefault(e.Unit), (long)e.DeviationWh, e.ReadingMissing)).ToList();
                Round.Recorder.Tell(new RecorderProtocol.Settled(group.Key, Money.PriceTokens((uint)price.ShortPrice), Money.PriceTokens((uint)price.LongPrice), units));
            }
            then();
        });
    }
}

/// <summary>After the last slot's reading window: the units whose last readings never came are settled, as metered nothing.</summary>
public sealed class FinalSettlementRound(long phaseId, RoundContext round, IActorRef clock, long time, IReadOnlyList<PendingSettlement> overdue)
    : RoundActor(phaseId, round, clock)
{
    protected override void Begin()
    {
        if (overdue.Count == 0)
        {
            Complete();
            return;
        }
        var settlements = overdue.GroupBy(o => o.Slot).SelectMany(g => g.Select(o => o.UnitIndex).Chunk(RoundContext.UnitsPerMeteringTransaction)
            .Select(chunk => (Slot: g.Key, Request: Round.Market.Settle(Round.Operator, (uint)g.Key, chunk)))).ToList();
        Execute("final settlement", settlements.Select(s => s.Request).ToList(), time, outcomes =>
        {
            Round.Recorder.Tell(new RecorderProtocol.Transactions(TransactionPurpose.Settlement, overdue[0].Slot,
                outcomes.Zip(settlements, (o, s) => new RecorderProtocol.TxRecord(null, s.Slot, 1, o)).ToList()));
            var byIndex = Round.AllUnits.ToDictionary(u => u.Index, u => u.Id);
            foreach (var group in outcomes.Zip(settlements).GroupBy(p => p.Second.Slot))
            {
                var units = group.SelectMany(p => p.First.Events<SettledEventDTO>())
                    .Select(e => new RecorderProtocol.UnitSettled(byIndex[e.Unit], (long)e.TradeNano, (long)e.ImbalanceNano, 0, (long)e.DeviationWh, e.ReadingMissing)).ToList();
                Round.Recorder.Tell(new RecorderProtocol.Settled(group.Key, 0, 0, units));
            }
            Complete();
        });
    }
}
