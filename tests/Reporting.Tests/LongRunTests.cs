using System.Globalization;
using MicroMarket.Reporting.Figures;
using MicroMarket.Reporting.Input;
using MicroMarket.Reporting.Monthly;
using MicroMarket.RunFormat;
using Xunit;

namespace MicroMarket.Reporting.Tests;

/// <summary>
/// Long runs (issue 15, 5): weekly means beyond four months, and the KPIs per calendar month in the report and in
/// monthly.csv, checked against a recomputation from the run's own CSV cells and against the simulator's KPIs.
/// </summary>
public sealed class LongRunTests
{
    /// <summary>Local midnight of 2026-01-20 in a UTC+1 zone: 40 days from it are 12 days of January and 28 of February.</summary>
    private static readonly DateTimeOffset January20 = new(2026, 1, 19, 23, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Runs_longer_than_120_days_are_drawn_in_weekly_means()
    {
        Assert.Equal(TimeResolution.Day, TimeAxis.For(120, DateTimeOffset.UnixEpoch).Resolution);
        var year = TimeAxis.For(365, DateTimeOffset.UnixEpoch);
        Assert.Equal(TimeResolution.Week, TimeAxis.For(121, DateTimeOffset.UnixEpoch).Resolution);
        Assert.Equal(TimeResolution.Week, year.Resolution);
        // 365 days are 52 weeks and a day: the last bucket holds that day.
        Assert.Equal(53, year.Buckets);
        Assert.Equal(7 * 24, year.HoursIn(51));
        Assert.Equal(24, year.HoursIn(52));
        Assert.Equal(52, year.BucketOf(365 * TimeAxis.SlotsPerDay - 1));

        var prices = Enumerable.Range(0, 150 * TimeAxis.SlotsPerDay).Select(s => new SlotPriceRow(s, 0.2, 0.25, 0.3, 0.1)).ToList();
        Assert.Contains("(weekly mean)", PriceFigure.Draw(prices, TimeAxis.For(150, DateTimeOffset.UnixEpoch)).Axes.Title.Label.Text);
    }

    [Fact]
    public void A_short_last_week_averages_its_power_over_its_own_hours()
    {
        // 122 days: 17 weeks and 3 days; a steady 1 kWh per slot is 4 kW in every week, the short one too.
        var axis = TimeAxis.For(122, DateTimeOffset.UnixEpoch);
        var power = Series.AveragePower(axis, Enumerable.Range(0, 122 * TimeAxis.SlotsPerDay).Select(s => (s, (double?)1.0)));

        Assert.Equal(18, power.Length);
        Assert.All(power, kw => Assert.Equal(4.0, kw, 9));
    }

    [Theory]
    [InlineData("2026-06-14T22:00:00Z", "2026-06-15")] // UTC+2
    [InlineData("2026-01-20T05:00:00Z", "2026-01-20")] // UTC-5
    [InlineData("2026-01-20T10:00:00Z", "2026-01-20")] // UTC-10, Hawaii
    [InlineData("2026-01-20T11:00:00Z", "2026-01-21")] // UTC+13, New Zealand in summer
    [InlineData("2026-01-20T18:30:00Z", "2026-01-21")] // UTC+5:30
    [InlineData("2026-01-20T00:00:00Z", "2026-01-20")] // UTC
    public void Day_one_is_the_local_date_whose_midnight_slot_zero_is(string slot0Utc, string firstDay)
    {
        var run = RunDataReader.Load(RunFixture.FixturePath("island-day"));
        var moved = run with { Slots = [run.Slots[0] with { TimeUtc = DateTimeOffset.Parse(slot0Utc, CultureInfo.InvariantCulture) }, .. run.Slots.Skip(1)] };

        Assert.Equal(DateOnly.Parse(firstDay, CultureInfo.InvariantCulture), moved.FirstDay);
    }

    [Fact]
    public void Monthly_csv_holds_each_months_kpis_as_recomputed_from_the_runs_cells()
    {
        using var run = RunFixture.Synthetic(days: 40, startUtc: January20);
        var output = RunReport.Write(run.Directory);

        var monthly = ReadCsv(run.PathOf("monthly.csv"));
        Assert.Equal(
            ["month", "days", "slots_delivered", "consumption_kwh", "local_generation_kwh", "external_supply_kwh", "self_sufficiency",
                "day_ahead_price.mean", "intraday_price.mean", "day_ahead_volume_kwh", "intraday_volume_kwh", "imbalance_volume_kwh"],
            monthly.Header);
        Assert.Equal([run.PathOf("monthly.csv")], output.TablePaths);
        var expected = Recompute(run.Directory, new DateOnly(2026, 1, 20));
        Assert.Equal(["2026-01", "2026-02"], monthly.Rows.Select(r => r["month"]));
        Assert.Equal(["12", "28"], monthly.Rows.Select(r => r["days"]));
        Assert.Equal(["1152", "2688"], monthly.Rows.Select(r => r["slots_delivered"]));
        foreach (var row in monthly.Rows)
        {
            var month = expected[row["month"]];
            foreach (var (key, value) in month)
            {
                Assert.True(Math.Abs(double.Parse(row[key], CultureInfo.InvariantCulture) - value) <= 1.5e-6, $"{row["month"]} {key}: {row[key]} against {value}");
            }
        }
        var html = File.ReadAllText(output.ReportPath);
        Assert.Contains("<tr id=\"month-2026-01\"><td>2026-01</td><td class=\"value\">12</td>", html, StringComparison.Ordinal);
        Assert.Contains("<tr id=\"month-2026-02\"><td>2026-02</td><td class=\"value\">28</td>", html, StringComparison.Ordinal);
    }

    /// <summary>
    /// On the simulator's own one-day runs, the month's row is the run: its KPIs equal summary.json's, which the
    /// simulator's KPI formulas computed, so the monthly table cannot drift from the KPIs' definitions unnoticed.
    /// </summary>
    [Theory]
    [InlineData("island-day")]
    [InlineData("quickstart-day")]
    public void A_one_month_run_has_the_simulators_kpis_in_its_only_month(string fixture)
    {
        var run = RunDataReader.Load(RunFixture.FixturePath(fixture));
        var month = Assert.Single(MonthlySummary.Rows(run));
        var kpis = run.Summary.Kpis;

        Assert.Equal(run.Days, month.Days);
        Assert.Equal(run.Summary.SlotsDelivered, month.SlotsDelivered);
        Assert.Equal(kpis.ConsumptionKwh, month.ConsumptionKwh);
        Assert.Equal(kpis.LocalGenerationKwh, month.LocalGenerationKwh);
        Assert.Equal(kpis.ExternalSupplyKwh, month.ExternalSupplyKwh);
        Assert.Equal(kpis.SelfSufficiency, month.SelfSufficiency);
        Assert.Equal(kpis.DayAheadPrice.Mean, month.DayAheadPriceMean);
        Assert.Equal(kpis.IntradayPrice.Mean, month.IntradayPriceMean);
        Assert.Equal(kpis.DayAheadVolumeKwh, month.DayAheadVolumeKwh);
        Assert.Equal(kpis.IntradayVolumeKwh, month.IntradayVolumeKwh);
        Assert.Equal(kpis.ImbalanceVolumeKwh, month.ImbalanceVolumeKwh);
    }

    /// <summary>
    /// Which slack is outside the feeder is read from the tables (docs/kpis.md, "Conventions"): quickstart-day with its
    /// slots' genset states removed is an island whose slack is a battery, storage inside the feeder, so nothing came
    /// from outside (the day has no ballast) and its consumption was all its own.
    /// </summary>
    [Fact]
    public void A_slack_whose_slots_carry_no_genset_state_is_storage_inside_the_feeder()
    {
        var run = RunDataReader.Load(RunFixture.FixturePath("quickstart-day"));
        var batterySlack = run with { Slots = [.. run.Slots.Select(s => s.Physics is { } p ? s with { Physics = p with { Genset = null } } : s)] };

        Assert.True(Assert.Single(MonthlySummary.Rows(run)).ExternalSupplyKwh > 0);
        var month = Assert.Single(MonthlySummary.Rows(batterySlack));
        Assert.Equal(0, month.ExternalSupplyKwh);
        Assert.Equal(1, month.SelfSufficiency);
    }

    [Fact]
    public void A_run_within_one_month_has_no_monthly_table_on_its_page()
    {
        using var run = RunFixture.IslandDay();
        var output = RunReport.Write(run.Directory);

        Assert.DoesNotContain("monthly-table", File.ReadAllText(output.ReportPath), StringComparison.Ordinal);
        Assert.Equal(2, File.ReadAllLines(run.PathOf("monthly.csv")).Length);
    }

    /// <summary>
    /// The KPIs per month from the CSV cells, by docs/kpis.md, written here apart from the report: a grid-connected run,
    /// so the grid is all that is outside the feeder and nothing is ballast.
    /// </summary>
    private static Dictionary<string, Dictionary<string, double>> Recompute(string directory, DateOnly firstDay)
    {
        string MonthOf(string slot) => firstDay.AddDays(int.Parse(slot, CultureInfo.InvariantCulture) / 96).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        double Number(string cell) => cell.Length == 0 ? 0 : double.Parse(cell, CultureInfo.InvariantCulture);

        var months = new Dictionary<string, Dictionary<string, double>>();
        var prices = new Dictionary<(string Month, string Stage), List<double>>();
        foreach (var s in ReadCsv(Path.Combine(directory, "slots.csv")).Rows.Where(s => s["generation_kwh"].Length > 0))
        {
            var m = MonthOf(s["slot"]);
            var sums = months.TryGetValue(m, out var existing) ? existing : months[m] = [];
            sums["day_ahead_volume_kwh"] = sums.GetValueOrDefault("day_ahead_volume_kwh") + Number(s["da_volume_wh"]) / 1000;
            sums["intraday_volume_kwh"] = sums.GetValueOrDefault("intraday_volume_kwh") + Number(s["id_volume_wh"]) / 1000;
            foreach (var (stage, column) in new[] { ("da", "da_price"), ("id", "id_price") })
            {
                if (s[column].Length > 0)
                {
                    (prices.TryGetValue((m, stage), out var list) ? list : prices[(m, stage)] = []).Add(Number(s[column]));
                }
            }
        }
        foreach (var u in ReadCsv(Path.Combine(directory, "units.csv")).Rows.Where(u => u["metered_import_wh"].Length > 0))
        {
            var sums = months[MonthOf(u["slot"])];
            var net = (Number(u["metered_import_wh"]) - Number(u["metered_export_wh"])) / 1000;
            switch (u["kind"])
            {
                case "load" or "flexible-load" or "ev":
                    sums["consumption_kwh"] = sums.GetValueOrDefault("consumption_kwh") + net;
                    break;
                case "pv" or "wind":
                    sums["local_generation_kwh"] = sums.GetValueOrDefault("local_generation_kwh") - net;
                    break;
                case "grid":
                    sums["external_supply_kwh"] = sums.GetValueOrDefault("external_supply_kwh") + Number(u["metered_export_wh"]) / 1000;
                    break;
            }
            if (u["kind"] != "grid")
            {
                sums["imbalance_volume_kwh"] = sums.GetValueOrDefault("imbalance_volume_kwh") + Math.Abs(Number(u["deviation_wh"])) / 1000;
            }
        }
        foreach (var (month, sums) in months)
        {
            sums["self_sufficiency"] = Math.Clamp(1 - sums["external_supply_kwh"] / sums["consumption_kwh"], 0, 1);
            sums["day_ahead_price.mean"] = prices[(month, "da")].Average();
            sums["intraday_price.mean"] = prices[(month, "id")].Average();
        }
        return months;
    }

    private sealed record Csv(string[] Header, List<Dictionary<string, string>> Rows);

    /// <summary>A CSV of cells without commas or quotes, as the synthetic run's and monthly.csv are, read by splitting.</summary>
    private static Csv ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToList();
        var header = lines[0].Split(',');
        return new Csv(header, lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second)).ToList());
    }
}
