using Akka.Actor;
using MicroMarket.Simulation.Recording;

namespace MicroMarket.Agents.Actors;

/// <summary>The recorder: every round reports to it; it merges the reports into the run's tables.</summary>
public sealed class RecorderActor : ReceiveActor
{
    public RecorderActor(RunTables tables)
    {
        // Rounds tell the recorder before they report to the clock, so once the run has ended a
        // Flush is answered only after every report has been applied.
        Receive<Flush>(_ => Sender.Tell(Flushed.Instance));
        ReceiveAny(tables.Apply);
    }

    public sealed record Flush
    {
        public static Flush Instance { get; } = new();
    }

    public sealed record Flushed
    {
        public static Flushed Instance { get; } = new();
    }

    public static Props Props(RunTables tables) => Akka.Actor.Props.Create(() => new RecorderActor(tables));
}
