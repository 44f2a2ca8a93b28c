using System.Globalization;
using Akka.Configuration;
using MicroMarket.Scenarios.Deployment;

namespace MicroMarket.Node;

/// <summary>
/// The Akka configuration of a node: cluster provider, this node's role and address, the seed
/// nodes, the split-brain resolver (keep-majority: with three or more nodes, the side with the
/// majority downs the lost one and goes on), and Hyperion for messages between nodes, counted
/// (<see cref="RemoteTraffic"/>).
/// </summary>
internal static class ClusterHocon
{
    public static Config For(ClusterSettings cluster, NodeRole role, string host, int port, IReadOnlyList<string> seedNodes)
    {
        string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        var seeds = string.Join(", ", seedNodes.Select(s => Quote($"akka.tcp://{cluster.Name}@{s}")));
        var stable = ((int)Math.Ceiling(cluster.StableAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return ConfigurationFactory.ParseString($$"""
            akka {
              loglevel = WARNING
              stdout-loglevel = WARNING
              log-dead-letters = off
              log-dead-letters-during-shutdown = off
              actor {
                provider = cluster
                serializers.counting-hyperion = "MicroMarket.Node.CountingSerializer, MicroMarket.Node"
                serialization-bindings { "System.Object" = counting-hyperion }
              }
              remote.dot-netty.tcp {
                hostname = {{Quote(host)}}
                port = {{port.ToString(CultureInfo.InvariantCulture)}}
                maximum-frame-size = 4000000b
              }
              cluster {
                roles = [{{Quote(role.ToString().ToLowerInvariant())}}]
                seed-nodes = [{{seeds}}]
                downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                split-brain-resolver {
                  active-strategy = keep-majority
                  stable-after = {{stable}}s
                }
                run-coordinated-shutdown-when-down = on
              }
              # The node leaves the cluster itself once its part of the run is over; Ctrl+C and SIGTERM
              # ask the market to stop after the phase under way instead of stopping the actors at once.
              coordinated-shutdown.exit-clr = off
              coordinated-shutdown.run-by-clr-shutdown-hook = off
              remote.log-remote-lifecycle-events = off
            }
            """);
    }
}
