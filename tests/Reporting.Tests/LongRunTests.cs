using MicroMarket.Reporting.Figures;
using Xunit;

namespace MicroMarket.Reporting.Tests;

/// <summary>Long runs (issue 15, 5): weekly means beyond four months.</summary>
public sealed class LongRunTests
{
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
}
