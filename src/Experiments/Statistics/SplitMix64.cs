namespace MicroMarket.Experiments.Statistics;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014; the
/// reference C of prng.di.unimi.it/splitmix64.c): the state advances by the golden-ratio increment
/// γ = 0x9E3779B97F4A7C15 and each output is the state through a fixed mixing function,
/// z ← (z ⊕ (z ≫ 30))·0xBF58476D1CE4E5B9, z ← (z ⊕ (z ≫ 27))·0x94D049BB133111EB, z ⊕ (z ≫ 31), all mod 2⁶⁴.
/// </summary>
/// <remarks>
/// Here rather than <see cref="Random"/> because its sequence is fixed by those three lines of integer arithmetic,
/// so a seeded bootstrap gives the same figures on every runtime and .NET version; <see cref="Random"/>'s seeded
/// algorithm is an implementation detail. Not for cryptography.
/// </remarks>
internal sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    /// <summary>The next 64 bits of the sequence.</summary>
    public ulong Next()
    {
        unchecked
        {
            _state += 0x9E3779B97F4A7C15UL;
            var z = _state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>
    /// An index in [0, <paramref name="count"/>): the high 64 bits of the 128-bit product
    /// <see cref="Next"/>·count (Lemire's multiply-shift), i.e. ⌊u·count / 2⁶⁴⌋; no division, and a bias below
    /// count/2⁶⁴ per draw, far under anything a bootstrap of a sweep's seeds can show.
    /// </summary>
    public int NextIndex(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return (int)Math.BigMul(Next(), (ulong)count, out _);
    }
}
