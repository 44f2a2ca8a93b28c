using MicroMarket.Reporting.Figures;
using MicroMarket.Reporting.Html;
using MicroMarket.Reporting.Input;
using MicroMarket.RunFormat;

namespace MicroMarket.Reporting.Monthly;

/// <summary>
/// One calendar month of a run (its first day's local date: day 1 of the month, or of the run when it starts mid-month):
/// the run's days in it, its delivered slots and the KPIs that split by month, each as docs/kpis.md defines it over the
/// month's delivered slots instead of the run's. Energies in kWh and ratios 0..1, rounded to 1e-6 as summary.json
/// rounds them; mean prices in tokens/kWh to the micro-token; null where the KPI is undefined (no price cleared, no
/// consumption).
/// </summary>
public sealed record MonthRow(
    DateOnly From,
    int Days,
    int SlotsDelivered,
    double DayAheadVolumeKwh,
    double IntradayVolumeKwh,
    decimal? DayAheadPriceMean,
    decimal? IntradayPriceMean,
    double ImbalanceVolumeKwh,
    double ConsumptionKwh,
    double LocalGenerationKwh,
    double ExternalSupplyKwh,
    double? SelfSufficiency)
{
    /// <summary>"2026-01".</summary>
    public string Month => From.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// The run's KPIs per calendar month, for the report's monthly table and monthly.csv: a year-long study reads its
/// seasons there. A month is the run's days whose local date falls in it (<see cref="RunData.FirstDay"/> + day index;
/// the simulator's days are 96 slots each, daylight-saving days included, so a slot's month is its day's).
/// <para>
/// The KPIs are the ones that are sums or means over slots, which split by month exactly: the market's volumes and
/// mean prices, the imbalance volume, and the energy accounts behind self-sufficiency (a sum over months of each
/// volume and energy is the run's KPI). Their formulas are the simulator's own (<see cref="SummedKpis"/>), fed a
/// month's rows instead of the run's, so a month cannot define a KPI differently from summary.json. The rest are left
/// out because a month of them would not mean what the run's does: the bills' no-market baseline prices an island's
/// energy at the genset's cost averaged over the whole run; the genset's cost recovery nets its uplift, charged per
/// day, against fuel that starts and minimum loading spread across days; chain gas is booked per transaction, and a
/// day's orders are sent the day before, across a month's edge.
/// </para>
/// </summary>
public static class MonthlySummary
{
    /// <summary>One KPI column of the monthly table: its summary.json key (docs/kpis.md), its cell in monthly.csv and as the report prints it.</summary>
    public sealed record Column(string Key, Func<MonthRow, object?> Cell, Func<MonthRow, string> Shown)
    {
        /// <summary>The KPI's name and unit as the report's KPI table gives them.</summary>
        public string Heading
        {
            get
            {
                var kpi = KpiCatalog.All.Single(k => k.Key == Key);
                return $"{kpi.Name} ({kpi.Unit})";
            }
        }
    }

    /// <summary>monthly.csv's first columns: the month ("2026-01"), the run's days in it and the slots delivered.</summary>
    public const string MonthColumn = "month";
    public const string DaysColumn = "days";
    public const string SlotsDeliveredColumn = "slots_delivered";

    /// <summary>The KPIs per month, in the order of the report's KPI table.</summary>
    public static IReadOnlyList<Column> Kpis { get; } =
    [
        new("consumption_kwh", m => m.ConsumptionKwh, m => KpiFormat.Energy(m.ConsumptionKwh)),
        new("local_generation_kwh", m => m.LocalGenerationKwh, m => KpiFormat.Energy(m.LocalGenerationKwh)),
        new("external_supply_kwh", m => m.ExternalSupplyKwh, m => KpiFormat.Energy(m.ExternalSupplyKwh)),
        new("self_sufficiency", m => m.SelfSufficiency, m => KpiFormat.Ratio(m.SelfSufficiency)),
        new("day_ahead_price.mean", m => m.DayAheadPriceMean, m => KpiFormat.Price(m.DayAheadPriceMean)),
        new("intraday_price.mean", m => m.IntradayPriceMean, m => KpiFormat.Price(m.IntradayPriceMean)),
        new("day_ahead_volume_kwh", m => m.DayAheadVolumeKwh, m => KpiFormat.Energy(m.DayAheadVolumeKwh)),
        new("intraday_volume_kwh", m => m.IntradayVolumeKwh, m => KpiFormat.Energy(m.IntradayVolumeKwh)),
        new("imbalance_volume_kwh", m => m.ImbalanceVolumeKwh, m => KpiFormat.Energy(m.ImbalanceVolumeKwh)),
    ];

    /// <summary>monthly.csv's header: the month's columns, then each KPI by its summary.json key.</summary>
    public static IReadOnlyList<string> CsvColumns { get; } = [MonthColumn, DaysColumn, SlotsDeliveredColumn, .. Kpis.Select(k => k.Key)];

    /// <summary>Writes RUN_DIR/monthly.csv in the run directory's CSV dialect (values as summary.json rounds them) and returns its path.</summary>
    public static string Write(IReadOnlyList<MonthRow> months, string directory)
    {
        var table = new CsvTableWriter(CsvColumns);
        foreach (var m in months)
        {
            table.Add([m.Month, m.Days, m.SlotsDelivered, .. Kpis.Select(k => k.Cell(m))]);
        }
        var path = Path.Combine(directory, RunDirectory.Monthly);
        table.Write(path);
        return path;
    }

    public static IReadOnlyList<MonthRow> Rows(RunData run)
    {
        var firstDay = run.FirstDay;
        // The month of each day of the run, as an index into the months in order.
        var monthStarts = new List<DateOnly>();
        var monthOfDay = new int[run.Days];
        for (var day = 0; day < run.Days; day++)
        {
            var date = firstDay.AddDays(day);
            if (monthStarts.Count == 0 || monthStarts[^1].Month != date.Month || monthStarts[^1].Year != date.Year)
            {
                monthStarts.Add(date);
            }
            monthOfDay[day] = monthStarts.Count - 1;
        }
        var months = monthStarts.Select(_ => new SummedKpis()).ToArray();
        int MonthOf(int slot) => monthOfDay[Math.Min(slot / TimeAxis.SlotsPerDay, run.Days - 1)];

        // The tables hold whole Wh, read as doubles: back to the integers they are.
        foreach (var s in run.Slots)
        {
            if (s.Physics is { } p)
            {
                months[MonthOf(s.Slot)].AddSlot((long?)s.DayAheadVolumeWh, (long?)s.IntradayVolumeWh, s.DayAheadPrice, s.IntradayPrice,
                    p.CurtailedKwh, p.BallastKwh, p.Genset);
            }
        }
        foreach (var r in run.UnitSlots)
        {
            if (r.MeteredImportWh is { } import && r.MeteredExportWh is { } export)
            {
                months[MonthOf(r.Slot)].AddUnit(r.Kind, (long)import, (long)export, (long?)r.DeviationWh, r.ConsumedKwh, r.GeneratedKwh);
            }
        }
        return monthStarts.Select((from, i) => RowOf(from, monthOfDay.Count(d => d == i), months[i])).ToList();
    }

    private static MonthRow RowOf(DateOnly from, int days, SummedKpis kpis) =>
        new(from, days, kpis.Slots, kpis.DayAheadVolumeKwh, kpis.IntradayVolumeKwh, kpis.DayAheadPrice.Mean, kpis.IntradayPrice.Mean,
            kpis.ImbalanceVolumeKwh, kpis.ConsumptionKwh, kpis.LocalGenerationKwh, kpis.ExternalSupplyKwh, kpis.SelfSufficiency);
}
