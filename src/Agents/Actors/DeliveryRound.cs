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
/// slot on chain; every unit reads its account back.
/// </summary>
public sealed class DeliveryRound(long phaseId, RoundContext round, IActorRef clock, int slot, long time) : RoundActor(phaseId, round, clock)
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
        AskUnits<DeliveryApplied>(u =>
        {
            var flow = flows[u.Identity.Id];
            return new ApplyDelivery(PhaseId, slot, flow.ActualPowerKw, flow.ImportWh, flow.ExportWh);
        }, applied =>
        {
            Round.Recorder.Tell(new RecorderProtocol.Delivered(slot, solved.Physics, proposals.Zip(applied, (p, a) =>
                new RecorderProtocol.UnitDelivered(p.UnitId, p.Schedule, p.Proposal, flows[p.UnitId], a.State)).ToList()));
            Report(applied);
        });
    }

    /// <summary>
    /// Readings and settlement go in one batch, readings first: a block executes its transactions in
    /// order, so the settlement sees every reading of the slot, and the slot costs one block.
    /// </summary>
    private void Report(IReadOnlyList<DeliveryApplied> applied)
    {
        var readings = applied.Chunk(RoundContext.UnitsPerMeteringTransaction)
            .Select(chunk => Round.Market.ReportReadings(Round.Operator, chunk.Select(a => a.Reading).ToList())).ToList();
        var settlements = Round.Units.Chunk(RoundContext.UnitsPerMeteringTransaction)
            .Select(chunk => Round.Market.Settle(Round.Operator, (uint)slot, chunk.Select(u => u.Identity.Index).ToList())).ToList();
        Execute($"readings and settlement of slot {slot}", [.. readings, .. settlements], time, outcomes =>
        {
            Round.Recorder.Tell(new RecorderProtocol.Transactions(TransactionPurpose.Readings, slot,
                outcomes.Take(readings.Count).Select(o => new RecorderProtocol.TxRecord(null, slot, 1, o)).ToList()));
            Round.Recorder.Tell(new RecorderProtocol.Transactions(TransactionPurpose.Settlement, slot,
                outcomes.Skip(readings.Count).Select(o => new RecorderProtocol.TxRecord(null, slot, 1, o)).ToList()));
            var byIndex = Round.Units.ToDictionary(u => u.Identity.Index, u => u.Identity.Id);
            var debts = outcomes.Skip(readings.Count).SelectMany(o => o.Events<DebtIncurredEventDTO>()).ToDictionary(e => e.Unit, e => (long)e.DebtNano);
            var settled = outcomes.Skip(readings.Count).SelectMany(o => o.Events<SettledEventDTO>())
                .Select(e => new RecorderProtocol.UnitSettled(byIndex[e.Unit], (long)e.TradeNano, (long)e.ImbalanceNano, debts.GetValueOrDefault(e.Unit), (long)e.DeviationWh, e.ReadingMissing)).ToList();
            Query("reading imbalance prices", () => Round.Market.QueryAsync<ImbalancePricesFunction, ImbalancePricesOutputDTO>(new() { Slot = (uint)slot }), prices =>
            {
                Round.Recorder.Tell(new RecorderProtocol.Settled(slot, Money.PriceTokens((uint)prices.ShortPrice), Money.PriceTokens((uint)prices.LongPrice), settled));
                AskUnits<BalanceRead>(u => new ReadBalance(PhaseId, slot), balances =>
                {
                    Round.Recorder.Tell(new RecorderProtocol.Balances(slot, balances));
                    Complete();
                });
            });
        });
    }
}
