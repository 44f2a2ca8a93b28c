using Akka.Actor;
using Akka.Serialization;

namespace MicroMarket.Node;

/// <summary>What crossed the network from and to one node: application messages and their bytes.</summary>
public sealed record TrafficFigures(long MessagesSent, long BytesSent, long MessagesReceived, long BytesReceived);

/// <summary>
/// Counts the application messages a node exchanges with other nodes (everything the market host
/// and the units say to each other; not the cluster's own gossip and heartbeats, which have their
/// own serializers). Fed by <see cref="CountingSerializer"/>: a message crosses the network exactly
/// when it is serialized, so the count is the inter-node message count, not an estimate.
/// </summary>
public sealed class RemoteTraffic : IExtension
{
    private long _messagesSent;
    private long _bytesSent;
    private long _messagesReceived;
    private long _bytesReceived;

    public static RemoteTraffic Get(ActorSystem system) => system.WithExtension<RemoteTraffic, RemoteTrafficProvider>();

    public TrafficFigures Figures => new(Interlocked.Read(ref _messagesSent), Interlocked.Read(ref _bytesSent), Interlocked.Read(ref _messagesReceived), Interlocked.Read(ref _bytesReceived));

    internal void Sent(int bytes)
    {
        Interlocked.Increment(ref _messagesSent);
        Interlocked.Add(ref _bytesSent, bytes);
    }

    internal void Received(int bytes)
    {
        Interlocked.Increment(ref _messagesReceived);
        Interlocked.Add(ref _bytesReceived, bytes);
    }
}

public sealed class RemoteTrafficProvider : ExtensionIdProvider<RemoteTraffic>
{
    public override RemoteTraffic CreateExtension(ExtendedActorSystem system) => new();
}

/// <summary>Hyperion, counting what it serializes for the network (<see cref="RemoteTraffic"/>).</summary>
public sealed class CountingSerializer(ExtendedActorSystem system) : Serializer(system)
{
    private readonly HyperionSerializer _hyperion = new(system);
    private readonly RemoteTraffic _traffic = RemoteTraffic.Get(system);

    public override int Identifier => 7101;

    public override bool IncludeManifest => _hyperion.IncludeManifest;

    public override byte[] ToBinary(object obj)
    {
        var bytes = _hyperion.ToBinary(obj);
        _traffic.Sent(bytes.Length);
        return bytes;
    }

    public override object FromBinary(byte[] bytes, Type type)
    {
        _traffic.Received(bytes.Length);
        return _hyperion.FromBinary(bytes, type);
    }
}
