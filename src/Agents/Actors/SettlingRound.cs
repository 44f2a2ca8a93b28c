using MicroMarket.Market;
using Akka.Actor;
using MicroMarket.Simulation.Recording;
using MicroMarket.Simulation;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts.MicroMarketDefinition;
using MicroMarket.Market.Settlement;

namespace MicroMarket.Agents.Actors;

/// <summary>
/// The run's one settlement path, for the delivery rounds and the final settlement: the settle
/// transactions in chunks, then what the chain says was settled (every unit's Settled event, found
/// in the batch's receipts or, when someone else settled it first and the batch skipped it, in the
/// chain's logs) with each slot's imbalance prices read from the contract, told to the recorder.
/// </summary>
public abstract class SettlingRound(long phaseId, RoundContext round, IActorRef clock) : RoundActor(phaseId, round, clock)
{
    /// <summary>How far back a pre-empted settlement's event is searched: hours of blocks in a simulation, a slot or more live.</summary>
    private const long LookBackBlocks = 10_000;

    /// <summary>Settle transactions for (slot, unit) items, per slot in unit order, in chunks.</summary>
    protected List<(int Slot, TxRequest Request)> Settlements(IEnumerable<(int Slot, uint Unit)> items) =>
        items.GroupBy(i => i.Slot).OrderBy(g => g.Key).SelectMany(g => g.Select(i => i.Unit).Order()
            .Chunk(RoundContext.UnitsPerMeteringTransaction)
            .Select(chunk => (g.Key, Round.Market.Settle(Round.Operator, SlotIndex.Of(g.Key), chunk)))).ToList();

    /// <summary>Records the settle transactions and what they settled, then continues.</summary>
    protected void RecordSettlements(int period, IReadOnlyList<(int Slot, TxOutcome Outcome)> settled, Action then)
    {
        Round.Recorder.Tell(new RunEvents.Transactions(TransactionPurpose.Settlement, period,
            settled.Select(s => new RunEvents.TxRecord(null, s.Slot, 1, s.Outcome)).ToList()));
        Query("reading the settlements", () => ReadAsync(settled), records =>
        {
            foreach (var record in records)
            {
                Round.Recorder.Tell(record);
            }
            then();
        });
    }

    /// <summary>
    /// Once every slot of <paramref name="day"/> is settled: reads the day's meter records back for
    /// the run's checks while the contract's storage ring still holds them (it reuses a day's
    /// storage a few days later), then charges the uplift (<see cref="MakeWhole"/>).
    /// </summary>
    protected void CloseDay(int day, long time, Action then)
    {
        var slots = Enumerable.Range(day * Round.Calendar.SlotsPerDay, Round.Calendar.SlotsPerDay);
        var keys = slots.SelectMany(s => Round.AllUnits.Select(u => (s, u.Index, u.Id))).ToList();
        Query($"the meter records of day {day}", () => RunChecks.ReadMeterRecordsAsync(Round.Market, keys), records =>
        {
            Round.Recorder.Tell(records);
            MakeWhole(day, time, then);
        });
    }

    /// <summary>
    /// Charges the units the uplift the slack
    /// is owed for it (what its fuel cost beyond its revenue, <see cref="GensetEconomics.Uplift"/>),
    /// pro rata to their net metered import (<see cref="UpliftShares"/>), records it, then continues.
    /// The recorder has every settlement of the day: this round told it before asking.
    /// </summary>
    private void MakeWhole(int day, long time, Action then)
    {
        var (from, to) = (day * Round.Calendar.SlotsPerDay, (day + 1) * Round.Calendar.SlotsPerDay);
        Query($"the uplift of day {day}", () => Round.Recorder.Ask<RecorderActor.UpliftDue>(new RecorderActor.AskUplift(from, to), Round.UnitReplyTimeout), due =>
        {
            var shares = UpliftShares.Of(NanoTokens.FromTokens(due.Tokens).Nano,
                due.Imports.Select(i => (Round.IndexOf(i.UnitId), i.ImportWh)).ToList(), Round.Market.Parameters.PriceCapMicroPerKwh);
            if (shares.Count == 0)
            {
                then();
                return;
            }
            Execute($"uplift of day {day}", [Round.Market.PayUplift(Round.Operator, SlotIndex.Of(from), SlotIndex.Of(to), shares)], time, outcomes =>
            {
                Round.Recorder.Tell(new RunEvents.Transactions(TransactionPurpose.Uplift, day, [new RunEvents.TxRecord(null, to - 1, 1, outcomes[0])]));
                var ids = Round.AllUnits.ToDictionary(u => u.Index, u => u.Id);
                Round.Recorder.Tell(new RunEvents.UpliftCharged(to - 1, outcomes[0].Events<UpliftChargedEventDTO>().Select(e => (ids[e.Unit], (long)e.Nano)).ToList()));
                then();
            });
        });
    }

    private async Task<IReadOnlyList<RunEvents.Settled>> ReadAsync(IReadOnlyList<(int Slot, TxOutcome Outcome)> settled)
    {
        var market = Round.Market;
        var events = settled.SelectMany(s => s.Outcome.Events<SettledEventDTO>()).ToList();
        var skipped = settled.SelectMany(s => s.Outcome.Events<SettlementSkippedEventDTO>()).ToList();
        if (skipped.Count > 0)
        {
            var fromBlock = Math.Max(0, settled.Min(s => s.Outcome.BlockNumber) - LookBackBlocks);
            foreach (var skip in skipped)
            {
                events.Add(await market.SettledEventAsync(skip.Slot, skip.Unit, fromBlock).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"slot {skip.Slot}, unit {skip.Unit}: skipped as settled, but no Settled event in the last {LookBackBlocks} blocks"));
            }
        }
        var ids = Round.AllUnits.ToDictionary(u => u.Index, u => u.Id);
        var records = new List<RunEvents.Settled>();
        foreach (var slot in events.GroupBy(e => e.Slot).OrderBy(g => g.Key))
        {
            var prices = await market.ImbalancePricesAsync(slot.Key).ConfigureAwait(false);
            records.Add(new RunEvents.Settled((int)slot.Key, prices.Short.Tokens, prices.Long.Tokens,
                slot.OrderBy(e => e.Unit).Select(e => new RunEvents.UnitSettled(ids[e.Unit],
                    (long)e.TradeNano, (long)e.ImbalanceNano, (long)e.FeeNano, (long)e.DebtNano, (long)e.DeviationWh, e.ReadingMissing)).ToList()));
        }
        return records;
    }
}
