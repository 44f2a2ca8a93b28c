using System.Globalization;
using System.Text;
using MicroMarket.Scenarios.Experiments;

namespace MicroMarket.Experiments.Sweep;

/// <summary>The effects of interest as the sweep prints them: per KPI, each level's mean and 95 % t interval, and its paired difference from the baseline.</summary>
public static class EffectsText
{
    public static string Of(Experiment experiment, IReadOnlyList<SweepEffect> effects)
    {
        var lines = new List<string[]> { new[] { "kpi", "level", "n", "mean", "95% CI", "vs baseline", "95% CI (paired t)", "p" } };
        foreach (var kpi in experiment.Kpis)
        {
            foreach (var e in effects.Where(e => e.Kpi == kpi))
            {
                var s = e.Summary;
                var d = e.Difference;
                lines.Add([
                    kpi, e.Level.Name, (s?.N ?? 0).ToString(CultureInfo.InvariantCulture), N(s?.Mean), Interval(s?.Low, s?.High),
                    e.Level.Index == experiment.BaselineLevel ? "(baseline)" : d is null ? "no pairs" : Signed(d.MeanDifference),
                    d is null ? "" : Interval(d.Low, d.High), d is null || double.IsNaN(d.PValue) ? "" : d.PValue.ToString("G3", CultureInfo.InvariantCulture),
                ]);
            }
        }
        var widths = Enumerable.Range(0, lines[0].Length).Select(c => lines.Max(l => l[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            text.AppendLine(string.Join("  ", line.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
        }
        return text.ToString();
    }

    private static string N(double? x) => x is { } v && double.IsFinite(v) ? v.ToString("G5", CultureInfo.InvariantCulture) : "";

    private static string Signed(double x) => (x >= 0 ? "+" : "") + N(x);

    private static string Interval(double? low, double? high) => low is { } l && high is { } h && double.IsFinite(l) && double.IsFinite(h) ? $"[{N(l)}, {N(h)}]" : "";
}
