using MicroMarket.RunFormat;
using Akka.Actor;
using MicroMarket.Simulation.Decisions;
using MicroMarket.Simulation.Recording;
using MicroMarket.Simulation;
using MicroMarket.Market;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts.MicroMarketDefinition;
using static MicroMarket.Agents.Actors.UnitProtocol;
using MicroMarket.Simulation.Running;

namespace MicroMarket.Agents.Actors;

/// <summary>
/// A gate has closed: the operator clears the period's slots on chain (in as many transactions as
/// the gas budget needs), the results are read back, every unit reads its own positions from the
/// chain, and the per-order fills of every unit that traded are read for the order table. The
/// positions of a registered unit that is absent (its node is down) are read by the round itself,
/// so the tables stay complete: its orders were in the book whether or not it is there to hear.
/// </summary>
public sealed class ClearingRound(long phaseId, RoundContext round, IActorRef clock, MarketStage stage, int period, int firstSlot, int slotCount, long time)
    : RoundActor(phaseId, round, clock)
{
    /// <summary>A slot's clearing reads one or two curve words per bidder (cold, 2 100 gas each) plus sorting: a generous estimate.</summary>
    private long GasPerSlot => 80_000 + 5_000L * Round.AllUnits.Count;

    protected override void Begin()
    {
        var perTransaction = (int)Math.Clamp(RoundContext.ClearingGasBudget / GasPerSlot, 1, slotCount);
        var chunks = Enumerable.Range(0, (slotCount + perTransaction - 1) / perTransaction)
            .Select(c => (First: firstSlot + c * perTransaction, Count: Math.Min(perTransaction, slotCount - c * perTransaction))).ToList();
        var requests = chunks.Select(c => Round.Market.Clear(Round.Operator, stage, SlotIndex.Of(c.First), (uint)c.Count)).ToList();
        Execute($"clear {RunTables.Stage(stage)} {period}", requests, time, outcomes =>
        {
            Round.Recorder.Tell(new RunEvents.Transactions(TransactionPurpose.Clearing, period,
                chunks.Zip(outcomes, (c, o) => new RunEvents.TxRecord(null, c.First, c.Count, o)).ToList()));
            Query("reading clearing results", () => Round.Market.ResultsAsync(stage, SlotIndex.Of(firstSlot), (uint)slotCount), ReadPositions);
        });
    }

    private void ReadPositions(IReadOnlyList<Result> results)
    {
        var cleared = results.Select((r, i) => new ClearedSlot(stage, firstSlot + i, r.VolumeWh > 0 ? new Price(r.Price).Tokens : null, (long)r.VolumeWh)).ToList();
        Round.Recorder.Tell(new RunEvents.Cleared(cleared));
        AskUnits<PositionsRead>(u => new ReadPositions(PhaseId, stage, firstSlot, slotCount), read =>
        {
            var absent = Round.AllUnits.Where(u => read.All(p => p.UnitId != u.Id)).ToList();
            Query("reading the positions of absent units", () => Task.WhenAll(absent.Select(ReadAbsentAsync)), unread =>
            {
                var positions = read.Concat(unread).OrderBy(p => Round.IndexOf(p.UnitId)).ToList();
                foreach (var p in positions)
                {
                    Round.Recorder.Tell(new RunEvents.Positions(stage, p.UnitId, p.FirstSlot, p.Positions));
                }
                ReadFills(positions, cleared);
            });
        });
    }

    private async Task<PositionsRead> ReadAbsentAsync(UnitIdentity unit)
    {
        var (bought, sold) = await Round.Market.PositionsAsync(stage, SlotIndex.Of(firstSlot), (uint)slotCount, unit.Index).ConfigureAwait(false);
        return new PositionsRead(PhaseId, unit.Id, stage, firstSlot, bought.Zip(sold, (b, s) => new SlotPosition((long)b, (long)s)).ToList());
    }

    /// <summary>
    /// Per-order fills, from the contract, for every (unit, slot) with a position (nothing else can have a fill): a
    /// call per slot for its traded units (stepFillsOf). A call per unit and slot was 5 000 calls for the IEEE day's
    /// day-ahead auction, about 80 us each for Anvil to answer.
    /// </summary>
    private void ReadFills(IReadOnlyList<PositionsRead> positions, IReadOnlyList<ClearedSlot> cleared)
    {
        const int steps = Market.Orders.OrderCurve.MaxSteps; // stepFillsOf gives each unit's steps in a row
        var traded = positions.SelectMany(p => p.Positions.Select((pos, i) => (p.UnitId, Slot: p.FirstSlot + i, pos)))
            .Where(t => t.pos.BoughtWh != 0 || t.pos.SoldWh != 0)
            .GroupBy(t => t.Slot, t => t.UnitId).OrderBy(g => g.Key).Select(g => (Slot: g.Key, Units: g.ToList())).ToList();
        var queries = traded.Select(t => new StepFillsOfFunction { Stage = (byte)stage, Slot = (uint)t.Slot, Units = [.. t.Units.Select(Round.IndexOf)] }).ToList();
        Query("reading order fills", () => Round.Market.QueryManyAsync<StepFillsOfFunction, StepFillsOfOutputDTO>(queries), fills =>
        {
            foreach (var (t, f) in traded.Zip(fills))
            {
                for (var i = 0; i < t.Units.Count; i++)
                {
                    Round.Recorder.Tell(new RunEvents.StepFills(stage, t.Slot, t.Units[i], f.BuyWh.GetRange(i * steps, steps), f.SellWh.GetRange(i * steps, steps)));
                }
            }
            Complete(cleared);
        });
    }
}
