using Akka.Actor;
using Akka.Event;
using MicroMarket.Simulation;
using MicroMarket.Simulation.Recording;

namespace MicroMarket.Agents.Actors;

/// <summary>
/// The recorder owns the run's tables: every round reports to it and it merges the reports into
/// them. Nobody else holds them while the run goes on; at the end it hands them over with its answer
/// to <see cref="Flush"/> and stops, so that no report can change them while they are written.
/// </summary>
public sealed class RecorderActor : ReceiveActor
{
    /// <param name="fuelPrice">The slack's fuel price (tokens per fuel unit), for the uplift it is owed.</param>
    /// <param name="resumed">A resumed run's tables as its checkpoint kept them, now the recorder's (null: empty tables).</param>
    public RecorderActor(SimulationCalendar calendar, IReadOnlyList<UnitInfo> units, decimal fuelPrice, RunTables? resumed)
    {
        var tables = resumed ?? new RunTables(calendar, units);
        // Asked after a day's settlements were reported, by the same round: they are applied first.
        Receive<AskUplift>(m =>
        {
            var (tokens, imports) = tables.UpliftDue(m.FromSlot, m.ToSlot, fuelPrice);
            Sender.Tell(new UpliftDue(tokens, imports));
        });
        Receive<AskDelivered>(m => Sender.Tell(new Delivered(m.UnitId, tables.DeliveredKw(m.UnitId))));
        // Rounds tell the recorder before they report to the clock, so once the run has ended a
        // Flush is answered only after every report has been applied.
        Receive<Flush>(_ =>
        {
            Sender.Tell(new Flushed(tables));
            Context.Stop(Self);
        });
        // Asked between two phases, after the rounds' reports: a copy for the checkpoint, so the tables stay the recorder's.
        Receive<Save>(_ =>
        {
            using var saved = new MemoryStream();
            tables.Save(saved);
            Sender.Tell(new Saved(saved.ToArray()));
        });
        ReceiveAny(report =>
        {
            // A report the tables cannot take (a fill of an order never bid, an unknown event) is
            // dropped and logged; throwing would have the recorder restarted with empty tables.
            try
            {
                tables.Apply(report);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                Context.GetLogger().Error(ex, "the recorder dropped a report: {0}", ex.Message);
            }
        });
    }

    public sealed record Flush
    {
        public static Flush Instance { get; } = new();
    }

    /// <summary>The tables, with every report sent before the flush applied: now the receiver's.</summary>
    public sealed record Flushed(RunTables Tables);

    public sealed record Save
    {
        public static Save Instance { get; } = new();
    }

    /// <summary>The tables as <see cref="RunTables.Save"/> wrote them.</summary>
    public sealed record Saved(byte[] Tables);

    /// <summary>What the slack is owed for slots [FromSlot, ToSlot) (<see cref="RunTables.UpliftDue"/>).</summary>
    public sealed record AskUplift(int FromSlot, int ToSlot);

    /// <summary>The uplift in tokens and the units' net metered import (Wh, at least 0) it is shared by.</summary>
    public sealed record UpliftDue(decimal Tokens, IReadOnlyList<(string UnitId, long ImportWh)> Imports);

    /// <summary>What a unit delivered in each slot delivered so far (<see cref="RunTables.DeliveredKw"/>): a returning unit's physics.</summary>
    public sealed record AskDelivered(string UnitId);

    public sealed record Delivered(string UnitId, IReadOnlyList<double> Kw);

    public static Props Props(SimulationCalendar calendar, IReadOnlyList<UnitInfo> units, decimal fuelPrice, RunTables? resumed = null) =>
        Akka.Actor.Props.Create(() => new RecorderActor(calendar, units, fuelPrice, resumed));
}
