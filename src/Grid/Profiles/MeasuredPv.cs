using System.Globalization;
using MicroMarket.Grid.Networks;

namespace MicroMarket.Grid.Profiles;

/// <summary>
/// Measured AC power of a fixed PV system, NREL SERF East (PVDAQ system 50, Golden, Colorado; lat 39.742,
/// lon -105.1727, tilt 45 deg, azimuth 158 deg), from Data/profiles/pv (pvanalytics, MIT; credit NREL PVDAQ).
/// Returned as a shape in kW per kWp: the readings in W with the night-time inverter tare clipped to 0,
/// divided by the record's own peak, so 1.0 is the highest value measured (5.426 kW in the 15-minute file).
/// The system's nameplate is not published with the data; scaling this shape by a unit's kWp therefore assumes
/// that its best measured interval reached its rating (a clear-sky PV module typically gives 0.8..0.9 of kWp,
/// so this is slightly optimistic; scale the kWp down to taste).
/// </summary>
public static class MeasuredPv
{
    /// <summary>15-minute record, 2016-07-01 00:00 to 2016-10-13 03:45 local time (UTC-7), 10 000 intervals.</summary>
    public static TimeSeries SerfEast15Minute() => Fifteen.Value;

    /// <summary>1-minute record over two days in March 2022 (cloud transients), 2 607 intervals.</summary>
    public static TimeSeries SerfEast1Minute() => One.Value;

    private static readonly Lazy<TimeSeries> Fifteen = new(() => Read("profiles/pv/serf_east_15min_ac_power.csv", "ac_power", TimeSpan.FromMinutes(15)));
    private static readonly Lazy<TimeSeries> One = new(() => Read("profiles/pv/serf_east_1min_ac_power.csv", "ac_power__752", TimeSpan.FromMinutes(1)));

    private static TimeSeries Read(string file, string column, TimeSpan step)
    {
        var rows = EmbeddedData.ReadCsv(file).Require("measured_on", column).Rows;
        var watts = rows.Select(r => Math.Max(0.0, r.Number(column))).ToArray();
        var first = rows[0];
        var start = DateTimeOffset.TryParse(first.Text("measured_on"), CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
            ? t.DateTime
            : throw first.Error("measured_on", "not a timestamp");
        var peak = watts.Max();
        return new TimeSeries("SERF East PV", "kW/kWp", step, watts.Select(w => w / peak), start);
    }
}
