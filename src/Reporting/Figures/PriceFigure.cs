using MicroMarket.Reporting.Input;
using ScottPlot;

namespace MicroMarket.Reporting.Figures;

/// <summary>One slot's prices, tokens per kWh; null where the stage cleared nothing.</summary>
public sealed record SlotPriceRow(int Slot, double? DayAhead, double? Intraday, double? Short, double? Long);

/// <summary>
/// Day-ahead against intra-day clearing price per slot (hourly or daily means for longer runs), with the short and
/// long imbalance prices as thin dashed lines: the spread between the stages and what deviating costs. The day-ahead
/// line is drawn wide under a narrow intra-day line, so where the two prices are equal both stay visible.
/// </summary>
public static class PriceFigure
{
    public const string FileName = "price.png";

    public static IReadOnlyList<SlotPriceRow> Rows(IEnumerable<SlotRecord> slots) => slots
        .Select(s => new SlotPriceRow(s.Slot, (double?)s.DayAheadPrice, (double?)s.IntradayPrice, (double?)s.ShortPrice, (double?)s.LongPrice))
        .ToList();

    public static Plot Draw(IReadOnlyList<SlotPriceRow> rows, TimeAxis axis)
    {
        var mean = axis.Resolution == TimeResolution.Slot ? "" : $" ({axis.Adjective} mean)";
        var plot = FigureStyle.NewPlot($"Clearing price: day-ahead vs intra-day{mean}", axis.Label, "price (tokens/kWh)");
        var starts = axis.BucketStarts();
        Series.AddStepLine(plot, starts, axis.HoursPerBucket, Series.Mean(axis, rows.Select(r => (r.Slot, r.Short))), FigureStyle.ShortImbalance, 1.5f, "imbalance price, short", LinePattern.Dashed);
        Series.AddStepLine(plot, starts, axis.HoursPerBucket, Series.Mean(axis, rows.Select(r => (r.Slot, r.Long))), FigureStyle.LongImbalance, 1.5f, "imbalance price, long", LinePattern.Dashed);
        Series.AddStepLine(plot, starts, axis.HoursPerBucket, Series.Mean(axis, rows.Select(r => (r.Slot, r.DayAhead))), FigureStyle.DayAhead, 4.5f, "day-ahead clearing price");
        Series.AddStepLine(plot, starts, axis.HoursPerBucket, Series.Mean(axis, rows.Select(r => (r.Slot, r.Intraday))), FigureStyle.Intraday, 2f, "intra-day clearing price");
        axis.Apply(plot);
        plot.Axes.AutoScaleY();
        FigureStyle.LegendBelow(plot);
        return plot;
    }
}
