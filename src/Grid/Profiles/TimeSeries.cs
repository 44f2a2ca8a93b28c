namespace MicroMarket.Grid.Profiles;

/// <summary>
/// A regular series of interval values: value i covers [Start + i Step, Start + (i + 1) Step). Used for
/// household load (kW), PV (kW per kWp) and wind speed (m/s). Immutable; its unit is part of its name.
/// </summary>
public sealed class TimeSeries
{
    private readonly double[] _values;

    public TimeSeries(string name, string unit, TimeSpan step, IEnumerable<double> values, DateTime? start = null)
    {
        if (step <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(step), "step must be positive");
        }
        Name = name;
        Unit = unit;
        Step = step;
        Start = start;
        _values = [.. values];
    }

    public string Name { get; }

    /// <summary>Unit of the values, e.g. "kW", "kW/kWp", "m/s".</summary>
    public string Unit { get; }

    public TimeSpan Step { get; }

    /// <summary>Local clock time at which the first interval starts, when the source gives one.</summary>
    public DateTime? Start { get; }

    public int Count => _values.Length;
    public double this[int index] => _values[index];
    public ReadOnlySpan<double> Values => _values;

    /// <summary>The value for interval <paramref name="index"/>, wrapping around the series (a day profile repeated daily).</summary>
    public double Cyclic(int index) => _values[((index % _values.Length) + _values.Length) % _values.Length];

    /// <summary>
    /// Averages the series over a coarser step (1-minute household kW to 15-minute slots, 10-minute wind power to
    /// 15-minute slots), weighting each value by the time it overlaps the new interval, so that the energy of a power
    /// series is preserved. A trailing part shorter than <paramref name="step"/> is dropped.
    /// </summary>
    public TimeSeries Aggregate(TimeSpan step)
    {
        if (step < Step)
        {
            throw new ArgumentException($"{step} is finer than the series step {Step}; only aggregation is supported", nameof(step));
        }
        var source = Step.Ticks;
        var target = step.Ticks;
        var result = new double[_values.Length * source / target];
        for (var k = 0; k < result.Length; k++)
        {
            long from = k * target, to = from + target;
            var sum = 0.0;
            for (var i = from / source; i * source < to; i++)
            {
                var overlap = Math.Min(to, (i + 1) * source) - Math.Max(from, i * source);
                sum += _values[i] * overlap;
            }
            result[k] = sum / target;
        }
        return new TimeSeries(Name, Unit, step, result, Start);
    }

    /// <summary>
    /// The series at <paramref name="step"/>: averaged (<see cref="Aggregate"/>) to a coarser step, or each value held
    /// over the finer intervals it covers (an hourly mean is the best estimate of each of its quarters) when
    /// <paramref name="step"/> divides the series' own.
    /// </summary>
    public TimeSeries ToStep(TimeSpan step)
    {
        if (step >= Step)
        {
            return Aggregate(step);
        }
        if (Step.Ticks % step.Ticks != 0)
        {
            throw new ArgumentException($"{step} does not divide the series step {Step}", nameof(step));
        }
        var per = (int)(Step.Ticks / step.Ticks);
        return new TimeSeries(Name, Unit, step, _values.SelectMany(v => Enumerable.Repeat(v, per)), Start);
    }

    /// <summary>Applies a function to every value (e.g. a power curve to wind speeds), keeping the time base.</summary>
    public TimeSeries Map(string name, string unit, Func<double, double> f) =>
        new(name, unit, Step, _values.Select(f), Start);
}
