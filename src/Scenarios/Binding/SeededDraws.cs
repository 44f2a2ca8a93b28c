using System.Text;

namespace MicroMarket.Scenarios.Binding;

/// <summary>
/// Random draws for placing generated units: SplitMix64 on a state derived from the scenario seed and a stream name,
/// so each populate section draws independently (adding batteries does not move the PVs) and the same seed gives the
/// same units on any machine and .NET version.
/// </summary>
internal sealed class SeededDraws
{
    private ulong _state;

    private SeededDraws(ulong state) => _state = state;

    public static SeededDraws For(int seed, string stream)
    {
        // FNV-1a of the stream name: string.GetHashCode is randomised per process.
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(stream))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }
        return new SeededDraws(hash ^ (ulong)(uint)seed);
    }

    /// <summary>Uniform in [0, 1), 53 random bits.</summary>
    public double NextUnit() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [low, high], rounded to 0.01 (generated sizes stay readable in the resolved file).</summary>
    public double NextIn(double low, double high) => Math.Clamp(Math.Round(low + (high - low) * NextUnit(), 2), low, high);

    /// <summary>A <see cref="System.Random"/> seeded from this stream, for a model that draws many variates (a household's year).</summary>
    public Random Random() => new((int)(Next() & int.MaxValue));

    /// <summary>The items in a uniformly random order (Fisher-Yates).</summary>
    public List<T> Shuffle<T>(IEnumerable<T> items)
    {
        var list = items.ToList();
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = (int)(NextUnit() * (i + 1));
            (list[i], list[j]) = (list[j], list[i]);
        }
        return list;
    }

    private ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
