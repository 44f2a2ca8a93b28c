using MicroMarket.Grid.Forecasting;
using Xunit;

namespace MicroMarket.Grid.Tests.Forecasting;

public sealed class ForecasterTests
{
    private static readonly TimeSpan Slot = TimeSpan.FromMinutes(15);
    private static readonly ForecastErrorModel Model = new(0.03, 0.15, TimeSpan.FromHours(6), ErrorDistribution.Laplace);
    private static readonly double[] Actual = [.. Enumerable.Range(0, 2000).Select(i => 5 + 3 * Math.Sin(i / 10.0))];

    [Fact]
    public void Sigma_grows_with_the_horizon()
    {
        Assert.Equal(0.03, Model.SigmaAt(TimeSpan.Zero), 12);
        Assert.True(Model.SigmaAt(TimeSpan.FromHours(1)) < Model.SigmaAt(TimeSpan.FromHours(24)));
        Assert.Equal(0.15, Model.SigmaAt(TimeSpan.FromDays(30)), 6);
    }

    [Theory]
    [InlineData(ErrorDistribution.Normal)]
    [InlineData(ErrorDistribution.Laplace)]
    [InlineData(ErrorDistribution.Uniform)]
    public void Day_ahead_forecasts_are_worse_than_intra_day_ones(ErrorDistribution distribution)
    {
        var forecaster = new Forecaster(Model with { Distribution = distribution }, Slot, seed: 42, streamId: 7);
        double dayAhead = 0, intraDay = 0;
        var n = 0;
        for (var target = 200; target < 1900; target++)
        {
            var da = forecaster.Forecast(Actual, target - 96, target, capacityKw: 10, minKw: 0, maxKw: 20);
            var id = forecaster.Forecast(Actual, target - 4, target, capacityKw: 10, minKw: 0, maxKw: 20);
            dayAhead += Math.Pow(da - Actual[target], 2);
            intraDay += Math.Pow(id - Actual[target], 2);
            n++;
        }
        var rmseDa = Math.Sqrt(dayAhead / n);
        var rmseId = Math.Sqrt(intraDay / n);
        Assert.True(rmseId < 0.6 * rmseDa, $"intra-day RMSE {rmseId} vs day-ahead {rmseDa}");
        // Unit-variance errors: the day-ahead RMSE is close to sigma(24 h) x capacity.
        Assert.InRange(rmseDa, 0.8 * Model.SigmaAt(TimeSpan.FromHours(24)) * 10, 1.2 * Model.SigmaAt(TimeSpan.FromHours(24)) * 10);
    }

    [Fact]
    public void Forecasts_are_deterministic_for_a_seed_and_independent_of_the_window()
    {
        var a = new Forecaster(Model, Slot, seed: 1, streamId: 3);
        var b = new Forecaster(Model, Slot, seed: 1, streamId: 3);
        var other = new Forecaster(Model, Slot, seed: 2, streamId: 3);
        var otherUnit = new Forecaster(Model, Slot, seed: 1, streamId: 4);
        var day = new double[96];
        var again = new double[96];
        a.Forecast(Actual, 100, 140, 10, 0, 20, day);
        b.Forecast(Actual, 100, 140, 10, 0, 20, again);
        Assert.Equal(day, again);
        Assert.Equal(day[10], a.Forecast(Actual, 100, 150, 10, 0, 20));
        Assert.NotEqual(day[10], other.Forecast(Actual, 100, 150, 10, 0, 20));
        Assert.NotEqual(day[10], otherUnit.Forecast(Actual, 100, 150, 10, 0, 20));
    }

    [Fact]
    public void Proportional_errors_vanish_with_the_actual_and_bounds_are_kept()
    {
        var pv = new Forecaster(Model with { Scale = ErrorScale.Actual }, Slot, seed: 9);
        var night = new double[200];
        Assert.Equal(0.0, pv.Forecast(night, 0, 150, capacityKw: 5, minKw: 0, maxKw: 5));
        var forecast = new double[96];
        new Forecaster(Model with { SigmaLongHorizon = 2.0 }, Slot, seed: 9).Forecast(Actual, 0, 100, 10, 4, 6, forecast);
        Assert.All(forecast, f => Assert.InRange(f, 4, 6));
    }
}
