using MicroMarket.Grid.Profiles;
using MicroMarket.Grid.Units;
using Xunit;
using Xunit.Abstractions;

namespace MicroMarket.Grid.Tests.Profiles;

public sealed class YearSeriesTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Quarter = TimeSpan.FromMinutes(15);

    [Fact]
    public void The_year_files_are_full_regular_years_from_1_january_with_the_README_s_statistics()
    {
        var tmy = YearData.PvgisTmy();
        Assert.Equal(8760, tmy.GhiWm2.Length);
        Assert.Equal(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), tmy.StartUtc);
        // Annual GHI 1,436 kWh/m2 and mean air temperature 13.56 C (the shared README's statistics).
        Assert.Equal(1436, tmy.GhiWm2.Sum() / 1000, 0);
        Assert.Equal(13.56, tmy.TempAirC.Average(), 2);

        var wind = YearData.Windpowerlib2010();
        Assert.Equal((8760, 10.0, 0.15), (wind.SpeedMs.Count, wind.MeasurementHeightM, wind.RoughnessLengthM!.Value));
        Assert.Equal(3.737, wind.SpeedMs.Values.ToArray().Average(), 3);

        var h0 = YearData.BdewH0();
        Assert.Equal(365 * 96, h0.Count);
        Assert.Equal(1000.0, h0.Values.ToArray().Sum() * 0.25, 3);   // kW per MWh/a over a year: 1 MWh
        Assert.Equal(0.2694, h0.Values.ToArray().Max(), 4);
    }

    [Fact]
    public void Tmy_pv_yields_what_the_site_s_irradiance_allows_and_nothing_at_night()
    {
        var tmy = YearData.PvgisTmy();
        var flat = TmyPv.Generate(tmy, 0, 180, Quarter).Values.ToArray();
        var south = TmyPv.Generate(tmy, 35, 180, Quarter).Values.ToArray();
        var flatYield = flat.Sum() * 0.25;
        var southYield = south.Sum() * 0.25;
        output.WriteLine($"PVGIS TMY 45N 8E: {flatYield:0} kWh/kWp flat, {southYield:0} kWh/kWp at 35 deg south, peak {south.Max():0.000} kW/kWp");

        // The shared README's rule of thumb for a flat array: about 0.8 x GHI / 1000, 1,150 kWh/kWp a year.
        Assert.InRange(flatYield, 1050, 1250);
        Assert.InRange(southYield, 1.1 * flatYield, 1.3 * flatYield);
        Assert.InRange(south.Max(), 0.75, 1.0);
        // 1 January, 00:00-06:00 and 18:00-24:00 UTC at 8 E: the sun is down.
        Assert.All(south[..24].Concat(south[72..96]), v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void Temperature_derating_follows_the_noct_model()
    {
        // At 1000 W/m2 and 25 C air, the cell runs at 25 + 1000 x 25 / 800 = 56.25 C: 12.5 % below its STC output.
        Assert.Equal(0.86 * (1 - 0.004 * 31.25), TmyPv.KwPerKwp(1000, 25), 12);
        Assert.Equal(0.86 * 0.2 * (1 - 0.004 * (0 + 200 * 25.0 / 800 - 25)), TmyPv.KwPerKwp(200, 0), 12);
    }

    [Fact]
    public void A_diversified_household_uses_exactly_its_annual_energy_and_differs_from_its_neighbours()
    {
        var h0 = YearData.BdewH0();
        var a = DiversifiedHousehold.Generate(h0, 3500, new Random(1)).Values.ToArray();
        var b = DiversifiedHousehold.Generate(h0, 3500, new Random(2)).Values.ToArray();

        Assert.Equal(3500, a.Sum() * 0.25, 6);
        Assert.Equal(3500, b.Sum() * 0.25, 6);
        Assert.NotEqual(a, b);
        Assert.Equal(a, DiversifiedHousehold.Generate(h0, 3500, new Random(1)).Values.ToArray());
        Assert.All(a, v => Assert.True(v > 0));
        // A single household peaks at kettle-and-oven levels, well above the standard profile's 0.94 kW for 3.5 MWh/a.
        Assert.InRange(a.Max(), 3, 9);
    }

    [Fact]
    public void The_mean_of_many_households_converges_to_the_standard_profile()
    {
        var h0 = YearData.BdewH0();
        var mean = new double[h0.Count];
        const int households = 400;
        for (var k = 0; k < households; k++)
        {
            var series = DiversifiedHousehold.Generate(h0, 1000, new Random(k)).Values;
            for (var i = 0; i < mean.Length; i++)
            {
                mean[i] += series[i] / households;
            }
        }
        // Day by day the energy matches H0's (the lags move at most an hour of a night across midnight).
        var worstDay = Enumerable.Range(0, 365).Max(d =>
            Math.Abs(mean.Skip(d * 96).Take(96).Sum() / h0.Values[(d * 96)..((d + 1) * 96)].ToArray().Sum() - 1));
        // Hour by hour it matches H0 smoothed by the +-1 h lags.
        var hourly = Enumerable.Range(0, 365 * 24).Select(h => (Mean: mean.Skip(h * 4).Take(4).Sum(), H0: h0.Values[(h * 4)..(h * 4 + 4)].ToArray().Sum())).ToList();
        var hourlyError = Math.Sqrt(hourly.Average(x => Math.Pow(x.Mean - x.H0, 2))) / hourly.Average(x => x.H0);
        output.WriteLine($"{households} households: worst day {worstDay:P2} off H0, hourly RMS {hourlyError:P2} of the mean");

        Assert.InRange(worstDay, 0, 0.06);
        Assert.InRange(hourlyError, 0, 0.1);
    }

    [Fact]
    public void Fifty_five_households_have_a_plausible_coincidence_factor()
    {
        // The ieee-eu-lv-year feeder: 55 households of 2,000..5,000 kWh/a. Coincidence factor = the feeder's highest
        // quarter-hour / the sum of each household's own highest quarter-hour, over the year.
        var h0 = YearData.BdewH0();
        var draws = new Random(7);
        var households = Enumerable.Range(0, 55)
            .Select(k => DiversifiedHousehold.Generate(h0, 2000 + 3000 * draws.NextDouble(), new Random(1000 + k)).Values.ToArray())
            .ToList();
        var feeder = Enumerable.Range(0, h0.Count).Select(i => households.Sum(h => h[i])).ToArray();
        var factor = feeder.Max() / households.Sum(h => h.Max());
        output.WriteLine($"coincidence factor of 55 households over a year: {factor:0.000} (feeder peak {feeder.Max():0.0} kW, sum of peaks {households.Sum(h => h.Max()):0.0} kW)");

        // Undiversified H0 would give exactly 1. German LV planning's coincidence curve g(n) = g_inf + (1 - g_inf) n^-3/4
        // with g_inf about 0.07..0.1 (Kerber 2011, for households without electric heating) gives 0.12..0.15 for 55
        // instantaneous peaks; 15-minute peaks are lower, so their factor is higher: 0.15..0.4 is plausible.
        Assert.InRange(factor, 0.15, 0.4);
    }
}
