using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;

namespace MicroMarket.Agents.Running;

/// <summary>
/// Warnings and errors the actor system logs for a condition the program knows to be expected, each with why. The
/// actor log on standard error shows them as information (with --verbose) and says why, so that a warning or an
/// error always means something went wrong. Whoever knows what is expected adds the rule (a cluster node knows which
/// peers left the cluster on purpose); each actor system has its own rules.
/// </summary>
public sealed class ExpectedLogEvents : IExtension
{
    private readonly ConcurrentQueue<Func<LogEvent, string?>> _rules = new();

    public static ExpectedLogEvents Of(ActorSystem system) => system.WithExtension<ExpectedLogEvents, Id>();

    /// <summary>Adds a rule: given a warning or an error, it says why that event is expected, or null when it is not.</summary>
    public void Add(Func<LogEvent, string?> rule) => _rules.Enqueue(rule);

    /// <summary>Why <paramref name="logged"/> is expected, or null when it is not.</summary>
    public string? Explain(LogEvent logged)
    {
        foreach (var rule in _rules)
        {
            if (rule(logged) is { } why)
            {
                return why;
            }
        }
        return null;
    }

    private sealed class Id : ExtensionIdProvider<ExpectedLogEvents>
    {
        public override ExpectedLogEvents CreateExtension(ExtendedActorSystem system) => new();
    }
}
