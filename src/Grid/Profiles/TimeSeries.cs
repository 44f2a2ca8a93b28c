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
    /// Averages consecutive blocks to a coarser step (e.g. 1-minute household kW to 15-minute slots). The mean of
    /// a power preserves its energy. <paramref name="step"/> must be a whole multiple of <see cref="Step"/>
    /// dividing the series length.
    /// </summary>
    public TimeSeries Aggregate(TimeSpan step)
    {
        if (step.Ticks % Step.Ticks != 0)
        {
            throw new ArgumentException($"{step} is not a multiple of the series step {Step}", nameof(step));
        }
        var block = (int)(step.Ticks / Step.Ticks);
        if (_values.Length % block != 0)
        {
            throw new ArgumentException($"{Count} values of {Step} do not split into whole {step} intervals", nameof(step));
        }
        var result = new double[_values.Length / block];
        for (var i = 0; i < result.Length; i++)
        {
            var sum = 0.0;
            for (var k = 0; k < block; k++)
            {
                sum += _values[i * block + k];
            }
            result[i] = sum / block;
        }
        return new TimeSeries(Name, Unit, step, result, Start);
    }

    /// <summary>Applies a function to every value (e.g. a power curve to wind speeds), keeping the time base.</summary>
    public TimeSeries Map(string name, string unit, Func<double, double> f) =>
        new(name, unit, Step, _values.Select(f), Start);
}
