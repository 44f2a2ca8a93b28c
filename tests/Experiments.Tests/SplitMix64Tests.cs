using MicroMarket.Experiments.Statistics;

namespace MicroMarket.Experiments.Tests;

/// <summary>The bootstrap's generator against the published SplitMix64 sequence, so its draws are the same on every runtime.</summary>
public sealed class SplitMix64Tests
{
    [Fact]
    public void Seed_1234567_gives_the_published_sequence()
    {
        // Rosetta Code, "Pseudo-random numbers/Splitmix64" (the reference splitmix64.c): the first five outputs for seed 1234567.
        var random = new SplitMix64(1234567);

        ulong[] expected = [6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821];
        Assert.Equal(expected, Enumerable.Range(0, expected.Length).Select(_ => random.Next()));
    }

    [Fact]
    public void Indices_stay_in_range_and_reach_every_value()
    {
        var random = new SplitMix64(7);

        var indices = Enumerable.Range(0, 1000).Select(_ => random.NextIndex(10)).ToArray();

        Assert.All(indices, i => Assert.InRange(i, 0, 9));
        Assert.Equal(10, indices.Distinct().Count());
    }
}
