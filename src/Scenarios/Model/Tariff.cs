namespace MicroMarket.Scenarios.Model;

/// <summary>
/// A price the upstream supplier posts, tokens per kWh, as a rule over local wall-clock time: flat, by hour of the
/// day (time of use) or from a dated series. <see cref="GridConnectedMode.PricesAt"/> is the one place that turns it
/// into a slot's price.
/// </summary>
public abstract record Tariff
{
    /// <summary>The price in force at <paramref name="local"/>, a wall-clock time in the scenario's time zone.</summary>
    /// <exception cref="InvalidOperationException">outside a series (the loader rejects a series that does not cover the run).</exception>
    public abstract decimal PriceAt(DateTime local);

    /// <summary>A plain number in a scenario is a flat tariff.</summary>
    public static implicit operator Tariff(decimal price) => new FlatTariff(price);
}

/// <summary>The same price at every hour.</summary>
public sealed record FlatTariff(decimal Price) : Tariff
{
    public override decimal PriceAt(DateTime local) => Price;
}

/// <summary>
/// Time of use: a price per local hour 0..23, one list for Monday to Friday and one for Saturday and Sunday (of the
/// local date), so a slot pays the price of the local hour it starts in.
/// </summary>
public sealed record TimeOfUseTariff(ValueList<decimal> Weekdays, ValueList<decimal> Weekends) : Tariff
{
    public override decimal PriceAt(DateTime local) =>
        (local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? Weekends : Weekdays)[local.Hour];
}

/// <summary>
/// A dynamic tariff from a price series file: <see cref="Prices"/>[i] holds over local times
/// [<see cref="Start"/> + i x <see cref="Step"/>, + <see cref="Step"/>), so a slot pays the price in force when it starts.
/// </summary>
/// <param name="FilePath">The absolute path of the CSV the prices were read from, written back for the resolved scenario.</param>
public sealed record SeriesTariff(string FilePath, DateTime Start, TimeSpan Step, ValueList<decimal> Prices) : Tariff
{
    public override decimal PriceAt(DateTime local) =>
        Covers(local)
            ? Prices[(int)IndexOf(local)]
            : throw new InvalidOperationException($"{Path.GetFileName(FilePath)} has no price for {local:yyyy-MM-dd HH:mm}");

    /// <summary>True when the series has a price at <paramref name="local"/>.</summary>
    public bool Covers(DateTime local) => IndexOf(local) is var i && i >= 0 && i < Prices.Count;

    private long IndexOf(DateTime local) => local < Start ? -1 : (local - Start).Ticks / Step.Ticks;
}
