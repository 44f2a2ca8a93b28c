namespace MicroMarket.Hardware.Metering;

/// <summary>A power sample: when, and how much (positive = import, negative = export).</summary>
public readonly record struct PowerSample(DateTimeOffset Timestamp, double PowerW);

/// <summary>
/// The metered energy of one settlement slot, ready to be signed by the meter key and reported.
/// Energy is integrated only where samples are at most the integrator's maximum gap apart; the
/// rest of the slot is uncovered and counted in <see cref="GapCount"/>, never estimated.
/// </summary>
/// <param name="SlotStart">Start of the slot (UTC), aligned to the slot length.</param>
/// <param name="SlotLength">Slot length (15 minutes for the market).</param>
/// <param name="ImportWh">Energy taken from the feeder, Wh, ≥ 0.</param>
/// <param name="ExportWh">Energy fed into the feeder, Wh, ≥ 0.</param>
/// <param name="SampleCount">Samples whose timestamps fall in [start, end).</param>
/// <param name="Covered">Time within the slot over which energy was integrated.</param>
/// <param name="GapCount">Separate stretches of the slot with no usable samples: before the first sample, across a gap longer than the maximum, or after the meter fell silent.</param>
public sealed record SlotEnergy(
    DateTimeOffset SlotStart,
    TimeSpan SlotLength,
    double ImportWh,
    double ExportWh,
    int SampleCount,
    TimeSpan Covered,
    int GapCount)
{
    /// <summary>End of the slot (exclusive).</summary>
    public DateTimeOffset SlotEnd => SlotStart + SlotLength;

    /// <summary>Import minus export, Wh.</summary>
    public double NetWh => ImportWh - ExportWh;

    /// <summary>Time within the slot with no integrated energy.</summary>
    public TimeSpan Uncovered => SlotLength - Covered;

    /// <summary>True when the whole slot was integrated from samples.</summary>
    public bool IsComplete => GapCount == 0 && Covered == SlotLength;
}
