namespace MicroMarket.Hardware.Relays;

/// <summary>
/// A contact a unit switches to follow its market schedule: load on, EV charger enabled,
/// PV export enabled. "On" always means energised/closed, whatever the drive polarity.
/// </summary>
public interface IRelay : IDisposable
{
    /// <summary>The state last commanded.</summary>
    bool IsOn { get; }

    /// <summary>Drives the relay, then reads the state back.</summary>
    /// <returns>What was commanded and what was read; <see cref="RelayStatus.IsFault"/> if they differ.</returns>
    RelayStatus Switch(bool on);

    /// <summary>Reads the state back without driving.</summary>
    RelayStatus ReadStatus();
}

/// <summary>A relay's commanded and read-back state.</summary>
/// <param name="CommandedOn">What the relay was last told.</param>
/// <param name="ReadBackOn">What the line reads now.</param>
public readonly record struct RelayStatus(bool CommandedOn, bool ReadBackOn)
{
    /// <summary>The line does not show what was commanded: a stuck driver, a short, a wrong pin.</summary>
    public bool IsFault => CommandedOn != ReadBackOn;
}
