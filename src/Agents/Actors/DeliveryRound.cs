using MicroMarket.Market;
using Akka.Actor;
using MicroMarket.Simulation.Decisions;
using MicroMarket.Simulation.Recording;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;
using static MicroMarket.Agents.Actors.UnitProtocol;
using MicroMarket.Simulation.Physics;
using MicroMarket.Simulation.Running;

namespace MicroMarket.Agents.Actors;

/// <summary>
/// A slot has ended. Every unit proposes its power from its schedule and its real conditions; the
/// grid operator solves the feeder (the slack balancing in island mode); every unit applies what
/// really flowed; the meters' readings (a Pi's own, the metering service's for simulated units), the
/// operator's curtailment and shedding instructions and the slot's settlement go on chain in one
/// batch; the accounts of the units present are read back. A unit without a reading (absent: its node is down;
/// or its meter's signature does not verify) is settled when the slot's reading window has closed,
/// that is in the next slot's round (<paramref name="overdue"/>), as the contract's worst case.
/// </summary>
public sealed class DeliveryRound(long phaseId, RoundContext round, IActorRef clock, int slot, long time, IReadOnlyList<PendingSettlement> overdue)
    : SettlingRound(phaseId, round, clock)
{
    protected override void Begin() =>
        AskUnits<DeliveryProposed>(u => new ProposeDelivery(PhaseId, slot), proposals =>
        {
            var deliveries = proposals.Select(p => new UnitDelivery(p.UnitId, Round.Unit(p.UnitId).Identity, p.Proposal)).ToList();
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
        AskUnits(Round.Units.Where(u => proposed.Contains(u.Identity.Id)).ToList(),
            u => new ApplyDelivery(PhaseId, slot, flows[u.Identity.Id].ActualPowerKw), (IReadOnlyList<DeliveryApplied> applied) =>
        {
            var byId = proposals.ToDictionary(p => p.UnitId);
            // A signature each (or a recovery, for a unit's own meter): on all cores, as the pipeline signs transactions.
            var signed = new SignedMeterReading?[applied.Count];
            Parallel.For(0, applied.Count, i => signed[i] = Reading(applied[i], flows[applied[i].UnitId]));
            var readings = applied.Select((a, i) => (a.UnitId, Reading: signed[i])).ToDictionary(r => r.UnitId, r => r.Reading);
            Round.Recorder.Tell(new RunEvents.Delivered(slot, solved.Physics, applied.Select(a =>
                new RunEvents.UnitDelivered(a.UnitId, byId[a.UnitId].Schedule, byId[a.UnitId].Proposal, flows[a.UnitId], a.State, readings[a.UnitId])).ToList()));
            Report(readings.Values.OfType<SignedMeterReading>().OrderBy(r => r.Unit).ToList(), Instructions(proposals, flows));
        });
    }

    /// <summary>
    /// The unit's reading: what its own meter signed, or the metering service's signature of what
    /// the physics measured. A reading of the unit's own meter whose signature does not verify for
    /// the unit's registered meter is left out (the contract would refuse the whole batch): the unit
    /// then settles as missing. The service signs only with the registered meter's key, for this
    /// unit and slot (<see cref="MeteringService.Sign"/>), so its signature verifies by construction
    /// and is not recovered again: recovering every unit's signature cost some 4 ms a slot.
    /// </summary>
    private SignedMeterReading? Reading(DeliveryApplied applied, UnitFlow flow)
    {
        var unit = Round.Unit(applied.UnitId).Identity;
        if (applied.OwnReading is not { } own)
        {
            return Round.Metering.Sign(Round.Market.ReadingSigner, unit, slot, flow.ImportWh, flow.ExportWh);
        }
        return own.Unit == unit.Index && own.Slot == slot
            && string.Equals(Round.Market.ReadingSigner.Signer(own), unit.MeterAddress, StringComparison.OrdinalIgnoreCase)
            ? own : null;
    }

    /// <summary>
    /// What the grid operator ordered (<see cref="OperatorOrders"/>), as the contract records it:
    /// curtailment and shedding of schedule-following units, balancing energy of storage the island
    /// balance moved. The balance-responsible party forms the grid and settles no imbalance: it gets none.
    /// </summary>
    private List<OperatorInstruction> Instructions(IReadOnlyList<DeliveryProposed> proposals, IReadOnlyDictionary<string, UnitFlow> flows)
    {
        var slotLength = Round.Calendar.SlotLength;
        var instructions = new List<OperatorInstruction>();
        foreach (var p in proposals.Where(p => p.Proposal.Role is DeliveryRole.SetPoint or DeliveryRole.Balancing))
        {
            var proposedWh = Energy.WhOf(p.Proposal.PowerKw, slotLength);
            var actualWh = Energy.WhOf(flows[p.UnitId].ActualPowerKw, slotLength);
            var rating = Round.RatingsWh[p.UnitId];
            var ((lowered, raised), kind) = p.Proposal.Role == DeliveryRole.Balancing
                ? (OperatorOrders.Balancing(proposedWh, actualWh, rating), InstructionKind.Balancing)
                : (OperatorOrders.Of(proposedWh, actualWh, rating), InstructionKind.Curtailment);
            if (lowered > 0 || raised > 0)
            {
                instructions.Add(new OperatorInstruction(Round.IndexOf(p.UnitId), (uint)lowered, (uint)raised, kind));
            }
        }
        return instructions.OrderBy(i => i.Unit).ToList();
    }

    /// <summary>
    /// The first slot of a day settles the previous day's last slot for the units whose readings
    /// were late (<paramref name="overdue"/>): every slot of that day is then closed, and its uplift due.
    /// </summary>
    private void AfterDayClosed(Action then)
    {
        if (slot > 0 && slot % Round.Calendar.SlotsPerDay == 0)
        {
            CloseDay(slot / Round.Calendar.SlotsPerDay - 1, time, then);
        }
        else
        {
            then();
        }
    }

    /// <summary>
    /// Readings, instructions and settlements go in one batch, in that order: a block executes its
    /// transactions in order, so the settlement sees every reading and instruction of the slot, and
    /// the slot costs one block. A unit without a reading waits for the window to close.
    /// </summary>
    private void Report(IReadOnlyList<SignedMeterReading> readings, IReadOnlyList<OperatorInstruction> instructions)
    {
        var reported = readings.Select(r => r.Unit).ToHashSet();
        var unsettled = Round.AllUnits.Where(u => !reported.Contains(u.Index)).Select(u => new PendingSettlement(slot, u.Index, u.Id)).ToList();
        var readingRequests = readings.Chunk(RoundContext.UnitsPerMeteringTransaction)
            .Select(chunk => Round.Market.ReportReadings(Round.Operator, chunk)).ToList();
        var instructionRequests = instructions.Chunk(RoundContext.UnitsPerMeteringTransaction)
            .Select(chunk => Round.Market.RecordInstructions(Round.Operator, SlotIndex.Of(slot), chunk)).ToList();
        var settlements = Settlements(reported.Select(u => (slot, u)).Concat(overdue.Select(o => (o.Slot, o.UnitIndex))));
        var metering = readingRequests.Concat(instructionRequests).ToList();
        Execute($"readings and settlement of slot {slot}", [.. metering, .. settlements.Select(s => s.Request)], time, outcomes =>
        {
            Round.Recorder.Tell(new RunEvents.Transactions(TransactionPurpose.Readings, slot,
                outcomes.Take(metering.Count).Select(o => new RunEvents.TxRecord(null, slot, 1, o)).ToList()));
            var settled = outcomes.Skip(metering.Count).Zip(settlements, (o, s) => (s.Slot, Outcome: o)).ToList();
            RecordSettlements(slot, settled, () => AfterDayClosed(() => ReadAccounts(unsettled)));
        });
    }

    /// <summary>
    /// The accounts of the units present, read for the recorder in one call. Each unit read its own: a message
    /// each way (between nodes in a cluster) and a call each for the node to answer, about 80 us apiece on Anvil,
    /// 4.6 ms a slot on the IEEE day, for figures only the recorder keeps.
    /// </summary>
    private void ReadAccounts(IReadOnlyList<PendingSettlement> unsettled)
    {
        var present = Round.Units.Select(u => u.Identity).ToList();
        Query($"the accounts after slot {slot}", () => Round.Market.AccountsAsync(present.Select(u => u.Index)), accounts =>
        {
            Round.Recorder.Tell(new RunEvents.Balances(slot, present.Zip(accounts, (u, a) => new RunEvents.AccountRead(
                u.Id, new NanoTokens(a.BalanceNano).Tokens, new NanoTokens(a.LockedNano).Tokens, new NanoTokens(a.DebtNano).Tokens)).ToList()));
            Complete(unsettled: unsettled);
        });
    }
}

/// <summary>After the last slot's reading window: the units whose last readings never came are settled, as the contract's worst case, and the last day's uplift charged.</summary>
public sealed class FinalSettlementRound(long phaseId, RoundContext round, IActorRef clock, long time, IReadOnlyList<PendingSettlement> overdue)
    : SettlingRound(phaseId, round, clock)
{
    protected override void Begin()
    {
        var lastDay = Round.Calendar.Days - 1;
        if (overdue.Count == 0)
        {
            CloseDay(lastDay, time, () => Complete());
            return;
        }
        var settlements = Settlements(overdue.Select(o => (o.Slot, o.UnitIndex)));
        Execute("final settlement", settlements.Select(s => s.Request).ToList(), time, outcomes =>
            RecordSettlements(overdue.Max(o => o.Slot), settlements.Zip(outcomes, (s, o) => (s.Slot, Outcome: o)).ToList(), () => CloseDay(lastDay, time, () => Complete())));
    }
}
