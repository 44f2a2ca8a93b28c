using Akka.Actor;

namespace MicroMarket.Node.Sweep;

/// <summary>One run of the sweep as the coordinator hands it out.</summary>
public sealed record SweepJob(string RunId, string Scenario);

/// <summary>
/// What the coordinator does with a run that came back: its zipped directory (empty when the worker had none to send),
/// its exit code and its console output. Called on the coordinator's actor, one run at a time.
/// </summary>
public delegate void SweepStore(string runId, byte[] zippedRunDirectory, int exit, string log);

/// <summary>
/// The sweep's coordinator, at /user/sweep on the node that runs `micromarket sweep --listen`: it hands each worker as
/// many runs as it has free slots, collects each run's directory as it comes back, and hands a worker's unfinished runs
/// to the others when the cluster removes it. <see cref="Done"/> completes when every run came back, or, once asked to
/// stop, when the runs under way did.
/// </summary>
public sealed class SweepCoordinator : ReceiveActor
{
    public const string Name = "sweep";

    private readonly LinkedList<SweepJob> _pending;
    private readonly Dictionary<string, SweepJob> _jobs;
    private readonly Dictionary<IActorRef, (int Free, HashSet<string> Running)> _workers = [];
    private readonly Dictionary<string, List<byte[]>> _parts = [];
    private readonly SweepStore _store;
    private readonly Action<string> _log;
    private readonly TaskCompletionSource _done;
    private int _outstanding;
    private bool _stopping;

    public SweepCoordinator(IReadOnlyList<SweepJob> jobs, SweepStore store, Action<string> log, TaskCompletionSource done)
    {
        (_store, _log, _done) = (store, log, done);
        _pending = new LinkedList<SweepJob>(jobs);
        _jobs = jobs.ToDictionary(j => j.RunId);
        _outstanding = jobs.Count;
        Receive<SweepReady>(ready =>
        {
            if (!_workers.TryGetValue(Sender, out var worker))
            {
                Context.Watch(Sender);
                worker = (0, []);
                _log($"sweep: worker {Sender.Path.Address} joined with {ready.Slots} slot(s)");
            }
            _workers[Sender] = (worker.Free + ready.Slots, worker.Running);
            Dispatch();
        });
        Receive<SweepRunPart>(part => _parts[part.RunId].Add(part.Bytes));
        Receive<SweepRunDone>(Finished);
        Receive<Terminated>(WorkerLost);
        Receive<SweepStop>(_ =>
        {
            _stopping = true;
            foreach (var worker in _workers.Keys)
            {
                worker.Tell(SweepStop.Instance);
            }
            EndIfIdle();
        });
        if (_outstanding == 0)
        {
            _done.TrySetResult();
        }
    }

    public static Props Props(IReadOnlyList<SweepJob> jobs, SweepStore store, Action<string> log, TaskCompletionSource done) =>
        Akka.Actor.Props.Create(() => new SweepCoordinator(jobs, store, log, done));

    private void Dispatch()
    {
        foreach (var worker in _workers.Keys.ToList())
        {
            var (free, running) = _workers[worker];
            while (!_stopping && free > 0 && _pending.First is { } next)
            {
                _pending.RemoveFirst();
                running.Add(next.Value.RunId);
                _parts[next.Value.RunId] = [];
                worker.Tell(new SweepAssignment(next.Value.RunId, next.Value.Scenario));
                free--;
            }
            _workers[worker] = (free, running);
        }
    }

    private void Finished(SweepRunDone done)
    {
        if (!_workers.TryGetValue(Sender, out var worker) || !worker.Running.Remove(done.RunId))
        {
            return; // from a worker the cluster has already removed: its run was handed out again
        }
        var parts = _parts.Remove(done.RunId, out var received) ? received : [];
        if (parts.Count != done.Parts)
        {
            _log($"sweep: {done.RunId}: {parts.Count} of {done.Parts} parts arrived; it will be run again");
            _pending.AddFirst(_jobs[done.RunId]);
        }
        else
        {
            _store(done.RunId, [.. parts.SelectMany(p => p)], done.Exit, done.Log);
            _outstanding--;
        }
        if (_outstanding == 0)
        {
            End();
            return;
        }
        Dispatch();
        EndIfIdle();
    }

    /// <summary>A worker the cluster removed: its runs under way go back to the front of the queue, for the others.</summary>
    private void WorkerLost(Terminated terminated)
    {
        if (!_workers.Remove(terminated.ActorRef, out var worker))
        {
            return;
        }
        foreach (var runId in worker.Running)
        {
            _parts.Remove(runId);
            _pending.AddFirst(_jobs[runId]);
        }
        if (worker.Running.Count > 0)
        {
            _log($"sweep: worker {terminated.ActorRef.Path.Address} left with {worker.Running.Count} run(s) under way: handed out again");
        }
        Dispatch();
    }

    private void EndIfIdle()
    {
        if (_stopping && _workers.Values.All(w => w.Running.Count == 0))
        {
            End();
        }
    }

    private void End()
    {
        foreach (var worker in _workers.Keys)
        {
            worker.Tell(SweepOver.Instance);
        }
        _done.TrySetResult();
    }
}
