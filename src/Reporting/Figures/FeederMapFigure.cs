using MicroMarket.Reporting.Input;
using ScottPlot;

namespace MicroMarket.Reporting.Figures;

/// <summary>A bus to draw: coordinates (m), its lowest phase voltage over the run (pu; null if never energised) and the units connected to it.</summary>
public sealed record MapBus(string Bus, double X, double Y, double? MinVoltagePu, IReadOnlyList<string> Units);

/// <summary>A line to draw between two buses' coordinates.</summary>
public sealed record MapLine(double X1, double Y1, double X2, double Y2);

/// <summary>A bus's label as placed on the map: its text and the box it covers, in the figure's pixels (y down).</summary>
public sealed record MapLabel(string Bus, string Text, PixelRect Box);

/// <summary>
/// The feeder as drawn from its bus coordinates: lines in grey, each bus coloured by the lowest phase voltage it saw
/// over the run (viridis, dark = low), unenergised buses hollow. Small feeders get bus names and the units at each
/// bus, placed so that no label covers another or a bus (<see cref="Labels"/>); a large feeder (hundreds of buses)
/// gets neither, as labels would cover the map.
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

    public static Plot Draw(IReadOnlyList<MapBus> buses, IReadOnlyList<MapLine> lines) => Draw(buses, lines, out _);

    /// <summary>
    /// The labels <see cref="Draw(IReadOnlyList{MapBus}, IReadOnlyList{MapLine})"/> places, in the pixels of the figure
    /// as the report renders it; empty when the feeder is too large to label.
    /// </summary>
    public static IReadOnlyList<MapLabel> Labels(IReadOnlyList<MapBus> buses, IReadOnlyList<MapLine> lines)
    {
        Draw(buses, lines, out var labels);
        return labels;
    }

    private static Plot Draw(IReadOnlyList<MapBus> buses, IReadOnlyList<MapLine> lines, out IReadOnlyList<MapLabel> labels)
    {
        labels = [];
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
        if (labelled)
        {
            labels = AddLabels(plot, buses, markerSize);
        }
        return plot;
    }

    private const float LabelFontSize = 12;

    /// <summary>Pixels between a label and what it must not touch.</summary>
    private const float LabelGap = 3;

    /// <summary>
    /// Places each bus's label, in the feeder's bus order (so the same run always gets the same map), at the first of
    /// its candidate positions (right of the bus, then above-right, below-right, left, above, below) whose box touches no
    /// bus and no label placed before it. A label that fits nowhere is shortened to the bus name, and left out if even
    /// that collides: on the shipped feeders B3's units ran over B5 when every label sat right of its bus.
    /// </summary>
    private static List<MapLabel> AddLabels(Plot plot, IReadOnlyList<MapBus> buses, float markerSize)
    {
        // Where the buses land depends on the layout (square units, the colour bar, tick labels): render it once at the report's size.
        plot.RenderInMemory(FigureStyle.WidthPx, HeightPx);
        var at = buses.Select(b => plot.GetPixel(new Coordinates(b.X, b.Y))).ToList();
        // Every bus, a gap included, is taken before any label is placed, so that no label covers a bus placed after it.
        var radius = markerSize / 2 + LabelGap;
        var taken = at.Select(p => new PixelRect(p.X - radius, p.X + radius, p.Y + radius, p.Y - radius)).ToList();
        var placed = new List<MapLabel>();
        for (var i = 0; i < buses.Count; i++)
        {
            var bus = buses[i];
            string[] texts = bus.Units.Count > 0 ? [$"{bus.Bus}: {string.Join(", ", bus.Units)}", bus.Bus] : [bus.Bus];
            var label = texts.SelectMany(text => Candidates(at[i], Measure(text), radius).Select(box => new MapLabel(bus.Bus, text, box)))
                .FirstOrDefault(l => !taken.Any(t => Overlap(t, l.Box)));
            if (label is null)
            {
                continue;
            }
            taken.Add(new PixelRect(label.Box.Left - LabelGap, label.Box.Right + LabelGap, label.Box.Bottom + LabelGap, label.Box.Top - LabelGap));
            placed.Add(label);
            var text = plot.Add.Text(label.Text, bus.X, bus.Y);
            text.LabelFontSize = LabelFontSize;
            text.LabelAlignment = Alignment.UpperLeft;
            text.OffsetX = label.Box.Left - at[i].X;
            text.OffsetY = label.Box.Top - at[i].Y;
        }
        return placed;
    }

    /// <summary>The boxes a label of <paramref name="size"/> may take around a bus at <paramref name="p"/>, in order of preference.</summary>
    private static IEnumerable<PixelRect> Candidates(Pixel p, PixelSize size, float radius)
    {
        var (w, h) = (size.Width, size.Height);
        (float Left, float Top)[] corners =
        [
            (p.X + radius, p.Y - h / 2),
            (p.X + radius, p.Y - radius - h),
            (p.X + radius, p.Y + radius),
            (p.X - radius - w, p.Y - h / 2),
            (p.X - w / 2, p.Y - radius - h),
            (p.X - w / 2, p.Y + radius),
        ];
        return corners.Select(c => new PixelRect(c.Left, c.Left + w, c.Top + h, c.Top));
    }

    private static PixelSize Measure(string text)
    {
        var style = new LabelStyle { Text = text, FontSize = LabelFontSize };
        using var paint = Paint.NewDisposablePaint();
        return style.Measure(paint).Size;
    }

    /// <summary>Whether two boxes (pixels, y down) share more than an edge.</summary>
    public static bool Overlap(PixelRect a, PixelRect b) => a.Left < b.Right && b.Left < a.Right && a.Top < b.Bottom && b.Top < a.Bottom;

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
