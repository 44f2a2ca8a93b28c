using MicroMarket.RunFormat;

namespace MicroMarket.Optimal;

/// <summary>A simulated run's slack against the optimum, from the run directory's units.csv.</summary>
public static class RunComparison
{
    /// <summary>
    /// The run's fuel is the sum of its slack's fuel column; a start is a slot where the slack burns fuel after a slot
    /// where it did not (a running genset always does, even with all its output in the ballast; it is off before the
    /// first slot, as in the optimum).
    /// </summary>
    public static OptimalComparison Of(string runDirectory, IslandSolution optimum)
    {
        var table = TableReader.Open(runDirectory, RunDirectory.Units, UnitsCsv.Kind, UnitsCsv.Fuel);
        double fuel = 0;
        var starts = 0;
        var running = false;
        foreach (var row in table.Records().Where(r => r.Text(UnitsCsv.Kind) == UnitKinds.Name(UnitKind.Slack)))
        {
            var slotFuel = row.NullableDouble(UnitsCsv.Fuel) ?? 0;
            fuel += slotFuel;
            starts += slotFuel > 0 && !running ? 1 : 0;
            running = slotFuel > 0;
        }
        return new OptimalComparison(RunPrecision.Quantity(optimum.Fuel), optimum.Starts,
            RunPrecision.Quantity(optimum.Fuel > 0 ? fuel / optimum.Fuel - 1 : null),
            RunPrecision.Quantity(optimum.Starts > 0 ? (double)starts / optimum.Starts : null));
    }
}
