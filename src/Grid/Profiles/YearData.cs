using System.Globalization;
using MicroMarket.Grid.Networks;

namespace MicroMarket.Grid.Profiles;

/// <summary>Hourly typical-year weather at one site: irradiance (W/m2) and air temperature (deg C), from <see cref="StartUtc"/>.</summary>
public sealed record TmyWeather(double LatitudeDeg, double LongitudeDeg, DateTime StartUtc, TimeSpan Step,
    double[] GhiWm2, double[] DniWm2, double[] DhiWm2, double[] TempAirC);

/// <summary>
/// The year-long series of Data/profiles/year (README there: sources, licences, derivation). Each is one regular
/// year from 1 January 00:00 of its own fixed-offset clock (UTC for PVGIS, UTC+1 for the wind and BDEW files), 365
/// days; a scenario reads them by its day of year. Loaded once, on first use; a file that is not a regular full year
/// throws <see cref="NetworkFormatException"/> naming its line.
/// </summary>
public static class YearData
{
    public const int Days = 365;

    /// <summary>PVGIS typical meteorological year (PVGIS-SARAH3 / ERA5, 2005-2023) at 45.0 N 8.0 E, 250 m, hourly, UTC.</summary>
    public static TmyWeather PvgisTmy() => Tmy.Value;

    /// <summary>windpowerlib's example weather year 2010, 10 m speed, hourly; roughness length 0.15 m throughout.</summary>
    public static WindSpeedSeries Windpowerlib2010() => Wind.Value;

    /// <summary>The BDEW/VDEW household standard load profile H0, dynamised, 2026, 15 min, kW per MWh of annual use (integrates to 1 MWh).</summary>
    public static TimeSeries BdewH0() => H0.Value;

    /// <summary>windpowerlib's roughness length for its example weather, m.</summary>
    public const double WindpowerlibRoughnessM = 0.15;

    private static readonly Lazy<TmyWeather> Tmy = new(() =>
    {
        var (rows, start) = Read("profiles/year/pvgis_tmy_45.0N_8.0E_hourly.csv", TimeSpan.FromHours(1), "ghi_w_m2", "dni_w_m2", "dhi_w_m2", "temp_air_c_at_2m");
        double[] Column(string name) => [.. rows.Select(r => r.Number(name))];
        return new TmyWeather(45.0, 8.0, start.UtcDateTime, TimeSpan.FromHours(1),
            Column("ghi_w_m2"), Column("dni_w_m2"), Column("dhi_w_m2"), Column("temp_air_c_at_2m"));
    });

    private static readonly Lazy<WindSpeedSeries> Wind = new(() =>
    {
        const string column = "wind_speed_m_s_at_10m";
        var (rows, start) = Read("profiles/year/windpowerlib_2010_10m_hourly.csv", TimeSpan.FromHours(1), column);
        return new WindSpeedSeries(new TimeSeries("windpowerlib 2010", "m/s", TimeSpan.FromHours(1), rows.Select(r => r.Number(column, 0)), start.DateTime),
            10.0, false, WindpowerlibRoughnessM);
    });

    private static readonly Lazy<TimeSeries> H0 = new(() =>
    {
        const string column = "h0_dyn_kw_per_mwh_a";
        var (rows, start) = Read("profiles/year/bdew_h0_dyn_2026_15min.csv", TimeSpan.FromMinutes(15), column);
        return new TimeSeries("BDEW H0 (dynamised) 2026", "kW per MWh/a", TimeSpan.FromMinutes(15), rows.Select(r => r.Number(column, 0)), start.DateTime);
    });

    /// <summary>The rows of a year file, checked to be <see cref="Days"/> days at <paramref name="step"/> from 1 January 00:00 of the first row's clock.</summary>
    private static (IReadOnlyList<CsvRow> Rows, DateTimeOffset Start) Read(string file, TimeSpan step, params string[] columns)
    {
        var rows = EmbeddedData.ReadCsv(file).Require(["timestamp", .. columns]).Rows;
        DateTimeOffset At(CsvRow row) => DateTimeOffset.TryParse(row.Text("timestamp"), CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
            ? t
            : throw row.Error("timestamp", "not a timestamp with an offset");
        var start = At(rows[0]);
        if (start.Month != 1 || start.Day != 1 || start.TimeOfDay != TimeSpan.Zero)
        {
            throw rows[0].Error("timestamp", "a year series starts on 1 January at 00:00");
        }
        if (rows.Count != (int)(TimeSpan.FromDays(Days) / step))
        {
            throw rows[^1].Error("timestamp", $"expected {Days} days of {step.TotalMinutes}-minute rows, found {rows.Count} rows");
        }
        for (var i = 1; i < rows.Count; i++)
        {
            if (At(rows[i]) - start != step * i)
            {
                throw rows[i].Error("timestamp", $"breaks the regular {step.TotalMinutes}-minute step");
            }
        }
        return (rows, start);
    }
}
