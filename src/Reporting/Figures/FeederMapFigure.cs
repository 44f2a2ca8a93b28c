using MicroMarket.Reporting.Input;
using ScottPlot;

namespace MicroMarket.Reporting.Figures;

/// <summary>A bus to draw: coordinates (m), its lowest phase voltage over the run (pu; null if never energised) and the units connected to it.</summary>
public sealed record MapBus(string Bus, double X, double Y, double? MinVoltagePu, IReadOnlyList<string> Units);

/// <summary>A line to draw between two buses' coordinates.</summary>
public sealed record MapLine(double X1, double Y1, double X2, double Y2);

/// <summary>
/// The feeder as drawn from its bus coordinates: lines in grey, each bus coloured by the lowest phase voltage it saw
/// over the run (viridis, dark = low), unenergised buses hollow. Small feeders get bus names and the units at each
/// bus; a large feeder (hundreds of buses) gets neither, as labels would cover the map.
/// </summary>
public static class FeederMapFigure
{
    public const string FileName = "feeder-map.png";
    public const int HeightPx = 700;

    private const int MaxLabelledBuses = 40;

    public static (IReadOnlyList<MapBus> Buses, IReadOnlyList<MapLine> Lines) Rows(IEnumerable<BusRecord> buses, IEnumerable<LineRecord> lines, IEnumerable<Participant> participants)
    {
        var unitsAt = participants.GroupBy(p => p.Bus).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(p => p.Unit).ToList());
        var placed = buses.Where(b => b.X is not null && b.Y is not null)
            .Select(b => new MapBus(b.Bus, b.X!.Value, b.Y!.Value, b.MinVoltagePu, unitsAt.GetValueOrDefault(b.Bus, [])))
            .ToList();
        var at = placed.ToDictionary(b => b.Bus);
        var mapLines = lines.Where(l => at.ContainsKey(l.FromBus) && at.ContainsKey(l.ToBus))
            .Select(l => new MapLine(at[l.FromBus].X, at[l.FromBus].Y, at[l.ToBus].X, at[l.ToBus].Y))
            .ToList();
        return (placed, mapLines);
    }

    public static Plot Draw(IReadOnlyList<MapBus> buses, IReadOnlyList<MapLine> lines)
    {
        var plot = FigureStyle.NewPlot("Feeder map: lowest phase voltage per bus over the run", "x (m)", "y (m)");
        if (buses.Count == 0)
        {
            FigureStyle.EmptyNote(plot, "the run's buses.csv has no bus coordinates");
            return plot;
        }
        foreach (var line in lines)
        {
            var segment = plot.Add.Line(line.X1, line.Y1, line.X2, line.Y2);
            segment.LineColor = FigureStyle.Muted;
            segment.LineWidth = 2;
        }
        var energised = buses.Where(b => b.MinVoltagePu is not null).ToList();
        var scale = VoltageScale.Of(energised.Select(b => b.MinVoltagePu!.Value));
        var labelled = buses.Count <= MaxLabelledBuses;
        var markerSize = labelled ? 16f : 7f;
        foreach (var bus in buses)
        {
            var marker = bus.MinVoltagePu is { } pu
                ? plot.Add.Marker(bus.X, bus.Y, MarkerShape.FilledCircle, markerSize, scale.ColorOf(pu))
                : plot.Add.Marker(bus.X, bus.Y, MarkerShape.OpenCircle, markerSize, FigureStyle.Muted);
            marker.MarkerLineWidth = 1.5f;
            if (labelled)
            {
                var units = bus.Units.Count > 0 ? $": {string.Join(", ", bus.Units)}" : "";
                var text = plot.Add.Text($"{bus.Bus}{units}", bus.X, bus.Y);
                text.LabelFontSize = 12;
                text.LabelAlignment = Alignment.LowerLeft;
                text.OffsetX = 9;
                text.OffsetY = -6;
            }
        }
        if (energised.Count > 0)
        {
            var bar = plot.Add.ColorBar(scale, Edge.Right);
            bar.Label = "lowest phase voltage (pu)";
            bar.LabelStyle.FontSize = 14;
        }
        plot.Axes.SquareUnits();
        plot.Axes.AutoScale();
        // Labels extend right of their bus; leave room so the outermost ones stay inside the frame.
        plot.Axes.Margins(labelled ? 0.25 : 0.05, 0.08);
        return plot;
    }

    /// <summary>The colour axis of the map: viridis over the voltages present (a flat feeder gets a small span around its value).</summary>
    private sealed class VoltageScale(ScottPlot.Range range) : IHasColorAxis
    {
        private const double MinimumSpanPu = 0.001;

        public IColormap Colormap { get; set; } = new ScottPlot.Colormaps.Viridis();

        public ScottPlot.Range GetRange() => range;

        public Color ColorOf(double pu) => Colormap.GetColor((pu - range.Min) / (range.Max - range.Min));

        public static VoltageScale Of(IEnumerable<double> voltages)
        {
            var list = voltages.DefaultIfEmpty(1.0).ToList();
            var (min, max) = (list.Min(), list.Max());
            if (max - min < MinimumSpanPu)
            {
                (min, max) = ((min + max) / 2 - MinimumSpanPu / 2, (min + max) / 2 + MinimumSpanPu / 2);
            }
            return new VoltageScale(new ScottPlot.Range(min, max));
        }
    }
}
