using System.Globalization;
using MicroMarket.Reporting.Input;
using MicroMarket.RunFormat;
using ScottPlot;

namespace MicroMarket.Reporting.Figures;

/// <summary>Metered energy of one unit kind in one slot, kWh: what it fed into the feeder and what it took from it.</summary>
public sealed record KindFlowRow(int Slot, UnitKind Kind, double ExportKwh, double ImportKwh);

/// <summary>Which kind of unit held the island's voltage in a slot; None when grid-connected.</summary>
public enum GridFormerKind
{
    None,
    Genset,
    Storage,
    Blackout,
}

/// <summary>
/// What the balance did in a delivered slot, kWh: renewable energy available but curtailed, energy dumped in the
/// ballast, demand not served, storage charged (absorbed) and discharged (supplied) beyond its schedules, and who
/// formed the grid.
/// </summary>
public sealed record BalanceRow(int Slot, double CurtailedKwh, double BallastKwh, double NotServedKwh, double StorageAbsorbedKwh, double StorageSuppliedKwh,
    GridFormerKind Former);

/// <summary>One unit kind's metered supply per bucket, kW.</summary>
public sealed record SupplyArea(UnitKind Kind, double[] Kw);

/// <summary>The share of each bucket's slots whose grid one kind of unit formed (0..1).</summary>
public sealed record FormerShare(GridFormerKind Former, double[] Share);

/// <summary>
/// Everything the dispatch figure draws, as average power per bucket of its time axis (kW; energy = kW x the
/// bucket's hours): the supply stack bottom up, the consumption, and the balance's own areas.
/// </summary>
public sealed record DispatchAreas(
    IReadOnlyList<SupplyArea> Supply,
    double[] ConsumptionKw,
    double[] CurtailedKw,
    double[] BallastKw,
    double[] NotServedKw,
    double[] StorageChargedKw,
    double[] StorageDischargedKw,
    IReadOnlyList<FormerShare> Formers);

/// <summary>
/// Who supplied the feeder and what the balance did: average power per unit kind (metered export, stacked) against
/// the local consumption (the metered import of every unit but the slack and the grid: loads, flexible loads, EV
/// and battery charging). The balance's own energies get their own areas: curtailed renewables on top of the
/// stack (what was available and not delivered), ballast and then load not served above the consumption line,
/// storage charged and discharged by the balance below zero (it is inside the stack and the consumption already;
/// below zero it is visible as the balance's doing), and a strip under the data naming the grid former.
/// </summary>
public static class DispatchFigure
{
    public const string FileName = "dispatch.png";

    /// <summary>Taller than the others: the legend has up to fifteen entries and wraps onto several rows.</summary>
    public const int HeightPx = 640;

    /// <summary>Stacking order, bottom up: the balancing units first, the variable renewables on top.</summary>
    private static readonly UnitKind[] StackOrder = [UnitKind.Slack, UnitKind.Grid, UnitKind.Battery, UnitKind.Ev, UnitKind.FlexibleLoad, UnitKind.Load, UnitKind.Prosumer, UnitKind.Wind, UnitKind.Pv];

    private static readonly Color Curtailed = Color.FromHex("#f2b700");
    private static readonly Color Ballast = Color.FromHex("#6b5b45");
    private static readonly Color NotServed = Color.FromHex("#ff1a1a");
    private static readonly Color StorageCharged = Color.FromHex("#7b4fb5");
    private static readonly Color StorageDischarged = Color.FromHex("#c9b3e6");

    /// <summary>The grid-former strip's height and its gap to the data, as fractions of the data's span.</summary>
    private const double StripHeight = 0.06, StripGap = 0.03;

    public static IReadOnlyList<KindFlowRow> Rows(IEnumerable<UnitSlotRecord> units) => units
        .Where(u => u.MeteredImportWh is not null)
        .GroupBy(u => (u.Slot, u.Kind))
        .Select(g => new KindFlowRow(g.Key.Slot, g.Key.Kind, g.Sum(u => u.MeteredExportWh ?? 0) / 1000, g.Where(u => !u.IsBalanceResponsible).Sum(u => u.MeteredImportWh ?? 0) / 1000))
        .OrderBy(r => r.Slot).ThenBy(r => r.Kind)
        .ToList();

    /// <summary>The balance's energies per delivered slot; the genset is the slack of a run that records a genset state.</summary>
    public static IReadOnlyList<BalanceRow> Balance(IEnumerable<SlotRecord> slots, IReadOnlyList<Participant> participants)
    {
        var slacks = participants.Where(p => p.Kind == UnitKind.Slack).Select(p => p.Unit).ToHashSet();
        return slots
            .Where(s => s.Physics is not null)
            .Select(s => (s.Slot, Physics: s.Physics!))
            .Select(s => new BalanceRow(s.Slot, s.Physics.CurtailedKwh, s.Physics.BallastKwh, s.Physics.NotServedKwh, s.Physics.StorageAbsorbedKwh,
                s.Physics.StorageSuppliedKwh, FormerOf(s.Physics, slacks)))
            .ToList();
    }

    private static GridFormerKind FormerOf(SlotPhysicsRecord p, IReadOnlySet<string> slacks) =>
        p.IsBlackout ? GridFormerKind.Blackout
        : p.GridFormer.Length == 0 ? GridFormerKind.None
        // A battery slack forms the grid too; only a slack with a genset state is the genset.
        : slacks.Contains(p.GridFormer) && p.Genset is not null ? GridFormerKind.Genset
        : GridFormerKind.Storage;

    public static DispatchAreas Areas(IReadOnlyList<KindFlowRow> flows, IReadOnlyList<BalanceRow> balance, TimeAxis axis)
    {
        double[] BalancePower(Func<BalanceRow, double> kwh) => Series.AveragePower(axis, balance.Select(b => (b.Slot, (double?)kwh(b))));

        var supply = flows.Select(f => f.Kind).Distinct().OrderBy(k => Array.IndexOf(StackOrder, k))
            .Select(kind => new SupplyArea(kind, Series.AveragePower(axis, flows.Where(f => f.Kind == kind).Select(f => (f.Slot, (double?)f.ExportKwh)))))
            .ToList();
        var formers = new[] { GridFormerKind.Genset, GridFormerKind.Storage, GridFormerKind.Blackout }
            .Select(kind => new FormerShare(kind, Series.Sum(axis, balance.Select(b => (b.Slot, (double?)(b.Former == kind ? 1 : 0))))
                .Select((n, bucket) => n * TimeAxis.HoursPerSlot / axis.HoursIn(bucket)).ToArray()))
            .ToList();
        return new DispatchAreas(supply, Series.AveragePower(axis, flows.Select(f => (f.Slot, (double?)f.ImportKwh))), BalancePower(b => b.CurtailedKwh), BalancePower(b => b.BallastKwh),
            BalancePower(b => b.NotServedKwh), BalancePower(b => b.StorageAbsorbedKwh), BalancePower(b => b.StorageSuppliedKwh), formers);
    }

    public static Plot Draw(DispatchAreas areas, TimeAxis axis)
    {
        var mean = axis.Resolution == TimeResolution.Slot ? "" : $" ({axis.Adjective} mean)";
        var island = areas.Formers.Any(f => f.Share.Any(s => s > 0));
        var plot = FigureStyle.NewPlot($"Dispatch by unit kind{(island ? " and the island balance" : "")}{mean}", axis.Label, "average power (kW)");
        var starts = axis.BucketStarts();
        var zero = new double[axis.Buckets];

        var stack = zero;
        foreach (var area in areas.Supply.Where(a => a.Kw.Any(p => p > 0)))
        {
            stack = Band(plot, starts, axis, stack, area.Kw, FigureStyle.OfKind(area.Kind).WithAlpha(0.85), $"{FigureStyle.NameOfKind(area.Kind)} supply");
        }
        var top = Band(plot, starts, axis, stack, areas.CurtailedKw, Curtailed.WithAlpha(0.3), "curtailed (available, not delivered)");

        Series.AddStepLine(plot, starts, axis.HoursPerBucket, areas.ConsumptionKw, FigureStyle.Ink, 2.5f, "local consumption");
        // The ballast covers the part of the genset's supply that fed it, which is the point: that supply was dumped.
        var aboveConsumption = Band(plot, starts, axis, areas.ConsumptionKw, areas.BallastKw, Ballast.WithAlpha(0.9), "ballast (dumped)");
        aboveConsumption = Band(plot, starts, axis, aboveConsumption, areas.NotServedKw, NotServed, "load not served");

        var charged = Band(plot, starts, axis, zero, areas.StorageChargedKw.Select(p => -p).ToArray(), StorageCharged.WithAlpha(0.8), "storage charged by the balance (below 0)");
        var bottom = Band(plot, starts, axis, charged, areas.StorageDischargedKw.Select(p => -p).ToArray(), StorageDischarged.WithAlpha(0.9), "storage discharged by the balance (below 0)");

        var high = Math.Max(1e-3, top.Concat(aboveConsumption).Where(double.IsFinite).DefaultIfEmpty(0).Max());
        var low = Math.Min(0, bottom.DefaultIfEmpty(0).Min());
        if (low < 0)
        {
            plot.Add.HorizontalLine(0, 1, FigureStyle.Muted);
        }
        var span = high - low;
        if (island)
        {
            low = AddFormerStrip(plot, areas.Formers, axis, starts, low, span);
        }
        axis.Apply(plot);
        plot.Axes.SetLimitsY(low - 0.02 * span, high + 0.05 * span);
        FigureStyle.LegendBelow(plot);
        return plot;
    }

    /// <summary>
    /// Draws the grid-former strip under the data (lowest at <paramref name="low"/>) in the same coordinates, each bucket
    /// split by the shares of its slots, and returns the strip's bottom.
    /// </summary>
    private static double AddFormerStrip(Plot plot, IReadOnlyList<FormerShare> formers, TimeAxis axis, double[] starts, double low, double span)
    {
        var stripTop = low - StripGap * span;
        var stripBottom = stripTop - StripHeight * span;
        var filled = starts.Select(_ => stripBottom).ToArray();
        foreach (var share in formers.Where(f => f.Share.Any(s => s > 0)))
        {
            filled = Band(plot, starts, axis, filled, share.Share.Select(s => s * (stripTop - stripBottom)).ToArray(), FormerColor(share.Former), FormerName(share.Former));
        }
        var label = plot.Add.Text("grid former", 0.005 * axis.TotalHours, (stripTop + stripBottom) / 2);
        label.LabelFontSize = 12;
        label.LabelFontColor = Colors.White;
        label.LabelBold = true;
        label.LabelAlignment = Alignment.MiddleLeft;
        // The strip is no power: no power ticks are labelled beside it.
        var dataLow = low - 1e-9;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            LabelFormatter = kw => kw < dataLow ? "" : kw.ToString("0.###", CultureInfo.InvariantCulture),
        };
        return stripBottom;
    }

    private static string FormerName(GridFormerKind former) => former switch
    {
        GridFormerKind.Genset => "grid formed by the genset (strip)",
        GridFormerKind.Storage => "grid formed by storage (strip)",
        GridFormerKind.Blackout => "blackout: no grid former (strip)",
        _ => throw new ArgumentOutOfRangeException(nameof(former), former, "no grid former is drawn when grid-connected"),
    };

    private static Color FormerColor(GridFormerKind former) => former switch
    {
        GridFormerKind.Genset => FigureStyle.OfKind(UnitKind.Slack),
        GridFormerKind.Storage => FigureStyle.OfKind(UnitKind.Battery),
        _ => FigureStyle.Ink,
    };

    /// <summary>Fills from <paramref name="lower"/> to lower + <paramref name="height"/> (kW per bucket) if any of it is non-zero, and returns the new upper edge.</summary>
    private static double[] Band(Plot plot, double[] starts, TimeAxis axis, double[] lower, double[] height, Color color, string legend)
    {
        var upper = lower.Zip(height, (l, h) => l + h).ToArray();
        if (height.All(h => h == 0))
        {
            return upper;
        }
        var (x, low) = Series.Steps(starts, axis.HoursPerBucket, lower);
        var (_, up) = Series.Steps(starts, axis.HoursPerBucket, upper);
        var band = plot.Add.FillY(x, low, up);
        band.FillColor = color;
        band.LineWidth = 0;
        band.LegendText = legend;
        return upper;
    }
}
