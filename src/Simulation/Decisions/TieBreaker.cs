namespace MicroMarket.Simulation.Decisions;

/// <summary>
/// How a planning unit ranks slots it finds about equally cheap, so that identical units sharing one
/// price expectation do not all pick the same slots (herding: fourteen EVs charging on arrival
/// because every night slot is expected at the same price). Each slot's expected price gets a
/// premium of up to <see cref="Band"/>, fixed per unit and slot by the unit's stable seed: units
/// spread over the slots within the band of the cheapest, and a unit's choice is the same in every
/// run of the scenario and seed, whatever order it plans in.
/// </summary>
public sealed class TieBreaker(ulong seed)
{
    /// <summary>
    /// Tokens per kWh: prices closer than this are a tie. Two cents is well within the forecast's own
    /// error (its MAE is reported per run), so the unit gives up nothing it could have known, and at
    /// most that per kWh if the expectation were exact.
    /// </summary>
    public const decimal Band = 0.02m;

    /// <summary>The price the unit ranks <paramref name="slot"/> by: the expectation plus its premium for the slot.</summary>
    /// <param name="preference">0..1, the owner's own distaste for the slot (0: where the owner likes it best); null: none.</param>
    public decimal RankingPrice(PriceOutlook outlook, int slot, double? preference = null)
    {
        var draw = Fraction(slot);
        // The owner's preference ranks ties first, and the draw still parts owners who share one.
        var premium = preference is { } p ? (Math.Clamp(p, 0, 1) + draw) / 2 : draw;
        return outlook.At(slot) + Band * (decimal)premium;
    }

    /// <summary>A uniform draw in [0, 1) for the slot: SplitMix64 of the seed and the slot, so it depends on nothing else.</summary>
    private double Fraction(int slot)
    {
        var z = seed + 0x9E3779B97F4A7C15UL * (ulong)(uint)slot;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}
