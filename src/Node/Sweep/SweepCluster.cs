using Akka.Actor;
using Akka.Hosting;
using MicroMarket.Agents.Running;
using MicroMarket.Node.Deployment;
using Microsoft.Extensions.DependencyInjection;

namespace MicroMarket.Node.Sweep;

/// <summary>
/// A sweep spread over machines (docs/experiments.md, "Over a cluster"): `micromarket sweep --listen HOST:PORT` is the
/// coordinator and the cluster's seed; `micromarket node --role worker --seed-nodes HOST:PORT` nodes join it and run
/// what it hands them, each run `micromarket run` in a process of its own there, its directory sent back zipped. Runs
/// are deterministic, so a run directory is the same bytes whichever node ran it.
/// </summary>
public static class SweepCluster
{
    /// <summary>The sweep's cluster: its own name, so a sweep's nodes never join a market's cluster by mistake.</summary>
    public const string ClusterName = "micromarket-sweep";

    /// <summary>
    /// Runs the coordinator at <paramref name="host"/>:<paramref name="port"/> until every job came back (or, after
    /// <paramref name="stop"/>, the runs under way did), with <paramref name="localSlots"/> runs at a time on this node too.
    /// </summary>
    public static async Task CoordinateAsync(string host, int port, IReadOnlyList<SweepJob> jobs, SweepStore store, int localSlots, SweepRunner run,
        Action<string> log, Akka.Event.LogLevel logLevel, CancellationToken stop)
    {
        var seed = $"{host}:{port}";
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var app = ActorHosting.Build(ClusterName, akka => akka
            .WithNode(Settings(seed), NodeRole.Sweep, host, port, [seed], CoordinatorSurvives)
            .WithActors((system, _) =>
            {
                var coordinator = system.ActorOf(SweepCoordinator.Props(jobs, store, log, done), SweepCoordinator.Name);
                if (localSlots > 0)
                {
                    system.ActorOf(SweepWorker.Props(system.ActorSelection(coordinator.Path), localSlots, run, new TaskCompletionSource<string>()), "local-worker");
                }
                stop.Register(() => coordinator.Tell(SweepStop.Instance));
            }), logLevel);
        await app.StartAsync(CancellationToken.None).ConfigureAwait(false);
        log($"sweep: coordinator at {seed} (cluster {ClusterName}); workers join with `micromarket node --role worker --seed-nodes {seed}`");
        try
        {
            await done.Task.ConfigureAwait(false);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            app.Dispose();
        }
    }

    /// <summary>
    /// Runs a worker node that joins the coordinator at <paramref name="seed"/> (host:port) and runs <paramref name="slots"/>
    /// runs at a time until the sweep is over or the coordinator is gone; <paramref name="stop"/> interrupts its runs, sends
    /// them back and leaves.
    /// </summary>
    /// <returns>Why it ended (<see cref="SweepWorker.Over"/> when the sweep is over).</returns>
    public static async Task<string> WorkAsync(string seed, string host, int port, int slots, SweepRunner run, Action<string> log, Akka.Event.LogLevel logLevel, CancellationToken stop)
    {
        var over = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var app = ActorHosting.Build(ClusterName, akka => akka
            .WithNode(Settings(seed), NodeRole.Worker, host, port, [seed], CoordinatorSurvives)
            .WithActors((system, _) =>
            {
                var coordinator = system.ActorSelection($"akka.tcp://{ClusterName}@{seed}/user/{SweepCoordinator.Name}");
                var worker = system.ActorOf(SweepWorker.Props(coordinator, slots, run, over), "sweep-worker");
                stop.Register(() => worker.Tell(SweepWorker.Leave.Instance));
            }), logLevel);
        await app.StartAsync(CancellationToken.None).ConfigureAwait(false);
        var cluster = Akka.Cluster.Cluster.Get(app.Services.GetRequiredService<ActorSystem>());
        // The side without the coordinator downs itself (see CoordinatorSurvives): this node's system then stops.
        cluster.RegisterOnMemberRemoved(() => over.TrySetResult("removed from the sweep's cluster: the coordinator was unreachable; its runs here were interrupted"));
        log($"worker node {cluster.SelfAddress} joining the sweep at {seed} with {slots} slot(s)");
        try
        {
            return await over.Task.ConfigureAwait(false);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            app.Dispose();
        }
    }

    /// <summary>
    /// A partition keeps the coordinator's side (the oldest member: it seeds the cluster), even alone: workers come and go,
    /// the sweep is where the coordinator is. Keep-majority, a market's rule, would down the coordinator with a worker
    /// that was only joining when another was lost (one against one, decided by address).
    /// </summary>
    private static readonly Akka.Cluster.Hosting.SBR.KeepOldestOption CoordinatorSurvives = new() { DownIfAlone = false };

    /// <summary>A worker lost without leaving (killed, its machine gone) is downed 5 s after it became unreachable, and its runs handed out again.</summary>
    private static ClusterSettings Settings(string seed) =>
        new(ClusterName, [seed], SimNodes: 0, StableAfter: TimeSpan.FromSeconds(5), UnitReplyTimeout: TimeSpan.FromMinutes(1), StartTimeout: TimeSpan.FromMinutes(2));
}
