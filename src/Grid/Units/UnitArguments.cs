namespace MicroMarket.Grid.Units;

/// <summary>Converts a slot length to hours for energy = power x time, and checks it.</summary>
internal static class SlotTime
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
