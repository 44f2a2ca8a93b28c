using System.Globalization;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Hosting;
using Akka.Remote.Hosting;
using MicroMarket.Node.Deployment;

namespace MicroMarket.Node;

/// <summary>
/// A node's part in the cluster, in Akka.Hosting's typed settings: this node's role and address,
/// the seed nodes, the split-brain resolver (keep-majority: with three or more nodes, the side with
/// the majority downs the lost one and goes on), and Hyperion for messages between nodes, counted
/// (<see cref="RemoteTraffic"/>).
/// </summary>
internal static class ClusterHosting
{
    /// <summary>The largest message between nodes (Akka's default frame is 128 kB).</summary>
    private const long MaxFrameBytes = 4_000_000;

    /// <param name="splitBrain">How a partition is resolved: keep-majority (the default, a market's cluster) or what the caller says.</param>
    public static AkkaConfigurationBuilder WithNode(this AkkaConfigurationBuilder akka, ClusterSettings cluster, NodeRole role, string host, int port, IReadOnlyList<string> seedNodes,
        SplitBrainResolverOption? splitBrain = null)
    {
        var stableAfter = ((int)Math.Ceiling(cluster.StableAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return akka
            .WithRemoting(new RemoteOptions { HostName = host, Port = port, MaxFrameSize = MaxFrameBytes })
            .WithClustering(new ClusterOptions
            {
                Roles = [role.ToString().ToLowerInvariant()],
                SeedNodes = [.. seedNodes.Select(s => $"akka.tcp://{cluster.Name}@{s}")],
                SplitBrainResolver = splitBrain ?? new KeepMajorityOption(),
            })
            // Application messages (records, lists, BigInteger) between nodes of the same build.
            .WithCustomSerializer("counting-hyperion", [typeof(object)], system => new CountingSerializer(system))
            // A peer's connection closing after it left the cluster is expected: logged as information, not as an error.
            .WithActors((system, _) => system.ActorOf(DepartedPeers.Props(), "departed-peers"))
            // Binding every object replaces Akka's default JSON binding on purpose: no need to warn at each start.
            .ConfigureLoggers(logging => logging.WithLogFilter(filter => filter.ExcludeMessageContaining("Serializer for type [System.Object] are being overriden")))
            // What the typed settings do not cover.
            .AddHocon($"""
                akka.cluster.split-brain-resolver.stable-after = {stableAfter}s
                akka.remote.log-remote-lifecycle-events = off
                # Akka.NET 1.5's singleton proxy starts its identification-failure timer with no initial delay, so it
                # warns "failed to find ... after 30 seconds" the instant it starts and again each time the oldest
                # node changes, however soon the singleton answers. A market that never appears is reported by the
                # run's own start timeout (cluster.start_timeout_seconds) instead.
                akka.cluster.singleton-proxy.log-singleton-identification-failure = off
                # A Raspberry Pi (or a node on a busy machine) can pause for seconds in garbage collection or on WiFi:
                # the linux-arm64 Pi build under emulation paused 5.3 s. Akka's 3 s default would mark such a node
                # unreachable (and warn of every 2 s gap); 10 s keeps it in, at the cost of noticing a dead node later.
                akka.cluster.failure-detector.acceptable-heartbeat-pause = 10s
                """, HoconAddMode.Prepend);
    }
}
