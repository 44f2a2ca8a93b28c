using Akka.Actor;

namespace MicroMarket.Node.Sweep;

/// <summary>
/// Runs one run of a sweep on this node: the scenario (resolved) and the run's id in; its exit code, console output
/// and zipped run directory out. Cancelled when the sweep stops: the run is then interrupted (it stops after its phase).
/// </summary>
public delegate Task<(int Exit, string Log, byte[] ZippedRunDirectory)> SweepRunner(string runId, string scenario, CancellationToken stop);

/// <summary>
/// A node's runs of a sweep: it finds the coordinator (at /user/sweep on <paramref name="coordinator"/>'s node), offers
/// its slots, runs what it is handed, sends each run's directory back in parts, and offers the slot again.
/// <paramref name="over"/> completes, saying why, when the sweep is over, the coordinator is gone, or this node stops.
/// </summary>
public sealed class SweepWorker : ReceiveActor, IWithTimers
{
    /// <summary>How a worker's part ends: the sweep is over.</summary>
    public const string Over = "the sweep is over";

    /// <summary>How a worker's part ends: this node was stopped, its runs interrupted and sent back.</summary>
    public const string Stopped = "stopped: its runs were interrupted and sent back, to be run again";

    /// <summary>The largest part of a zipped run directory in one message, within the cluster's frame (4 MB).</summary>
    public const int PartBytes = 1_000_000;

    private readonly CancellationTokenSource _stop = new();
    private IActorRef? _coordinator;
    private int _running;
    private bool _leaving;

    public SweepWorker(ActorSelection coordinator, int slots, SweepRunner run, TaskCompletionSource<string> over)
    {
        Receive<ActorIdentity>(identity =>
        {
            if (_coordinator is not null || identity.Subject is not { } found)
            {
                return;
            }
            _coordinator = found;
            Timers.Cancel("identify");
            Context.Watch(found);
            found.Tell(new SweepReady(slots));
        });
        Receive<string>(_ => coordinator.Tell(new Identify(null)));
        Receive<SweepAssignment>(assignment =>
        {
            _running++;
            var self = Self;
            run(assignment.RunId, assignment.Scenario, _stop.Token).ContinueWith(t => t.IsCompletedSuccessfully
                    ? new Ran(assignment.RunId, t.Result.Exit, t.Result.Log, t.Result.ZippedRunDirectory)
                    : new Ran(assignment.RunId, -1, t.Exception?.GetBaseException().Message ?? "cancelled", []),
                TaskScheduler.Default).PipeTo(self);
        });
        Receive<Ran>(ran =>
        {
            var parts = ran.Zip.Chunk(PartBytes).ToList();
            for (var i = 0; i < parts.Count; i++)
            {
                _coordinator!.Tell(new SweepRunPart(ran.RunId, i, parts[i]));
            }
            _coordinator!.Tell(new SweepRunDone(ran.RunId, ran.Exit, ran.Log, parts.Count));
            _running--;
            if (!_stop.IsCancellationRequested)
            {
                _coordinator.Tell(new SweepReady(1));
            }
            else if (_leaving && _running == 0)
            {
                End(over, Stopped);
            }
        });
        // The coordinator's stop: interrupt the runs under way; their directories still go back, marked interrupted.
        Receive<SweepStop>(_ => _stop.Cancel());
        // This node's own stop (Ctrl+C on it): the same, then it leaves once its runs have gone back.
        Receive<Leave>(_ =>
        {
            _leaving = true;
            _stop.Cancel();
            if (_running == 0)
            {
                End(over, Stopped);
            }
        });
        Receive<SweepOver>(_ => End(over, Over));
        Receive<Terminated>(_ => End(over, "the sweep's coordinator is gone: its runs here were interrupted"));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ActorSelection coordinator, int slots, SweepRunner run, TaskCompletionSource<string> over) =>
        Akka.Actor.Props.Create(() => new SweepWorker(coordinator, slots, run, over));

    protected override void PreStart() => Timers.StartPeriodicTimer("identify", "identify", TimeSpan.Zero, TimeSpan.FromSeconds(1));

    private void End(TaskCompletionSource<string> over, string why)
    {
        _stop.Cancel();
        over.TrySetResult(why);
        Context.Stop(Self);
    }

    private sealed record Ran(string RunId, int Exit, string Log, byte[] Zip);

    /// <summary>This node is stopping: interrupt its runs, send them back, then end.</summary>
    public sealed record Leave
    {
        public static readonly Leave Instance = new();
    }
}
