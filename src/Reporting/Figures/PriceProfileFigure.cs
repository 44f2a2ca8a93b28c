using ScottPlot;

namespace MicroMarket.Reporting.Figures;

/// <summary>
/// The typical day of a multi-day run: for each slot of the day, the mean day-ahead and intra-day clearing price over
/// the days with a trade in that slot, with the min-max band across days. This is the view that stays readable for
/// a week or a month, where the full series is a smear.
/// </summary>
public static class PriceProfileFigure
{
    public const string FileName = "price-profile.png";

    public static Plot Draw(IReadOnlyList<SlotPriceRow> rows, int days)
    {
        var plot = FigureStyle.NewPlot($"Mean daily price profile over {days} days, with min-max band", "local time of day (h)", "price (tokens/kWh)");
        var profile = TimeAxis.For(1, DateTimeOffset.UnixEpoch);
        var starts = profile.BucketStarts();
        AddStage(plot, rows.Select(r => (r.Slot, r.DayAhead)).ToList(), profile, starts, FigureStyle.DayAhead, "day-ahead");
        AddStage(plot, rows.Select(r => (r.Slot, r.Intraday)).ToList(), profile, starts, FigureStyle.Intraday, "intra-day");
        profile.Apply(plot);
        plot.Axes.Bottom.Label.Text = "local time of day (h)";
        plot.Axes.AutoScaleY();
        FigureStyle.LegendBelow(plot);
        return plot;
    }

    private static void AddStage(Plot plot, List<(int Slot, double? Price)> prices, TimeAxis profile, double[] starts, Color color, string stage)
    {
        var byTimeOfDay = prices.Select(p => (p.Slot % TimeAxis.SlotsPerDay, p.Price)).ToList();
        var (x, low) = Series.Steps(starts, profile.HoursPerBucket, Series.Min(profile, byTimeOfDay));
        var (_, high) = Series.Steps(starts, profile.HoursPerBucket, Series.Max(profile, byTimeOfDay));
        var first = true;
        foreach (var (from, to) in Series.Runs(low))
        {
            var band = plot.Add.FillY(x[from..to], low[from..to], high[from..to]);
            band.FillColor = color.WithAlpha(0.18);
            band.LineWidth = 0;
            if (first)
            {
                band.LegendText = $"{stage} min-max over days";
                first = false;
            }
        }
        Series.AddStepLine(plot, starts, profile.HoursPerBucket, Series.Mean(profile, byTimeOfDay), color, 2.5f, $"{stage} mean");
    }
}
