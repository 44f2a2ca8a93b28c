using MicroMarket.Grid.Profiles;

namespace MicroMarket.Grid.Units;

/// <summary>
/// Potential AC power per kWp from a typical-year weather file (GHI, DNI, DHI and air temperature), in four
/// textbook steps:
/// <list type="number">
/// <item>the sun's position at the middle of each interval (<see cref="ClearSkyPv.SolarPosition"/>), the hour's irradiance
/// held over its quarters; nothing while the sun is below the horizon;</item>
/// <item>plane-of-array irradiance by the isotropic-sky model (<see cref="ClearSkyPv.PlaneOfArrayWm2"/>, Liu and Jordan 1963),
/// ground albedo 0.2;</item>
/// <item>cell temperature by the NOCT model, T_cell = T_air + POA (NOCT - 20 C) / 800 W/m2 with NOCT = 45 C
/// (Duffie and Beckman, Solar Engineering of Thermal Processes, 4th ed., sec. 23.3), and a power temperature
/// coefficient of -0.4 %/K above 25 C (crystalline silicon);</item>
/// <item>the remaining system losses (soiling, mismatch, wiring, inverter) as 14 %, PVWatts' default
/// (Dobos 2014, NREL/TP-6A20-62641), so AC per kWp = POA / 1000 x (1 - 0.004 (T_cell - 25)) x 0.86.</item>
/// </list>
/// </summary>
public static class TmyPv
{
    public const double Albedo = 0.2;
    public const double NoctC = 45.0;
    public const double TemperatureCoefficientPerK = -0.004;
    public const double SystemLossFactor = 0.86;

    /// <summary>The year of potential AC kW per kWp at <paramref name="step"/> (dividing an hour) for an array of this tilt and azimuth at the weather's site.</summary>
    public static TimeSeries Generate(TmyWeather weather, double tiltDeg, double azimuthDeg, TimeSpan step)
    {
        if (weather.Step.Ticks % step.Ticks != 0)
        {
            throw new ArgumentException($"{step} does not divide the weather's step {weather.Step}", nameof(step));
        }
        var site = new PvSite(weather.LatitudeDeg, weather.LongitudeDeg, tiltDeg, azimuthDeg, Albedo);
        var per = (int)(weather.Step.Ticks / step.Ticks);
        var values = new double[weather.GhiWm2.Length * per];
        for (var i = 0; i < values.Length; i++)
        {
            var hour = i / per;
            var (zenithDeg, azimuthOfSunDeg) = ClearSkyPv.SolarPosition(weather.StartUtc + step * (i + 0.5), weather.LatitudeDeg, weather.LongitudeDeg);
            values[i] = zenithDeg >= 90.0 ? 0.0 : KwPerKwp(
                ClearSkyPv.PlaneOfArrayWm2(site, zenithDeg, azimuthOfSunDeg, weather.GhiWm2[hour], weather.DniWm2[hour], weather.DhiWm2[hour]),
                weather.TempAirC[hour]);
        }
        return new TimeSeries("PVGIS TMY PV", "kW/kWp", step, values, weather.StartUtc);
    }

    /// <summary>AC kW per kWp for a plane-of-array irradiance (W/m2) at an air temperature (deg C).</summary>
    public static double KwPerKwp(double poaWm2, double tempAirC)
    {
        var cellC = tempAirC + poaWm2 * (NoctC - 20.0) / 800.0;
        return Math.Max(0.0, poaWm2 / 1000.0 * (1 + TemperatureCoefficientPerK * (cellC - 25.0)) * SystemLossFactor);
    }
}
