using MicroMarket.Hardware.Fakes;
using MicroMarket.Hardware.Meters;
using MicroMarket.Hardware.Relays;

namespace MicroMarket.Hardware.Configuration;

/// <summary>A node's relay and meter, made by <see cref="HardwareFactory.Create"/>; disposing it releases both and the buses under them.</summary>
public sealed class NodeHardware : IDisposable
{
    internal NodeHardware(HardwareOptions options, IRelay relay, IPowerMeter meter, SimulatedUnit? simulation)
    {
        Options = options;
        Relay = relay;
        Meter = meter;
        Simulation = simulation;
    }

    /// <summary>The settings this was made from.</summary>
    public HardwareOptions Options { get; }

    /// <summary>The unit's relay (starts off).</summary>
    public IRelay Relay { get; }

    /// <summary>The unit's meter.</summary>
    public IPowerMeter Meter { get; }

    /// <summary>In fake mode, the simulated electrical side; null on real hardware.</summary>
    public SimulatedUnit? Simulation { get; }

    /// <summary>True in fake mode.</summary>
    public bool IsSimulated => Simulation is not null;

    /// <inheritdoc />
    public void Dispose()
    {
        Meter.Dispose();
        Relay.Dispose();
    }
}
