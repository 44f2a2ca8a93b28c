namespace MicroMarket.Grid.Balance;

/// <summary>HOMER's two dispatch strategies for a genset beside storage (HOMER Pro manual, "Load Following", "Cycle Charging").</summary>
public enum GensetDispatchRule
{
    /// <summary>A running genset serves the net load only; storage is charged by surplus renewables (and the genset's minimum output), never on purpose.</summary>
    LoadFollowing,

    /// <summary>A running genset runs at the highest output the island (load + storage charging) takes, and keeps running until the grid-forming storage reaches the set-point SoC.</summary>
    CycleCharging,
}

/// <summary>
/// A genset's commitment rules in slots: minimum up and down times, spinning reserve (a fraction of the load and, with
/// <paramref name="ReserveLargestUnit"/>, at least the largest single infeed, whose trip the island must ride through),
/// dispatch rule and look-ahead.
/// </summary>
public sealed record GensetCommitment(int MinUpSlots, int MinDownSlots, double ReserveFraction, bool ReserveLargestUnit, GensetDispatchRule Rule, int LookAheadSlots, double SlotHours);

/// <summary>
/// What the island controller knows before a slot, kW and kWh: the net load it must cover beyond the storage
/// schedules (consumption + expected losses - generation, measured at the slot's start and taken as the forecast over
/// the look-ahead: a persistence forecast), the load and the largest single infeed of a PV, wind or vehicle-to-grid unit
/// (for the spinning reserve), and what the online grid-forming
/// storage can still give: whether any grid-forming storage is online, energy above the reserves (AC side) and
/// discharge power of all storage the balance may draw from, and the charging power the grid-forming storage takes
/// towards the cycle-charging set-point.
/// </summary>
public sealed record IslandOutlook(double NetLoadKw, double LoadKw, double LargestInfeedKw, bool FormerOnline, double StorageEnergyKwh, double StorageDischargeKw, double ChargeToSetpointKw);

/// <summary>
/// The controller's decision for a slot: whether the genset runs (<see cref="Emergency"/> when it starts within its
/// minimum down time because storage cannot carry even this slot), what it adds for cycle charging, and the spinning
/// reserve required and available.
/// </summary>
public sealed record GensetPlan(bool Committed, bool Emergency, double ExtraKw, double ReserveRequiredKw, double ReserveAvailableKw);

/// <summary>
/// Unit commitment of the island's genset, decided before each slot (docs/grid.md, "Island operation"). Off, it
/// starts only when the grid-forming storage cannot carry the net load over the look-ahead (energy above its reserve,
/// or discharge power with the spinning reserve on top); running, it stops only after its minimum up time and when
/// storage can carry the look-ahead again (cycle charging: also once storage has reached the set-point). Its minimum
/// down time keeps it off unless storage cannot carry even this slot, when the balance makes an emergency start
/// (<see cref="IslandDispatch"/>). Deterministic: the state is the on/off state and the slots spent in it.
/// </summary>
public sealed class GensetController(GensetCommitment commitment, double ratedKw)
{
    private const double Epsilon = 1e-9;
    private int _slotsInState = int.MaxValue / 2;

    public bool Running { get; private set; }

    public GensetPlan Plan(IslandOutlook outlook)
    {
        var reserveRequired = Math.Max(commitment.ReserveFraction * Math.Max(0, outlook.LoadKw),
            commitment.ReserveLargestUnit ? Math.Max(0, outlook.LargestInfeedKw) : 0);
        var net = Math.Max(0, outlook.NetLoadKw);
        var lookAheadHours = Math.Max(1, commitment.LookAheadSlots) * commitment.SlotHours;
        var storageCarries = outlook.FormerOnline && outlook.StorageEnergyKwh + Epsilon >= net * lookAheadHours
            && outlook.StorageDischargeKw + Epsilon >= net + reserveRequired;
        bool committed, emergency = false;
        if (Running)
        {
            var chargingDone = commitment.Rule == GensetDispatchRule.LoadFollowing || outlook.ChargeToSetpointKw <= Epsilon;
            committed = _slotsInState < commitment.MinUpSlots || !storageCarries || !chargingDone;
        }
        else
        {
            var carriesThisSlot = outlook.FormerOnline && outlook.StorageEnergyKwh + Epsilon >= net * commitment.SlotHours && outlook.StorageDischargeKw + Epsilon >= net;
            emergency = _slotsInState < commitment.MinDownSlots && !carriesThisSlot;
            committed = _slotsInState < commitment.MinDownSlots ? emergency : !storageCarries;
        }
        var extra = committed && commitment.Rule == GensetDispatchRule.CycleCharging ? outlook.ChargeToSetpointKw : 0;
        var available = (committed ? ratedKw : 0) + outlook.StorageDischargeKw - net;
        return new GensetPlan(committed, emergency, extra, reserveRequired, Math.Max(0, available));
    }

    /// <summary>The on/off state and the slots spent in it, for a market node's checkpoint.</summary>
    public (bool Running, int SlotsInState) State
    {
        get => (Running, _slotsInState);
        set => (Running, _slotsInState) = value;
    }

    /// <summary>Records whether the genset really ran in the slot (an emergency start counts), for the minimum up and down times.</summary>
    public void Ran(bool running)
    {
        _slotsInState = running == Running ? _slotsInState + 1 : 1;
        Running = running;
    }
}
