using System.Buffers.Binary;
using System.Text;
using MicroMarket.Market.Chain;

namespace MicroMarket.Simulation;

/// <summary>
/// Seeds derived from the scenario seed and a name (a unit id, a purpose) that are the same in every
/// process: string.GetHashCode is randomised per process, so it must never reach a seed.
/// </summary>
public static class StableSeed
{
    public static ulong Of(int scenarioSeed, string purpose)
    {
        var hash = Keccak.Hash(Encoding.UTF8.GetBytes($"{scenarioSeed}:{purpose}"));
        return BinaryPrimitives.ReadUInt64BigEndian(hash);
    }

    public static Random Random(int scenarioSeed, string purpose) => new((int)(Of(scenarioSeed, purpose) & int.MaxValue));
}
