namespace MicroMarket.Hardware.Metering;

/// <summary>
/// Integrates power samples into import and export energy per slot. Between two samples power
/// is taken as a straight line (the trapezoidal rule); where the line crosses zero the interval is
/// split at the crossing, so import and export are the exact positive and negative areas. An
/// interval that spans a slot boundary is split at the boundary, with power interpolated there.
/// An interval longer than <see cref="MaxSampleGap"/> is not integrated: it is a gap.
/// </summary>
/// <remarks>
/// Energy accumulates in joules (W·s) and is divided by 3600 once per slot, so constant power
/// sampled on whole seconds gives exact watt-hours. Not thread-safe: one caller feeds it.
/// </remarks>
public sealed class SlotEnergyIntegrator
{
    /// <summary>The market's settlement slot.</summary>
    public static readonly TimeSpan DefaultSlotLength = TimeSpan.FromMinutes(15);

    private const double JoulesPerWattHour = 3600;

    private PowerSample? _last;
    private Accumulator? _open;
    private DateTimeOffset _accountedThrough = DateTimeOffset.MinValue;

    /// <summary>Creates an integrator.</summary>
    /// <param name="maxSampleGap">Longest interval between samples still integrated (say 3 × the polling period).</param>
    /// <param name="slotLength">Slot length; 15 minutes by default. Must divide a day.</param>
    /// <param name="slotOrigin">A slot boundary; the Unix epoch (UTC midnight) by default.</param>
    public SlotEnergyIntegrator(TimeSpan maxSampleGap, TimeSpan? slotLength = null, DateTimeOffset? slotOrigin = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxSampleGap, TimeSpan.Zero);
        SlotLength = slotLength ?? DefaultSlotLength;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SlotLength, TimeSpan.Zero, nameof(slotLength));
        if (TimeSpan.TicksPerDay % SlotLength.Ticks != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(slotLength), "A slot length must divide a day.");
        }

        MaxSampleGap = maxSampleGap;
        SlotOrigin = slotOrigin ?? DateTimeOffset.UnixEpoch;
    }

    /// <summary>Slot length.</summary>
    public TimeSpan SlotLength { get; }

    /// <summary>A slot boundary all others are whole slot lengths from.</summary>
    public DateTimeOffset SlotOrigin { get; }

    /// <summary>Longest interval between samples still integrated.</summary>
    public TimeSpan MaxSampleGap { get; }

    /// <summary>Samples dropped for going back in time, repeating a timestamp, or not being finite.</summary>
    public int RejectedSamples { get; private set; }

    /// <summary>The slot now accumulating, or null before the first sample.</summary>
    public DateTimeOffset? OpenSlotStart => _open?.Start;

    /// <summary>The start of the slot containing <paramref name="time"/>.</summary>
    public DateTimeOffset SlotStartOf(DateTimeOffset time)
    {
        long offset = (time - SlotOrigin).Ticks;
        long slot = offset >= 0 ? offset / SlotLength.Ticks : ((offset + 1) / SlotLength.Ticks) - 1;
        return (SlotOrigin + TimeSpan.FromTicks(slot * SlotLength.Ticks)).ToUniversalTime();
    }

    /// <summary>Adds a sample.</summary>
    /// <returns>The slots this sample completed (its timestamp is at or past their end), oldest first; usually none.</returns>
    public IReadOnlyList<SlotEnergy> Add(PowerSample sample)
    {
        // _accountedThrough is at or after the last sample; a sample before it belongs to a slot
        // that is already reported.
        if (!double.IsFinite(sample.PowerW) || (_last is PowerSample last && (sample.Timestamp <= last.Timestamp || sample.Timestamp < _accountedThrough)))
        {
            RejectedSamples++;
            return [];
        }

        var completed = new List<SlotEnergy>();
        if (_last is not PowerSample previous)
        {
            _open = new Accumulator(SlotStartOf(sample.Timestamp), SlotLength);
            _open.AddUncovered(sample.Timestamp - _open.Start);
        }
        else
        {
            Advance(previous, sample, completed);
        }

        _open!.SampleCount++;
        _last = sample;
        _accountedThrough = sample.Timestamp;
        return completed;
    }

    /// <summary>
    /// Closes every slot that ends at or before <paramref name="time"/> even without a sample past it,
    /// for a meter that has fallen silent. The time since the last sample counts as a gap.
    /// </summary>
    /// <returns>The slots closed, oldest first.</returns>
    public IReadOnlyList<SlotEnergy> CloseThrough(DateTimeOffset time)
    {
        var completed = new List<SlotEnergy>();
        while (_open is not null && _open.End <= time)
        {
            DateTimeOffset from = _accountedThrough > _open.Start ? _accountedThrough : _open.Start;
            _open.AddUncovered(_open.End - from);
            _accountedThrough = _open.End;
            completed.Add(_open.ToRecord());
            _open = new Accumulator(_open.End, SlotLength);
        }

        return completed;
    }

    private void Advance(PowerSample a, PowerSample b, List<SlotEnergy> completed)
    {
        bool gap = b.Timestamp - a.Timestamp > MaxSampleGap;
        double spanTicks = (b.Timestamp - a.Timestamp).Ticks;

        // After CloseThrough, the start of this interval may already be reported.
        DateTimeOffset cursor = _accountedThrough > a.Timestamp ? _accountedThrough : a.Timestamp;
        while (cursor < b.Timestamp)
        {
            Accumulator slot = _open!;
            DateTimeOffset end = slot.End < b.Timestamp ? slot.End : b.Timestamp;
            if (gap)
            {
                slot.AddUncovered(end - cursor);
            }
            else
            {
                double p0 = a.PowerW + ((b.PowerW - a.PowerW) * (cursor - a.Timestamp).Ticks / spanTicks);
                double p1 = a.PowerW + ((b.PowerW - a.PowerW) * (end - a.Timestamp).Ticks / spanTicks);
                slot.AddSegment(p0, p1, end - cursor);
            }

            cursor = end;
            if (cursor == slot.End)
            {
                completed.Add(slot.ToRecord());
                _open = new Accumulator(slot.End, SlotLength);
            }
        }
    }

    private sealed class Accumulator(DateTimeOffset start, TimeSpan length)
    {
        private double _importJ;
        private double _exportJ;
        private TimeSpan _covered;
        private int _gaps;
        private bool _inGap;

        public DateTimeOffset Start { get; } = start;

        public DateTimeOffset End { get; } = start + length;

        public int SampleCount { get; set; }

        public void AddSegment(double p0, double p1, TimeSpan duration)
        {
            double seconds = duration.Ticks / (double)TimeSpan.TicksPerSecond;
            if (p0 >= 0 && p1 >= 0)
            {
                _importJ += (p0 + p1) / 2 * seconds;
            }
            else if (p0 <= 0 && p1 <= 0)
            {
                _exportJ -= (p0 + p1) / 2 * seconds;
            }
            else
            {
                // The line crosses zero at fraction f: a triangle on each side.
                double f = p0 / (p0 - p1);
                double first = p0 / 2 * f * seconds;
                double second = p1 / 2 * (1 - f) * seconds;
                _importJ += Math.Max(first, 0) + Math.Max(second, 0);
                _exportJ -= Math.Min(first, 0) + Math.Min(second, 0);
            }

            _covered += duration;
            _inGap = false;
        }

        public void AddUncovered(TimeSpan duration)
        {
            if (duration <= TimeSpan.Zero)
            {
                return;
            }

            if (!_inGap)
            {
                _gaps++;
                _inGap = true;
            }
        }

        public SlotEnergy ToRecord()
        {
            return new SlotEnergy(Start, length, _importJ / JoulesPerWattHour, _exportJ / JoulesPerWattHour, SampleCount, _covered, _gaps);
        }
    }
}
