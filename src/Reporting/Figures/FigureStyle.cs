using MicroMarket.RunFormat;
using ScottPlot;

namespace MicroMarket.Reporting.Figures;

/// <summary>
/// The look every figure shares, sized to be read at 100 % in the report and pasted into a paper: a bold title,
/// axis labels with units, tick labels no smaller than 13 px, the legend below the data so it hides nothing, and
/// one colour per unit kind and per market stage across all figures.
/// </summary>
public static class FigureStyle
{
    public const int WidthPx = 1100;
    public const int HeightPx = 520;

    private const float TitleSizePx = 19;
    private const float AxisLabelSizePx = 15;
    private const float TickLabelSizePx = 13;
    private const float LegendSizePx = 13;

    public static readonly Color DayAhead = Color.FromHex("#1f4e99");
    public static readonly Color Intraday = Color.FromHex("#e67e22");
    public static readonly Color ShortImbalance = Color.FromHex("#c0392b");
    public static readonly Color LongImbalance = Color.FromHex("#27ae60");
    public static readonly Color Ink = Color.FromHex("#222222");
    public static readonly Color Muted = Color.FromHex("#8a8a8a");

    /// <summary>A new plot with the report's font, sizes and the given title and axis labels.</summary>
    public static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        ReportFont.EnsureRegistered();
        var plot = new Plot();
        plot.Title(title, TitleSizePx);
        plot.Axes.Title.Label.Bold = true;
        plot.XLabel(xLabel, AxisLabelSizePx);
        plot.YLabel(yLabel, AxisLabelSizePx);
        foreach (var axis in plot.Axes.GetAxes())
        {
            axis.TickLabelStyle.FontSize = TickLabelSizePx;
            axis.Label.FontSize = AxisLabelSizePx;
        }
        plot.Legend.FontName = ReportFont.Family;
        plot.Legend.FontSize = LegendSizePx;
        // Otherwise the legend picks a system font per render, which a fresh machine does not have.
        plot.Legend.SetBestFontOnEachRender = false;
        plot.Grid.MajorLineColor = Color.FromHex("#e4e4e4");
        // Room for the last bottom tick label, which is centred on the right edge of the data area.
        plot.Axes.Right.MinimumSize = 40;
        return plot;
    }

    /// <summary>Shows the legend in a panel under the data area, items in a row.</summary>
    public static void LegendBelow(Plot plot)
    {
        plot.ShowLegend(Edge.Bottom);
        plot.Legend.Orientation = Orientation.Horizontal;
    }

    /// <summary>The colour of a unit kind, the same in every figure.</summary>
    public static Color OfKind(UnitKind kind) => kind switch
    {
        UnitKind.Pv => Color.FromHex("#f2b700"),
        UnitKind.Wind => Color.FromHex("#2a9d8f"),
        UnitKind.Battery => Color.FromHex("#7b4fb5"),
        UnitKind.Ev => Color.FromHex("#1f77b4"),
        UnitKind.Load => Color.FromHex("#555555"),
        UnitKind.FlexibleLoad => Color.FromHex("#a0522d"),
        UnitKind.Slack => Color.FromHex("#c0392b"),
        UnitKind.Grid => Color.FromHex("#34495e"),
        UnitKind.Prosumer => Color.FromHex("#e76f51"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a unit kind"),
    };

    /// <summary>A readable name for a unit kind in legends.</summary>
    public static string NameOfKind(UnitKind kind) => kind switch
    {
        UnitKind.Pv => "PV",
        UnitKind.Wind => "wind",
        UnitKind.Battery => "battery",
        UnitKind.Ev => "EV",
        UnitKind.Load => "load",
        UnitKind.FlexibleLoad => "flexible load",
        UnitKind.Slack => "slack",
        UnitKind.Grid => "upstream grid",
        UnitKind.Prosumer => "prosumer (net)",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a unit kind"),
    };

    /// <summary>A note in the middle of an empty figure, so a run without (say) batteries still gets a titled figure saying why.</summary>
    public static void EmptyNote(Plot plot, string note)
    {
        var text = plot.Add.Text(note, 0.5, 0.5);
        text.LabelFontSize = AxisLabelSizePx;
        text.LabelFontColor = Muted;
        text.LabelAlignment = Alignment.MiddleCenter;
        plot.Axes.SetLimits(0, 1, 0, 1);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual();
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual();
    }
}
