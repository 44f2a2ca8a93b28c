using MicroMarket.Hardware.Meters;

namespace MicroMarket.Hardware.Metering;

/// <summary>
/// Reads a meter, stamps each reading with the injected clock and feeds the slot integrator.
/// A Pi-hosted unit calls <see cref="Sample"/> every few seconds (from an actor timer) and
/// reports each <see cref="SlotEnergy"/> it returns. A failed read adds no sample, so the time
/// until the next good one is a gap if it grows past the integrator's maximum.
/// </summary>
public sealed class SlotMeter
{
    private readonly IPowerMeter _meter;
    private readonly TimeProvider _time;

    /// <summary>Creates the sampler; it does not own the meter.</summary>
    public SlotMeter(IPowerMeter meter, TimeProvider timeProvider, SlotEnergyIntegrator integrator)
    {
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(integrator);
        _meter = meter;
        _time = timeProvider;
        Integrator = integrator;
    }

    /// <summary>The integrator being fed.</summary>
    public SlotEnergyIntegrator Integrator { get; }

    /// <summary>The last good reading and when it was taken.</summary>
    public (DateTimeOffset Timestamp, PowerReading Reading)? LastReading { get; private set; }

    /// <summary>Reads that failed so far.</summary>
    public int FailedReads { get; private set; }

    /// <summary>Takes one reading (timestamped as it starts).</summary>
    /// <returns>The slots completed by this reading, oldest first; usually none.</returns>
    public IReadOnlyList<SlotEnergy> Sample()
    {
        DateTimeOffset now = _time.GetUtcNow();
        if (!_meter.TryRead(out PowerReading reading))
        {
            FailedReads++;
            return [];
        }

        LastReading = (now, reading);
        return Integrator.Add(new PowerSample(now, reading.PowerW));
    }

    /// <summary>Closes slots that ended at or before now minus <paramref name="grace"/>, sample or not.</summary>
    public IReadOnlyList<SlotEnergy> CloseElapsedSlots(TimeSpan grace)
    {
        return Integrator.CloseThrough(_time.GetUtcNow() - grace);
    }
}
