using System.Globalization;
using MicroMarket.RunFormat;

namespace MicroMarket.Optimal;

/// <summary>The optimum's files: optimal.json (the totals, snake_case as summary.json) and optimal-slots.csv (one row per slot).</summary>
public static class OptimalOutput
{
    public static void Write(string directory, IslandSolution solution)
    {
        Directory.CreateDirectory(directory);
        RunJson.Write(directory, RunDirectory.OptimalTotals, solution);
        string[] columns = ["slot", "load_kw", "renewable_kw", "curtailed_kw", "shed_kw", "genset_on", "genset_kw", "ballast_kw", "ev_kw", "flexible_kw",
            .. solution.BatteryIds.SelectMany(id => new[] { $"{id}_kw", $"{id}_kwh" })];
        var table = new CsvTableWriter(columns);
        foreach (var s in solution.Slots)
        {
            table.Add([s.Slot, Kw(s.LoadKw), Kw(s.RenewableKw), Kw(s.CurtailedKw), Kw(s.ShedKw), s.GensetOn, Kw(s.GensetKw), Kw(s.BallastKw), Kw(s.EvKw), Kw(s.FlexibleKw),
                .. s.BatteryKw.Zip(s.BatteryKwh).SelectMany(b => new object[] { Kw(b.First), Kw(b.Second) })]);
        }
        table.Write(Path.Combine(directory, RunDirectory.OptimalSlots));
    }

    /// <summary>The totals as lines for a terminal.</summary>
    public static IEnumerable<string> Describe(IslandSolution s) =>
    [
        Line($"status      {s.Status} (gap {s.MipGap:0.######}, solved in {s.SolveSeconds:0.0} s)"),
        Line($"fuel        {s.Fuel:0.###} {s.FuelUnit}"),
        Line($"fuel cost   {s.FuelCost:0.##} tokens"),
        Line($"starts      {s.Starts}"),
        Line($"run hours   {s.RunHours:0.##}"),
        Line($"curtailed   {s.CurtailedKwh:0.###} kWh"),
        Line($"unserved    {s.UnservedKwh:0.###} kWh"),
        Line($"ballast     {s.BallastKwh:0.###} kWh"),
        Line($"objective   {s.Objective:0.###} tokens"),
    ];

    /// <summary>Solver noise below a milliwatt is written as zero, so the table reads as the optimum, not as its tolerances.</summary>
    private static double Kw(double kw) => Math.Abs(kw) < 1e-6 ? 0.0 : kw;

    private static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
