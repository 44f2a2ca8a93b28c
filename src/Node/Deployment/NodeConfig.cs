using MicroMarket.Hardware.Configuration;

namespace MicroMarket.Node.Deployment;

/// <summary>
/// One deployment of the market over a cluster, as every node reads it (docs/cluster.md): the
/// scenario, how the cluster forms, where the market writes and which chain it uses, how the
/// simulated units are shared, and the units that live on Raspberry Pi nodes.
/// </summary>
public sealed record NodeConfig(
    string SourcePath,
    string ScenarioPath,
    int? Seed,
    ClusterSettings Cluster,
    MarketNodeSettings Market,
    IReadOnlyList<PiUnitSettings> PiUnits)
{
    public PiUnitSettings? PiUnit(string unitId) => PiUnits.FirstOrDefault(p => p.Unit == unitId);
}

/// <summary>
/// The cluster: the actor system's name, the seed nodes (host:port), how many sim nodes share the
/// simulated units, and how long the split-brain resolver waits for a stable membership before it
/// downs unreachable nodes.
/// </summary>
public sealed record ClusterSettings(string Name, IReadOnlyList<string> SeedNodes, int SimNodes, TimeSpan StableAfter, TimeSpan UnitReplyTimeout, TimeSpan StartTimeout);

/// <summary>
/// The market node: its run directory, its chain (null: start Anvil), the address and port (null:
/// any free one) where units reach the Anvil it starts (its RPC filter listens there; Anvil itself
/// on loopback only), live pacing, and the operator's key file (null: Anvil's first development account,
/// refused on a chain that is not a development chain).
/// </summary>
public sealed record MarketNodeSettings(string OutputDirectory, Uri? Chain, string RpcHost, LiveSettings? Live, string? OperatorKeyFile = null, int? RpcPort = null);

/// <summary>Live mode: a 15-minute slot lasts <see cref="SlotSeconds"/> of wall time, and the market opens <see cref="StartDelaySeconds"/> after the node starts.</summary>
public sealed record LiveSettings(int SlotSeconds, int StartDelaySeconds, int BlockSeconds);

/// <summary>
/// A unit on a Pi: its trading key file and, apart from it, its meter key file (only the meter
/// signs readings: metering is not the trader's to attest), how its measured power maps to the
/// modelled unit (a lab bench draws watts where the house it stands for draws kilowatts), and its
/// relay and meter, in the hardware layer's own settings, so that every driver option is reachable from the file.
/// </summary>
public sealed record PiUnitSettings(string Unit, string? KeysFile, string? MeterKeyFile, double PowerScale, TimeSpan SampleInterval, HardwareOptions Hardware);
