using System.Globalization;
using MicroMarket.Grid.Networks;

namespace MicroMarket.Grid.Profiles;

/// <summary>
/// A wind-speed series (m/s) and the height above ground it was measured at; with a roughness length (m) when the
/// source gives one, so the speed is carried to the hub by the log law instead of the 1/7 power law.
/// </summary>
public sealed record WindSpeedSeries(TimeSeries SpeedMs, double MeasurementHeightM, bool HeightIsAssumed, double? RoughnessLengthM = null);

/// <summary>
/// Measured 10-minute average wind speeds from the US DOE / NREL / WAPA anemometer-loan program
/// (Data/profiles/wind; the DOE/NREL data notice travels with the files, credit DOE/NREL/WAPA).
/// </summary>
public static class MeasuredWind
{
    /// <summary>Beresford, South Dakota, NRG #40 anemometer at 66 ft = 20.1 m; 2005-12-01 to 2006-01-03 (4 720 intervals, mean 5.3 m/s).</summary>
    public static WindSpeedSeries Beresford() => BeresfordSeries.Value;

    /// <summary>
    /// Fergus Electric Cooperative, Montana; 2001-04-23 to 2002-06-21 (61 031 intervals, mean 7.3 m/s), long
    /// enough for a year-long run. The source does not state the sensor height: 10 m, the meteorological
    /// standard, is assumed and flagged as such.
    /// </summary>
    public static WindSpeedSeries Fergus() => FergusSeries.Value;

    private static readonly Lazy<WindSpeedSeries> BeresfordSeries = new(() => new(Read("profiles/wind/beresford_SD_wind_10min_20m.csv", "Beresford SD"), 20.1, false));
    private static readonly Lazy<WindSpeedSeries> FergusSeries = new(() => new(Read("profiles/wind/fergus_electric_MT_wind_10min.csv", "Fergus MT"), 10.0, true));

    private static TimeSeries Read(string file, string name)
    {
        var rows = EmbeddedData.ReadCsv(file).Require("timestamp_local_start_of_interval", "wind_speed_avg_m_s").Rows;
        var first = rows[0];
        var start = DateTime.TryParse(first.Text("timestamp_local_start_of_interval"), CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
            ? t
            : throw first.Error("timestamp_local_start_of_interval", "not a timestamp");
        return new TimeSeries(name, "m/s", TimeSpan.FromMinutes(10), rows.Select(r => r.Number("wind_speed_avg_m_s", 0)), start);
    }
}
