namespace MicroMarket.Grid.Units;

/// <summary>The checks every unit model makes of its arguments: a positive slot length (as hours, for energy = power x time) and finite set-points.</summary>
internal static class UnitArguments
{
    public static double Hours(TimeSpan slot) =>
        slot > TimeSpan.Zero ? slot.TotalHours : throw new ArgumentOutOfRangeException(nameof(slot), slot, "slot length must be positive");

    public static void RequireFinite(double value, string name)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, "must be a finite number");
        }
    }
}
