using System.Globalization;

namespace MicroMarket.Grid.Tests;

/// <summary>Reads the reference tables copied into Reference/ (see Reference/README.md).</summary>
internal static class Reference
{
    public static string PathOf(string relative) => Path.Combine(AppContext.BaseDirectory, "Reference", relative);

    /// <summary>Rows of a CSV as string arrays, header skipped.</summary>
    public static IEnumerable<string[]> Rows(string relative) =>
        File.ReadLines(PathOf(relative)).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(','));

    public static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    /// <summary>One OpenDSS snapshot voltage row: bus name and magnitude (V) / angle (deg) for nodes 1..3.</summary>
    public sealed record SnapshotVoltage(string Bus, double[] MagnitudeV, double[] AngleDeg);

    public static IReadOnlyList<SnapshotVoltage> OpenDssSnapshot(string snapshot) =>
        [.. Rows($"ieee-eu-lv/opendss/Snapshot_{snapshot}__Voltages.csv").Select(f => new SnapshotVoltage(
            f[0],
            [Number(f[3]), Number(f[7]), Number(f[11])],
            [Number(f[4]), Number(f[8]), Number(f[12])]))];

    /// <summary>Transformer-secondary P (kW) and Q (kvar) per phase for minutes 1..1440, as power into the feeder.</summary>
    public static IReadOnlyList<(double[] PKw, double[] QKvar)> SubstationPowers24h() =>
        [.. Rows("ieee-eu-lv/opendss/Powers_Transformer_Secondary_24hr.csv").Select(f => (
            new[] { -Number(f[2]), -Number(f[4]), -Number(f[6]) },
            new[] { -Number(f[3]), -Number(f[5]), -Number(f[7]) }))];

    /// <summary>|V| (V) and angle (deg) at LOAD n for minutes 1..1440.</summary>
    public static IReadOnlyList<(double MagnitudeV, double AngleDeg)> LoadVoltage24h(int load) =>
        [.. Rows($"ieee-eu-lv/opendss/Voltages_and_Currents_Load_1_32_53_24hr__Load_{load}.csv").Select(f => (Number(f[2]), Number(f[3])))];
}
