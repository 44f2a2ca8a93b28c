namespace MicroMarket.Grid.Units;

/// <summary>
/// Where and how a PV array is mounted. Latitude north positive, longitude east positive (degrees); tilt from
/// horizontal (0..90 deg); azimuth of the surface normal clockwise from north (180 = south-facing);
/// ground albedo 0.1..0.3 (0.2 grass); performance ratio 0.75..0.9 (wiring, temperature, inverter, soiling),
/// so that potential AC per kWp = plane-of-array irradiance / 1000 W/m2 x performance ratio.
/// </summary>
public sealed record PvSite(double LatitudeDeg, double LongitudeDeg, double TiltDeg, double AzimuthDeg, double Albedo = 0.2, double PerformanceRatio = 0.85)
{
    /// <summary>SERF East, Golden CO, the site of the measured PV profile.</summary>
    public static PvSite SerfEast { get; } = new(39.742, -105.1727, 45.0, 158.0);
}

/// <summary>
/// A clear-sky PV resource with an optional stochastic cloud factor, for sites without a measured profile.
/// <list type="number">
/// <item>Solar position: declination and equation of time from Spencer's Fourier series (1971), hour angle from
/// true solar time; zenith z and azimuth from the spherical-astronomy relations (error about 0.1 deg).</item>
/// <item>Clear-sky global horizontal irradiance, Haurwitz (1945): GHI = 1098 cos z exp(-0.057 / cos z) W/m2.</item>
/// <item>Diffuse fraction from the Erbs et al. (1982) correlation on the clearness index kt = GHI / (E0 cos z), with
/// E0 = 1367 (1 + 0.033 cos(2 pi doy / 365)) W/m2; DNI = (GHI - DHI) / cos z.</item>
/// <item>Plane of array, isotropic sky (Liu-Jordan): POA = DNI cos(AOI)+ + DHI (1 + cos beta) / 2 + GHI albedo (1 - cos beta) / 2.</item>
/// <item>Clouds scale GHI by a clear-sky index k from <see cref="CloudModel"/> before the split, so cloudy skies are also more diffuse.</item>
/// </list>
/// Each value is evaluated at the middle of its interval.
/// </summary>
public static class ClearSkyPv
{
    private const double Deg = Math.PI / 180.0;

    /// <summary>Solar zenith and azimuth (degrees, azimuth clockwise from north) at a UTC instant.</summary>
    public static (double ZenithDeg, double AzimuthDeg) SolarPosition(DateTime utc, double latitudeDeg, double longitudeDeg)
    {
        var gamma = 2 * Math.PI / 365.0 * (utc.DayOfYear - 1 + (utc.TimeOfDay.TotalHours - 12) / 24.0);
        var declination = 0.006918 - 0.399912 * Math.Cos(gamma) + 0.070257 * Math.Sin(gamma) - 0.006758 * Math.Cos(2 * gamma)
            + 0.000907 * Math.Sin(2 * gamma) - 0.002697 * Math.Cos(3 * gamma) + 0.00148 * Math.Sin(3 * gamma);
        var equationOfTimeMin = 229.18 * (0.000075 + 0.001868 * Math.Cos(gamma) - 0.032077 * Math.Sin(gamma)
            - 0.014615 * Math.Cos(2 * gamma) - 0.040849 * Math.Sin(2 * gamma));
        var solarMinutes = utc.TimeOfDay.TotalMinutes + equationOfTimeMin + 4.0 * longitudeDeg;
        var hourAngle = (solarMinutes / 4.0 - 180.0) * Deg;
        var lat = latitudeDeg * Deg;
        var cosZenith = Math.Clamp(Math.Sin(lat) * Math.Sin(declination) + Math.Cos(lat) * Math.Cos(declination) * Math.Cos(hourAngle), -1.0, 1.0);
        var zenith = Math.Acos(cosZenith);
        var azimuth = Math.Atan2(Math.Sin(hourAngle), Math.Cos(hourAngle) * Math.Sin(lat) - Math.Tan(declination) * Math.Cos(lat)) + Math.PI;
        return (zenith / Deg, azimuth / Deg % 360.0);
    }

    /// <summary>Potential AC power per kWp at a UTC instant under clear-sky index <paramref name="clearSkyIndex"/> (1 = clear).</summary>
    public static double PotentialKwPerKwp(PvSite site, DateTime utc, double clearSkyIndex = 1.0)
    {
        var (zenithDeg, azimuthDeg) = SolarPosition(utc, site.LatitudeDeg, site.LongitudeDeg);
        var cosZ = Math.Cos(zenithDeg * Deg);
        if (cosZ <= 0.01)
        {
            return 0.0; // sun below (or grazing) the horizon
        }
        var ghi = 1098.0 * cosZ * Math.Exp(-0.057 / cosZ) * Math.Max(0.0, clearSkyIndex);
        var extraterrestrial = 1367.0 * (1 + 0.033 * Math.Cos(2 * Math.PI * utc.DayOfYear / 365.0));
        var kt = Math.Min(ghi / (extraterrestrial * cosZ), 1.0);
        var diffuseFraction = kt <= 0.22 ? 1.0 - 0.09 * kt
            : kt <= 0.80 ? 0.9511 - 0.1604 * kt + 4.388 * kt * kt - 16.638 * Math.Pow(kt, 3) + 12.336 * Math.Pow(kt, 4)
            : 0.165;
        var dhi = ghi * diffuseFraction;
        var dni = (ghi - dhi) / cosZ;
        return PlaneOfArrayWm2(site, zenithDeg, azimuthDeg, ghi, dni, dhi) / 1000.0 * site.PerformanceRatio;
    }

    /// <summary>
    /// Irradiance on the array's plane by the isotropic-sky (Liu-Jordan) transposition, W/m2:
    /// POA = DNI cos(AOI)+ + DHI (1 + cos beta) / 2 + GHI albedo (1 - cos beta) / 2, for the sun at the given zenith and azimuth.
    /// </summary>
    public static double PlaneOfArrayWm2(PvSite site, double zenithDeg, double azimuthDeg, double ghi, double dni, double dhi)
    {
        var tilt = site.TiltDeg * Deg;
        var cosAoi = Math.Cos(zenithDeg * Deg) * Math.Cos(tilt) + Math.Sin(zenithDeg * Deg) * Math.Sin(tilt) * Math.Cos((azimuthDeg - site.AzimuthDeg) * Deg);
        return dni * Math.Max(0.0, cosAoi) + dhi * (1 + Math.Cos(tilt)) / 2 + ghi * site.Albedo * (1 - Math.Cos(tilt)) / 2;
    }

    /// <summary>
    /// A series of potential AC power per kWp, one value per interval of <paramref name="step"/> from
    /// <paramref name="startUtc"/>, with clouds from <paramref name="clouds"/> (null for clear sky).
    /// </summary>
    public static Profiles.TimeSeries Generate(PvSite site, DateTime startUtc, TimeSpan step, int count, CloudModel? clouds = null)
    {
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            var k = clouds?.Next() ?? 1.0;
            values[i] = PotentialKwPerKwp(site, startUtc + step * (i + 0.5), k);
        }
        return new Profiles.TimeSeries("clear-sky PV", "kW/kWp", step, values, startUtc);
    }
}

/// <summary>
/// A stochastic clear-sky index k (ratio of actual to clear-sky GHI) per interval: a first-order autoregressive
/// process x' = mu + phi (x - mu) + sigma sqrt(1 - phi^2) eps, eps standard normal, reported as
/// k = clamp(x, <see cref="MinIndex"/>, <see cref="MaxIndex"/>). Deterministic for a given <see cref="Random"/> seed.
/// Typical for 15-minute steps: mean 0.5..0.8 (cloudy to sunny climates), phi 0.8..0.95, sigma 0.15..0.3.
/// </summary>
public sealed class CloudModel
{
    private readonly Random _random;
    private double _x;

    public CloudModel(Random random, double mean = 0.7, double persistence = 0.9, double standardDeviation = 0.25, double minIndex = 0.05, double maxIndex = 1.0)
    {
        if (!(persistence is >= 0 and < 1) || !(standardDeviation >= 0) || !(minIndex >= 0 && maxIndex >= minIndex))
        {
            throw new ArgumentOutOfRangeException(nameof(persistence), "need 0 <= persistence < 1, sigma >= 0 and 0 <= min <= max");
        }
        _random = random;
        Mean = mean;
        Persistence = persistence;
        StandardDeviation = standardDeviation;
        MinIndex = minIndex;
        MaxIndex = maxIndex;
        _x = mean + standardDeviation * StandardNormal.Sample(random);
    }

    public double Mean { get; }
    public double Persistence { get; }
    public double StandardDeviation { get; }
    public double MinIndex { get; }
    public double MaxIndex { get; }

    /// <summary>The clear-sky index for the next interval.</summary>
    public double Next()
    {
        var k = Math.Clamp(_x, MinIndex, MaxIndex);
        _x = Mean + Persistence * (_x - Mean) + StandardDeviation * Math.Sqrt(1 - Persistence * Persistence) * StandardNormal.Sample(_random);
        return k;
    }
}

/// <summary>Standard normal variates by the Box-Muller transform (two uniforms per draw, so the stream is reproducible).</summary>
internal static class StandardNormal
{
    public static double Sample(Random random)
    {
        var u1 = 1.0 - random.NextDouble(); // (0, 1]: keeps the logarithm finite
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
