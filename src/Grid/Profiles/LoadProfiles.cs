using System.Globalization;
using MicroMarket.Grid.Networks;

namespace MicroMarket.Grid.Profiles;

/// <summary>
/// The 100 measured household load profiles of the IEEE European LV Test Feeder: 1-minute average active power
/// in kW over one day (1440 values; value i covers minute i + 1, "00:01:00" is minute 1). Profiles 1..55 are the
/// feeder's LOAD1..LOAD55; all 100 serve as household load units. Loaded from the embedded data once, on first use.
/// </summary>
public static class LoadProfiles
{
    public const int Count = 100;
    public const int MinutesPerDay = 1440;
    private const string Prefix = IeeeEuLvFeeder.Name + ":";
    private static readonly Lazy<TimeSeries>[] Profiles = [.. Enumerable.Range(1, Count).Select(n => new Lazy<TimeSeries>(() => Read(n)))];

    /// <summary>The name a network file uses for profile <paramref name="number"/>: "ieee-eu-lv:N".</summary>
    public static string ProfileName(int number) => Prefix + number.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses "ieee-eu-lv:N" to N in 1..100.</summary>
    public static bool TryParseProfileName(string name, out int number)
    {
        number = 0;
        return name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)
            && int.TryParse(name.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out number)
            && number is >= 1 and <= Count;
    }

    /// <summary>Profile <paramref name="number"/> (1..100) at its native 1-minute resolution, kW.</summary>
    public static TimeSeries Get(int number)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(number, Count);
        return Profiles[number - 1].Value;
    }

    /// <summary>Profile <paramref name="number"/> averaged to the slot length (e.g. 15 minutes: 96 values), kW.</summary>
    public static TimeSeries Get(int number, TimeSpan slot) => Get(number).Aggregate(slot);

    /// <summary>The power of profile <paramref name="number"/> at minute <paramref name="minute"/> (1..1440), kW.</summary>
    public static double PowerKw(int number, int minute)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minute, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minute, MinutesPerDay);
        return Get(number)[minute - 1];
    }

    private static TimeSeries Read(int number)
    {
        var file = $"ieee-eu-lv/network/load_profiles/Load_profile_{number}.csv";
        var rows = EmbeddedData.ReadCsv(file).Require("time", "mult").Rows;
        if (rows.Count != MinutesPerDay)
        {
            throw new NetworkFormatException(file, 0, "mult", $"expected {MinutesPerDay} minutes, found {rows.Count}");
        }
        return new TimeSeries(ProfileName(number), "kW", TimeSpan.FromMinutes(1), rows.Select(r => r.Number("mult", 0)));
    }
}
