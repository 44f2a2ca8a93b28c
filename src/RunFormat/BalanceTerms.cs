namespace MicroMarket.RunFormat;

/// <summary>slots.csv <c>balance_outcome</c>: the last step the feeder's balance needed in a slot (docs/grid.md, "Island operation").</summary>
public enum BalanceOutcome
{
    /// <summary>The grid-forming units covered the net load at their own output.</summary>
    Balanced,

    /// <summary>Storage absorbed a surplus or supplied a deficit.</summary>
    Storage,

    /// <summary>Storage could take no more: PV and wind were curtailed.</summary>
    Curtailed,

    /// <summary>A committed genset at its minimum with storage full and nothing left to curtail: a ballast took the rest.</summary>
    Ballast,

    /// <summary>Storage and the genset at their limits: part of the load was not served.</summary>
    LoadShed,

    /// <summary>No grid-forming unit online: the island was dark and no load was served.</summary>
    Blackout,

    /// <summary>The upstream grid took the rest.</summary>
    GridConnected,
}

/// <summary>slots.csv <c>genset_state</c>: the island genset's commitment in a slot (empty without a genset).</summary>
public enum GensetState
{
    Off,
    On,

    /// <summary>Started by the controller's plan: storage could not carry the look-ahead.</summary>
    Start,

    /// <summary>Started although its minimum down time or its plan said off: storage could not carry even this slot.</summary>
    EmergencyStart,
}

/// <summary>How the two vocabularies are written: outcomes by their names, genset states in lower case with a hyphen.</summary>
public static class BalanceTerms
{
    private static readonly IReadOnlyList<(GensetState State, string Name)> States =
        [(GensetState.Off, "off"), (GensetState.On, "on"), (GensetState.Start, "start"), (GensetState.EmergencyStart, "emergency-start")];

    public static string Name(GensetState state) => States.First(s => s.State == state).Name;

    public static string Name(BalanceOutcome outcome) => outcome.ToString();

    public static bool TryParse(string text, out GensetState state)
    {
        var match = States.FirstOrDefault(s => s.Name == text);
        state = match.State;
        return match.Name is not null;
    }

    /// <summary>Exactly a name as written: no numbers, no other case.</summary>
    public static bool TryParse(string text, out BalanceOutcome outcome)
    {
        var known = Enum.GetNames<BalanceOutcome>().Contains(text);
        outcome = known ? Enum.Parse<BalanceOutcome>(text) : default;
        return known;
    }

    public static IEnumerable<string> GensetStateNames => States.Select(s => s.Name);
}
