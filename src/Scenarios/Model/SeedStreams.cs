namespace MicroMarket.Scenarios.Model;

/// <summary>
/// The seeds of a run's independent random streams, so an experiment can hold one fixed while it varies another
/// (the same clouds under different behaviour, say). Each defaults to the scenario's <c>seed</c>; the streams stay
/// independent even when their seeds are equal, as every draw hashes its seed with a purpose of its own stream
/// (<c>clouds:PV1</c>, <c>forecast:PV1</c>, ...).
/// </summary>
/// <param name="Weather">Clouds over the PV units (the seeded clear-sky model).</param>
/// <param name="Forecast">The errors of every unit's day-ahead forecast.</param>
/// <param name="Behaviour">What people do: each year household's diversified consumption, EV arrival jitter, and
/// the agents' tie-breaking among equally good bids.</param>
/// <param name="Populate">Which connection points a <c>populate</c> section gives PV, batteries, EVs, and their sizes.</param>
public sealed record SeedStreams(int Weather, int Forecast, int Behaviour, int Populate)
{
    /// <summary>The stream names as scenario files and experiments spell them (<c>seeds.weather</c>, ...), in this order.</summary>
    public static readonly IReadOnlyList<string> Names = ["weather", "forecast", "behaviour", "populate"];

    /// <summary>Every stream seeded with <paramref name="seed"/>.</summary>
    public static SeedStreams All(int seed) => new(seed, seed, seed, seed);

    /// <summary>The streams' seeds in <see cref="Names"/>' order.</summary>
    public IReadOnlyList<int> Values => [Weather, Forecast, Behaviour, Populate];
}
