using MicroMarket.Reporting.Input;
using MicroMarket.RunFormat;
using ScottPlot;

namespace MicroMarket.Reporting.Figures;

/// <summary>
/// Every figure of one run, drawn from its tables and rendered to PNG. The figures are independent, so they render
/// in parallel; the list keeps the fixed report order whatever order they finish in.
/// </summary>
public static class FigureSet
{
    /// <exception cref="ReportOptionsException">The run's <see cref="RunData.BookSlot"/> is not one of its slots.</exception>
    public static IReadOnlyList<Figure> Render(RunData run)
    {
        var axis = TimeAxis.For(run.Days, run.StartUtc);
        var drawings = Drawings(run, axis);
        var figures = new Figure[drawings.Count];
        ReportFont.EnsureRegistered();
        Parallel.For(0, drawings.Count, i =>
        {
            var d = drawings[i];
            var plot = d.Draw();
            figures[i] = new Figure(d.FileName, plot.Axes.Title.Label.Text, d.Caption, plot.GetImageBytes(FigureStyle.WidthPx, d.HeightPx, ImageFormat.Png));
        });
        return figures;
    }

    /// <summary>Writes the figures as RUN_DIR/figures/*.png and returns their paths.</summary>
    public static IReadOnlyList<string> Write(IReadOnlyList<Figure> figures, string directory)
    {
        var folder = Path.Combine(directory, RunDirectory.Figures);
        Directory.CreateDirectory(folder);
        return figures.Select(f =>
        {
            var path = Path.Combine(folder, f.FileName);
            File.WriteAllBytes(path, f.Png);
            return path;
        }).ToList();
    }

    private sealed record Drawing(string FileName, string Caption, int HeightPx, Func<Plot> Draw);

    private static List<Drawing> Drawings(RunData run, TimeAxis axis)
    {
        var prices = PriceFigure.Rows(run.Slots);
        var slot = run.BookSlot;
        if (slot < 0 || slot >= run.Slots.Count)
        {
            throw new ReportOptionsException($"slot {slot} is not in the run (0..{run.Slots.Count - 1})");
        }
        var (buses, lines) = FeederMapFigure.Rows(run.Buses, run.Lines, run.Participants);
        var drawings = new List<Drawing>
        {
            new(PriceFigure.FileName, "Clearing prices per slot: day-ahead (wide blue) and intra-day (orange), with the short and long imbalance prices dashed.",
                FigureStyle.HeightPx, () => PriceFigure.Draw(prices, axis)),
        };
        if (run.Days > 1)
        {
            drawings.Add(new(PriceProfileFigure.FileName, "The typical day: mean clearing price per slot of the day over all days, with the range across days.",
                FigureStyle.HeightPx, () => PriceProfileFigure.Draw(prices, run.Days)));
        }
        foreach (var stage in new[] { MarketStage.DayAhead, MarketStage.Intraday })
        {
            var book = MeritOrderFigure.Book(run.Orders, stage, slot);
            var clearing = MeritOrderFigure.Clearing(run.Slots[slot], stage);
            drawings.Add(new(MeritOrderFigure.FileName(stage),
                $"The {MeritOrderFigure.StageName(stage)} order book of slot {slot} in merit order, and the clearing point the auction recorded.",
                FigureStyle.HeightPx, () => MeritOrderFigure.Draw(book, clearing, stage, slot, axis.SlotClock(slot))));
        }
        var dispatch = DispatchFigure.Areas(DispatchFigure.Rows(run.UnitSlots), DispatchFigure.Balance(run.Slots, run.Participants), axis);
        var genset = GensetFigure.Rows(run.Slots);
        var storage = StorageFigure.Rows(run.UnitSlots);
        var bills = BillFigure.Rows(run.Summary.Kpis.Bills);
        var voltages = VoltageFigure.Rows(run.Slots);
        var blackouts = VoltageFigure.Blackouts(run.Slots);
        var deviations = ImbalanceFigure.Rows(run.UnitSlots);
        var gas = GasFigure.Rows(run.Transactions);
        drawings.Add(new(DispatchFigure.FileName,
            "Metered supply per unit kind, stacked, with the renewable energy curtailed on top, against local consumption with the ballast and the load not served "
            + "above it; below zero the storage the island balance charged and discharged beyond the schedules, and at the bottom the unit that formed the grid.",
            DispatchFigure.HeightPx, () => DispatchFigure.Draw(dispatch, axis)));
        if (genset.Count > 0)
        {
            var soc = GensetFigure.FormerSoc(run.Slots, run.UnitSlots);
            drawings.Add(new(GensetFigure.FileName,
                "The island genset's output with each start marked (triangle: planned by the controller; diamond: emergency start by the balance), the spinning "
                + "reserve held against the reserve required, and the state of charge of the storage that formed the grid.",
                FigureStyle.HeightPx, () => GensetFigure.Draw(genset, soc, axis)));
        }
        drawings.AddRange(
        [
            new(StorageFigure.FileName, "State of charge of each battery and EV (EV lines break while the car is away) and the EVs' charging power.",
                FigureStyle.HeightPx, () => StorageFigure.Draw(storage, axis)),
            new(BillFigure.FileName, "Each participant's net bill over the run (trades and imbalance) beside its no-market baseline.",
                BillFigure.HeightPx(bills.Count), () => BillFigure.Draw(bills)),
            new(VoltageFigure.FileName, "Lowest to highest LV phase voltage over all energised buses, per slot; blackout slots are left out.",
                FigureStyle.HeightPx, () => VoltageFigure.Draw(voltages, blackouts, axis)),
            new(FeederMapFigure.FileName, "The feeder from its bus coordinates, each bus coloured by the lowest phase voltage it saw; hollow buses were never energised.",
                FeederMapFigure.HeightPx, () => FeederMapFigure.Draw(buses, lines)),
            new(ImbalanceFigure.FileName, "Deviations of the local units from their schedules: long up, short down, the net as a line.",
                FigureStyle.HeightPx, () => ImbalanceFigure.Draw(deviations, axis)),
            new(GasFigure.FileName, "Gas used per market stage over the run, with transaction counts and mean gas per transaction.",
                FigureStyle.HeightPx, () => GasFigure.Draw(gas)),
        ]);
        return drawings;
    }
}
