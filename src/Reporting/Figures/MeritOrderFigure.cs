using MicroMarket.RunFormat;
using MicroMarket.Reporting.Input;
using ScottPlot;

namespace MicroMarket.Reporting.Figures;

/// <summary>One step of a slot's order book: price in tokens per kWh, quantity in kWh, with the order id for merit-order ties.</summary>
public sealed record BookStep(OrderSide Side, long OrderId, int Step, double Price, double QuantityKwh);

/// <summary>What the auction recorded for the slot: the clearing price (tokens/kWh) and the volume traded (kWh); null if nothing cleared.</summary>
public sealed record ClearingPoint(double? Price, double VolumeKwh);

/// <summary>
/// The supply and demand curves of one slot of one stage, built from the order steps in merit order (buys by price
/// descending, sells ascending, ties by order id then step), with the clearing point the market recorded. The
/// curves are drawn, not re-cleared: the point is the auction's own price and volume from slots.csv.
/// </summary>
public static class MeritOrderFigure
{
    public static string FileName(MarketStage stage) => stage == MarketStage.DayAhead ? "merit-order-day-ahead.png" : "merit-order-intraday.png";

    public static string StageName(MarketStage stage) => stage == MarketStage.DayAhead ? "day-ahead" : "intra-day";

    /// <summary>
    /// The slot to show when the caller names none: the delivered slot with the largest day-ahead volume (the
    /// busiest book), the earliest on a tie; slot 0 if nothing traded.
    /// </summary>
    public static int DefaultSlot(IEnumerable<SlotRecord> slots) => slots
        .Where(s => s.Physics is not null && s.DayAheadVolumeWh > 0)
        .OrderByDescending(s => s.DayAheadVolumeWh)
        .ThenBy(s => s.Slot)
        .Select(s => s.Slot)
        .FirstOrDefault();

    public static IReadOnlyList<BookStep> Book(IEnumerable<OrderStep> orders, MarketStage stage, int slot) => orders
        .Where(o => o.Stage == stage && o.Slot == slot && o.QuantityWh > 0)
        .Select(o => new BookStep(o.Side, o.OrderId, o.Step, (double)o.Price, o.QuantityWh / 1000))
        .ToList();

    public static ClearingPoint Clearing(SlotRecord slot, MarketStage stage) => stage == MarketStage.DayAhead
        ? new ClearingPoint((double?)slot.DayAheadPrice, (slot.DayAheadVolumeWh ?? 0) / 1000)
        : new ClearingPoint((double?)slot.IntradayPrice, (slot.IntradayVolumeWh ?? 0) / 1000);

    public static Plot Draw(IReadOnlyList<BookStep> book, ClearingPoint clearing, MarketStage stage, int slot, string slotTime)
    {
        var plot = FigureStyle.NewPlot($"{char.ToUpperInvariant(StageName(stage)[0])}{StageName(stage)[1..]} auction, slot {slot} ({slotTime}): supply and demand",
            "cumulative quantity (kWh)", "price (tokens/kWh)");
        if (book.Count == 0)
        {
            FigureStyle.EmptyNote(plot, $"no {StageName(stage)} orders for slot {slot}");
            return plot;
        }
        var demand = Curve(book.Where(s => s.Side == OrderSide.Buy).OrderByDescending(s => s.Price).ThenBy(s => s.OrderId).ThenBy(s => s.Step));
        var supply = Curve(book.Where(s => s.Side == OrderSide.Sell).OrderBy(s => s.Price).ThenBy(s => s.OrderId).ThenBy(s => s.Step));
        AddCurve(plot, demand, FigureStyle.DayAhead, "demand (buy orders)");
        AddCurve(plot, supply, FigureStyle.ShortImbalance, "supply (sell orders)");
        if (clearing.Price is { } price && clearing.VolumeKwh > 0)
        {
            var point = plot.Add.Marker(clearing.VolumeKwh, price, MarkerShape.FilledCircle, 13, FigureStyle.Ink);
            point.LegendText = $"clearing point: {clearing.VolumeKwh:0.###} kWh at {price:0.####} tokens/kWh";
        }
        else
        {
            plot.Add.Marker(0, 0, MarkerShape.None).LegendText = "no trade cleared";
        }
        plot.Axes.AutoScale();
        plot.Axes.Margins(0.03, 0.08);
        FigureStyle.LegendBelow(plot);
        return plot;
    }

    /// <summary>The step outline of a merit order: each step's price held over its quantity, cumulated.</summary>
    private static (double[] X, double[] Y) Curve(IEnumerable<BookStep> meritOrder)
    {
        var x = new List<double>();
        var y = new List<double>();
        var cumulative = 0.0;
        foreach (var step in meritOrder)
        {
            x.Add(cumulative);
            y.Add(step.Price);
            cumulative += step.QuantityKwh;
            x.Add(cumulative);
            y.Add(step.Price);
        }
        return (x.ToArray(), y.ToArray());
    }

    private static void AddCurve(Plot plot, (double[] X, double[] Y) curve, Color color, string legend)
    {
        if (curve.X.Length == 0)
        {
            return;
        }
        var line = plot.Add.ScatterLine(curve.X, curve.Y, color);
        line.LineWidth = 2.5f;
        line.LegendText = legend;
    }
}
