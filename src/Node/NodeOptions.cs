namespace MicroMarket.Node;

/// <summary>What a node does: runs the market (the host singleton and the chain), simulated units, or one hardware unit.</summary>
public enum NodeRole
{
    Market,
    Sim,
    Pi,

    /// <summary>A sweep's coordinator (`micromarket sweep --listen`): hands out runs, collects their directories.</summary>
    Sweep,

    /// <summary>A sweep's worker (`micromarket node --role worker`): runs what the coordinator hands it.</summary>
    Worker,
}

/// <summary>
/// One node's command line: its role, the deployment's configuration, how it joins the cluster
/// (seed nodes as host:port; the first market node seeds itself), where it listens, and which
/// share of the units it hosts.
/// </summary>
public sealed record NodeOptions(NodeRole Role, string ConfigPath)
{
    /// <summary>Seed nodes (host:port), overriding the configuration's.</summary>
    public IReadOnlyList<string>? SeedNodes { get; init; }

    /// <summary>The address other nodes reach this one at.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The cluster port; 0 picks a free one (a sim or Pi node need not be known in advance).</summary>
    public int Port { get; init; }

    /// <summary>A sim node's share: 0 .. sim_nodes - 1.</summary>
    public int Shard { get; init; }

    /// <summary>A Pi node's unit (needed when the configuration lists several Pi units).</summary>
    public string? Unit { get; init; }

    /// <summary>A Pi unit on development keys derived from the scenario (refused on a chain that is not a development chain).</summary>
    public bool DevKeys { get; init; }

    /// <summary>The market node takes up the run its checkpoint in the configuration's run directory left (<c>--resume</c>); null: a new run.</summary>
    public Simulation.Running.MarketCheckpoint? Resume { get; init; }

    /// <summary>Who asked the node to stop once its cancellation token fires (a signal's name): the market node records it in summary.json.</summary>
    public Func<string?> StopCause { get; init; } = () => null;

    /// <summary>The actor log's level on standard error: warnings, or informational lines too (<c>--verbose</c>).</summary>
    public Akka.Event.LogLevel LogLevel { get; init; } = Akka.Event.LogLevel.WarningLevel;
}

/// <summary>The node's configuration or command line cannot work: nothing was started.</summary>
public sealed class NodeConfigurationException(string message) : Exception(message);
