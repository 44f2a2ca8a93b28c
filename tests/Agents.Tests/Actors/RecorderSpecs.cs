using MicroMarket.RunFormat;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using MicroMarket.Agents.Actors;
using MicroMarket.Market;
using MicroMarket.Simulation.Decisions;
using MicroMarket.Simulation.Recording;

namespace MicroMarket.Agents.Tests.Actors;

/// <summary>
/// The recorder owns the run's tables while the run goes on: rounds report to it, and at the end it
/// hands the tables over with every report applied and stops, so nothing changes them afterwards.
/// </summary>
public sealed class RecorderSpecs : TestKit
{
    private static readonly IReadOnlyList<UnitInfo> Units =
        [new("pv", 1, UnitKind.Pv, "bus-1", "A"), new("house", 2, UnitKind.Load, "bus-2", "B")];

    [Fact]
    public void The_recorder_hands_over_its_tables_with_every_report_applied_and_then_stops()
    {
        var recorder = Recorder();
        var round = CreateTestProbe();

        round.Send(recorder, new RunEvents.Cleared([new ClearedSlot(MarketStage.DayAhead, 4, 0.12m, 1_500)]));
        round.Send(recorder, new RunEvents.Positions(MarketStage.DayAhead, "house", 4, [new SlotPosition(1_500, 0)]));
        recorder.Tell(RecorderActor.Flush.Instance);

        var tables = ExpectMsg<RecorderActor.Flushed>().Tables;
        Assert.Equal((0.12m, 1_500L), (tables.SlotRows.Single().DayAheadPrice, tables.SlotRows.Single().DayAheadVolumeWh));
        var row = tables.UnitRows.Single();
        Assert.Equal(("house", 4, 1_500L), (row.Unit.Id, row.Slot, row.DayAheadBoughtWh));
        ExpectTerminated(recorder);
        // A report that comes after the hand-over cannot change the tables being written.
        round.Send(recorder, new RunEvents.Cleared([new ClearedSlot(MarketStage.DayAhead, 5, 0.50m, 9_000)]));
        this.Settle(round.Ref);
        Assert.Single(tables.SlotRows);
    }

    [Fact]
    public void A_report_the_tables_cannot_take_is_dropped_and_the_tables_are_kept()
    {
        var recorder = Recorder();

        recorder.Tell(new RunEvents.Cleared([new ClearedSlot(MarketStage.DayAhead, 4, 0.12m, 1_500)]));
        EventFilter.Error(contains: "the recorder dropped a report").ExpectOne(() =>
            recorder.Tell(new RunEvents.StepFills(MarketStage.DayAhead, 4, "pv", [0, 0, 0, 0], [700, 0, 0, 0])));
        recorder.Tell(new RunEvents.Cleared([new ClearedSlot(MarketStage.Intraday, 4, 0.15m, 200)]));
        recorder.Tell(RecorderActor.Flush.Instance);

        var slot = ExpectMsg<RecorderActor.Flushed>().Tables.SlotRows.Single();
        Assert.Equal((0.12m, 0.15m), (slot.DayAheadPrice, slot.IntradayPrice));
    }

    private IActorRef Recorder()
    {
        var recorder = Sys.ActorOf(RecorderActor.Props(ActorSpecs.Calendar(1), Units, 0m));
        Watch(recorder);
        return recorder;
    }
}
