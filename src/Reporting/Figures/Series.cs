using ScottPlot;

namespace MicroMarket.Reporting.Figures;

/// <summary>
/// Turns slot-level values into what a figure draws: one value per bucket of a <see cref="TimeAxis"/>, and step
/// outlines, because a slot's price or energy holds for the whole slot and a sloped line between slots would invent
/// values that never existed.
/// </summary>
internal static class Series
{
    /// <summary>The mean per bucket of the values present; NaN (a gap) where a bucket has none.</summary>
    public static double[] Mean(TimeAxis axis, IEnumerable<(int Slot, double? Value)> values) => Aggregate(axis, values, v => v.Average());

    /// <summary>The sum per bucket of the values present; zero where a bucket has none.</summary>
    public static double[] Sum(TimeAxis axis, IEnumerable<(int Slot, double? Value)> values)
    {
        var sums = Aggregate(axis, values, v => v.Sum());
        return sums.Select(v => double.IsNaN(v) ? 0 : v).ToArray();
    }

    /// <summary>The average power per bucket (kW) of slot energies (kWh): each bucket's sum over the hours the run has in it.</summary>
    public static double[] AveragePower(TimeAxis axis, IEnumerable<(int Slot, double? Kwh)> energies) =>
        Sum(axis, energies).Select((kwh, bucket) => kwh / axis.HoursIn(bucket)).ToArray();

    public static double[] Min(TimeAxis axis, IEnumerable<(int Slot, double? Value)> values) => Aggregate(axis, values, v => v.Min());

    public static double[] Max(TimeAxis axis, IEnumerable<(int Slot, double? Value)> values) => Aggregate(axis, values, v => v.Max());

    private static double[] Aggregate(TimeAxis axis, IEnumerable<(int Slot, double? Value)> values, Func<List<double>, double> reduce)
    {
        var buckets = new List<double>[axis.Buckets];
        foreach (var (slot, value) in values)
        {
            var b = axis.BucketOf(slot);
            if (value is { } v && b >= 0 && b < buckets.Length)
            {
                (buckets[b] ??= []).Add(v);
            }
        }
        return buckets.Select(b => b is null ? double.NaN : reduce(b)).ToArray();
    }

    /// <summary>
    /// The outline of a step function over buckets of <paramref name="width"/> starting at <paramref name="starts"/>:
    /// each value is held from its bucket's start to its end. A NaN value leaves a gap.
    /// </summary>
    public static (double[] X, double[] Y) Steps(double[] starts, double width, double[] values)
    {
        var x = new List<double>(values.Length * 3);
        var y = new List<double>(values.Length * 3);
        for (var i = 0; i < values.Length; i++)
        {
            x.Add(starts[i]);
            y.Add(values[i]);
            x.Add(starts[i] + width);
            y.Add(values[i]);
        }
        return (x.ToArray(), y.ToArray());
    }

    /// <summary>Adds a step line; NaN values split it into runs, each drawn as its own line, which are returned (to move them to another axis).</summary>
    public static IReadOnlyList<ScottPlot.Plottables.Scatter> AddStepLine(Plot plot, double[] starts, double width, double[] values, Color color, float widthPx, string? legend,
        LinePattern pattern = default)
    {
        var (x, y) = Steps(starts, width, values);
        var lines = new List<ScottPlot.Plottables.Scatter>();
        foreach (var (from, to) in Runs(y))
        {
            var line = plot.Add.ScatterLine(x[from..to], y[from..to], color);
            line.LineWidth = widthPx;
            line.LinePattern = pattern;
            if (legend is not null && lines.Count == 0)
            {
                line.LegendText = legend;
            }
            lines.Add(line);
        }
        return lines;
    }

    /// <summary>Index ranges [from, to) of consecutive finite values.</summary>
    public static IEnumerable<(int From, int To)> Runs(double[] values)
    {
        var start = -1;
        for (var i = 0; i <= values.Length; i++)
        {
            var finite = i < values.Length && double.IsFinite(values[i]);
            if (finite && start < 0)
            {
                start = i;
            }
            else if (!finite && start >= 0)
            {
                yield return (start, i);
                start = -1;
            }
        }
    }
}
