using System.Collections.Concurrent;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;

namespace MicroMarket.Simulation.Running;

/// <summary>
/// The grid operator's meters at the simulated units: on the market node, it signs each simulated
/// unit's reading of what the physics measured, with the meter key the unit registered (derived
/// from the scenario; the unit itself never holds it, so metering is not self-attested). A unit with
/// a meter of its own (a Pi) signs on its node; this service never signs for it.
/// </summary>
public sealed class MeteringService(Func<string, EthKey> meterKeyOf)
{
    // Deriving a key is a secp256k1 point multiplication, as dear as the signature: once per unit, not per reading.
    private readonly ConcurrentDictionary<string, EthKey> _keys = new();

    /// <summary>Readings that never reach the market (a meter's link down), by (unit id, slot): none in a normal run.</summary>
    public IReadOnlySet<(string Unit, int Slot)> Lost { get; init; } = new HashSet<(string, int)>();

    /// <summary>The signed reading of a simulated unit; null for a unit whose registered meter is not the service's (it meters itself) and for a lost reading.</summary>
    public SignedMeterReading? Sign(MeterReadingSigner signer, UnitIdentity unit, int slot, long importWh, long exportWh)
    {
        var key = _keys.GetOrAdd(unit.Id, meterKeyOf);
        return string.Equals(key.Address, unit.MeterAddress, StringComparison.OrdinalIgnoreCase) && !Lost.Contains((unit.Id, slot))
            ? signer.Sign(key, unit.Index, (uint)slot, checked((ulong)importWh), checked((ulong)exportWh))
            : null;
    }
}
