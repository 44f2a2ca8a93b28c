using MicroMarket.Grid.Profiles;
using MicroMarket.Grid.Units;
using Xunit;

namespace MicroMarket.Grid.Tests.Units;

public sealed class GenerationTests
{
    [Fact]
    public void Pv_inverter_clips_above_its_limit_and_curtailment_caps_the_rest()
    {
        var pv = new PvSystem(peakPowerKwp: 6, inverterLimitKw: 5);
        var sunny = pv.Output(0.95);
        Assert.Equal((5.0, 5.0, 0.7, 0.0), (sunny.PowerKw, sunny.AvailableKw, sunny.InverterClippedKw, sunny.CurtailedKw), new Tolerance());
        var curtailed = pv.Output(0.95, curtailmentSetpointKw: 2);
        Assert.Equal((2.0, 3.0), (curtailed.PowerKw, curtailed.CurtailedKw), new Tolerance());
        Assert.Equal(0.0, pv.Output(-0.01).PowerKw);
    }

    [Fact]
    public void Measured_pv_profile_is_a_normalised_day_shape()
    {
        var pv = MeasuredPv.SerfEast15Minute();
        Assert.Equal(10_000, pv.Count);
        Assert.Equal(1.0, pv.Values.ToArray().Max(), 12);
        Assert.Equal(0.0, pv.Values.ToArray().Min());
        Assert.Equal(new DateTime(2016, 7, 1), pv.Start);
        // Midnight is dark, noon is bright.
        Assert.Equal(0.0, pv[0]);
        Assert.True(pv[48] > 0.3);
        var fine = MeasuredPv.SerfEast1Minute();
        Assert.Equal((2_607, 1.0), (fine.Count, fine.Values.ToArray().Max()));
    }

    [Fact]
    public void Clear_sky_pv_peaks_near_solar_noon_and_is_dark_at_night()
    {
        var site = PvSite.SerfEast;
        // Golden, CO is at -105.17 deg: solar noon is near 19:00 UTC.
        var noon = ClearSkyPv.PotentialKwPerKwp(site, new DateTime(2016, 7, 1, 19, 0, 0, DateTimeKind.Utc));
        var night = ClearSkyPv.PotentialKwPerKwp(site, new DateTime(2016, 7, 1, 7, 0, 0, DateTimeKind.Utc));
        Assert.InRange(noon, 0.6, 1.0);
        Assert.Equal(0.0, night);
        var (zenith, azimuth) = ClearSkyPv.SolarPosition(new DateTime(2016, 6, 21, 19, 0, 0, DateTimeKind.Utc), 39.742, -105.1727);
        // Solstice noon: zenith = latitude - 23.44 deg, sun due south.
        Assert.InRange(zenith, 39.742 - 23.44 - 1.0, 39.742 - 23.44 + 1.0);
        Assert.InRange(azimuth, 170, 190);
    }

    [Fact]
    public void Clouds_are_deterministic_for_a_seed_and_darken_the_day()
    {
        var start = new DateTime(2016, 7, 1, 7, 0, 0, DateTimeKind.Utc);
        var clear = ClearSkyPv.Generate(PvSite.SerfEast, start, TimeSpan.FromMinutes(15), 96);
        var a = ClearSkyPv.Generate(PvSite.SerfEast, start, TimeSpan.FromMinutes(15), 96, new CloudModel(new Random(7)));
        var b = ClearSkyPv.Generate(PvSite.SerfEast, start, TimeSpan.FromMinutes(15), 96, new CloudModel(new Random(7)));
        var c = ClearSkyPv.Generate(PvSite.SerfEast, start, TimeSpan.FromMinutes(15), 96, new CloudModel(new Random(8)));
        Assert.Equal(a.Values.ToArray(), b.Values.ToArray());
        Assert.NotEqual(a.Values.ToArray(), c.Values.ToArray());
        // Clouds may brighten a plane facing away from the sun (more diffuse light), but not the day as a whole.
        Assert.True(a.Values.ToArray().Sum() < 0.9 * clear.Values.ToArray().Sum());
        var clouds = new CloudModel(new Random(1));
        Assert.All(Enumerable.Range(0, 1000).Select(_ => clouds.Next()), k => Assert.InRange(k, clouds.MinIndex, clouds.MaxIndex));
    }

    [Fact]
    public void Wind_power_curve_edges()
    {
        var curve = PowerCurve.Parametric(ratedPowerKw: 10, cutInMs: 3, ratedMs: 11, cutOutMs: 25);
        Assert.Equal(0.0, curve.PowerKw(0));
        Assert.Equal(0.0, curve.PowerKw(2.999));
        Assert.Equal(0.0, curve.PowerKw(3.0));
        Assert.Equal(10 * (7.0 * 7 * 7 - 27) / (1331 - 27), curve.PowerKw(7), 12);
        Assert.Equal(10.0, curve.PowerKw(11));
        Assert.Equal(10.0, curve.PowerKw(24.999));
        Assert.Equal(0.0, curve.PowerKw(25)); // shut down at cut-out
        Assert.Throws<ArgumentOutOfRangeException>(() => curve.PowerKw(-1));

        var table = PowerCurve.FromTable([3, 5, 8, 12, 25], [0, 1, 4, 10, 10]);
        Assert.Equal(0.0, table.PowerKw(2.9));
        Assert.Equal(2.5, table.PowerKw(6.5), 12);
        Assert.Equal(10.0, table.PowerKw(25));
        Assert.Equal(0.0, table.PowerKw(25.1));
    }

    [Fact]
    public void Wind_shear_raises_the_speed_at_a_taller_hub()
    {
        var powerLaw = new WindShear(ReferenceHeightM: 10, HubHeightM: 30);
        Assert.Equal(5 * Math.Pow(3, 1 / 7.0), powerLaw.ToHubHeight(5), 12);
        var logLaw = WindShear.LogLaw(10, 30, 0.03);
        Assert.Equal(5 * Math.Log(1000) / Math.Log(10 / 0.03), logLaw.ToHubHeight(5), 12);
        var turbine = new WindTurbine(PowerCurve.Parametric(10, 3, 11, 25), new WindShear(20.1, 20.1));
        var wind = MeasuredWind.Beresford();
        Assert.Equal(20.1, wind.MeasurementHeightM);
        Assert.Equal(4_720, wind.SpeedMs.Count);
        var output = turbine.Output(wind.SpeedMs[0], curtailmentSetpointKw: 0);
        Assert.Equal(output.AvailableKw, output.CurtailedKw);
        Assert.True(MeasuredWind.Fergus().HeightIsAssumed);

        // The recommended pipeline: power curve at the 10-minute measurement step, then average the power to the slot.
        var powerKw = wind.SpeedMs.Map("turbine", "kW", v => turbine.Output(v).PowerKw);
        var slots = powerKw.Aggregate(TimeSpan.FromMinutes(15));
        Assert.Equal(wind.SpeedMs.Count * 10 / 15, slots.Count);
        // Slot 0 covers the first 10-minute value and half of the second; slot 1 the other half and the third.
        Assert.Equal((powerKw[0] * 10 + powerKw[1] * 5) / 15, slots[0], 12);
        Assert.Equal((powerKw[1] * 5 + powerKw[2] * 10) / 15, slots[1], 12);
        // Energy is preserved over the covered time (3 146 slots = 4 719 ten-minute values; the last 10 minutes are dropped).
        Assert.Equal(powerKw.Values[..4719].ToArray().Sum() * 10, slots.Values.ToArray().Sum() * 15, 6);
    }

    [Fact]
    public void Convex_hull_price_is_average_cost_at_rated_for_a_linear_curve_and_marginal_cost_above_the_cheapest_loading()
    {
        // Linear: 1.60 x (0.08145 + 0.246) = 0.52392 tokens/kWh at every loading, against 0.39 marginal.
        var diesel = Genset.Diesel(40);
        Assert.Equal(1.6m * (decimal)(0.08145 + 0.246), diesel.ConvexHullPricePerKwh(10, 1.6m), 12);
        Assert.Equal(diesel.ConvexHullPricePerKwh(40, 1.6m), diesel.ConvexHullPricePerKwh(12, 1.6m));
        // Rising marginal cost: the least average cost (at P* = sqrt(0.08145 x 60 / 0.01) = 22.1 kW)
        // up to P*, the marginal cost above it, where it never falls below the average cost.
        var steep = new Genset(60, 18, FuelCurve.Diesel with { QuadraticPerKw2 = 0.01 });
        Assert.Equal(steep.AverageCostPerKwh(Math.Sqrt(0.08145 * 60 / 0.01), 1.5m), steep.ConvexHullPricePerKwh(18, 1.5m));
        Assert.Equal(steep.MarginalCostPerKwh(50, 1.5m), steep.ConvexHullPricePerKwh(50, 1.5m));
        Assert.All(new[] { 30.0, 45.0, 60.0 }, kw => Assert.True(steep.ConvexHullPricePerKwh(kw, 1.5m) >= steep.AverageCostPerKwh(kw, 1.5m) - 1e-12m));
    }

    [Fact]
    public void Diesel_fuel_and_CO2_follow_the_fuel_curve()
    {
        var diesel = Genset.Diesel(ratedKw: 60);
        Assert.Equal(new SlackLimits(18, 60), diesel.Limits);
        var step = diesel.Run(30, TimeSpan.FromMinutes(15));
        var litres = (0.08145 * 60 + 0.246 * 30) * 0.25;
        Assert.Equal(litres, step.Fuel, 12);
        Assert.Equal(litres * 2.68, step.Co2Kg, 12);
        Assert.Equal(7.5, step.EnergyKwh, 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => diesel.Run(10, TimeSpan.FromMinutes(15)));
        // Average cost falls with loading; marginal cost is the linear slope.
        Assert.True(diesel.AverageCostPerKwh(20, 1.5m) > diesel.AverageCostPerKwh(60, 1.5m));
        Assert.Equal(1.5m * 0.246m, diesel.MarginalCostPerKwh(40, 1.5m));

        var quadratic = new Genset(60, 18, FuelCurve.Diesel with { QuadraticPerKw2 = 0.001 });
        Assert.True(quadratic.MarginalCostPerKwh(60, 1.5m) > quadratic.MarginalCostPerKwh(20, 1.5m));

        var chp = Genset.Chp(ratedKw: 50);
        var chpStep = chp.Run(50, TimeSpan.FromHours(1));
        Assert.Equal(50 / 0.35, chpStep.Fuel, 9);
        Assert.Equal(50 / 0.35 * 0.5, chpStep.HeatKwh, 9);
    }

    /// <summary>Tuple comparison to 1e-9.</summary>
    private sealed class Tolerance : IEqualityComparer<(double, double, double, double)>, IEqualityComparer<(double, double)>
    {
        public bool Equals((double, double, double, double) x, (double, double, double, double) y) =>
            Close(x.Item1, y.Item1) && Close(x.Item2, y.Item2) && Close(x.Item3, y.Item3) && Close(x.Item4, y.Item4);

        public bool Equals((double, double) x, (double, double) y) => Close(x.Item1, y.Item1) && Close(x.Item2, y.Item2);

        public int GetHashCode((double, double, double, double) obj) => 0;

        public int GetHashCode((double, double) obj) => 0;

        private static bool Close(double a, double b) => Math.Abs(a - b) < 1e-9;
    }
}
