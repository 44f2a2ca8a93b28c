using MicroMarket.Grid.Units;

namespace MicroMarket.Optimal;

/// <summary>
/// Everything the optimal reference needs about an island over <see cref="Slots"/> slots of <see cref="SlotHours"/>:
/// the exogenous actuals (renewable availability and household demand, aggregated: the island is one bus to the
/// optimum, losses as a factor), the dispatchable units and the prices. Small on purpose, so tests build islands by
/// hand; <see cref="IslandProblems.From"/> maps a scenario. Slots count from the first delivered slot, 0.
/// </summary>
/// <param name="RenewableKw">Available PV + wind power per slot, kW (curtailable).</param>
/// <param name="LoadKw">Household demand per slot, kW (sheddable at <see cref="ValueOfLostLoad"/>).</param>
/// <param name="LossFactor">Network losses per kWh consumed (households, EVs, flexible loads).</param>
/// <param name="ReserveFraction">Spinning reserve the committed gensets' headroom and storage must hold, as a fraction of served load.</param>
/// <param name="ValueOfLostLoad">Tokens per kWh of demand not served, of EV or job energy missing at the deadline and of storage left below its start.</param>
/// <param name="Terminal">Whether storage must end where it started (softly, at <see cref="ValueOfLostLoad"/>) or may end anywhere.</param>
/// <param name="LargestInfeedKw">Per slot, the largest single PV or wind unit's available power, kW, when the reserve must also
/// cover its trip (a genset's <c>reserve_largest_unit</c>, the N-1 rule); null when only the fraction of load applies.</param>
public sealed record IslandProblem(
    int Slots,
    double SlotHours,
    IReadOnlyList<double> RenewableKw,
    IReadOnlyList<double> LoadKw,
    IReadOnlyList<OptimalGenset> Gensets,
    IReadOnlyList<OptimalBattery> Batteries,
    IReadOnlyList<OptimalEv> Evs,
    IReadOnlyList<OptimalJob> Jobs,
    double LossFactor = 0.0,
    double ReserveFraction = 0.0,
    double ValueOfLostLoad = 3.0,
    TerminalRule Terminal = TerminalRule.AtLeastInitial,
    IReadOnlyList<double>? LargestInfeedKw = null)
{
    /// <summary>Without a grid-forming battery only a running genset holds the island up: with every genset off, nothing runs.</summary>
    public bool HasGridFormingStorage => Batteries.Any(b => b.GridForming);
}

public enum TerminalRule
{
    /// <summary>Each battery should end at least where it started: the optimum gets no energy for free from the end state.</summary>
    AtLeastInitial,

    /// <summary>Storage may end anywhere (a case that cannot refill it, or a what-if).</summary>
    Free,
}

/// <summary>
/// A genset with the linear fuel curve F = <see cref="Fuel"/>.NoLoadPerRatedKw x rated + PerKwh x P per hour while running,
/// <see cref="StartFuel"/> per start, minimum up and down times in slots, and its fuel price (tokens per fuel unit).
/// </summary>
public sealed record OptimalGenset(string Id, double RatedKw, double MinimumKw, FuelCurve Fuel, double FuelPrice, double StartFuel, int MinUpSlots, int MinDownSlots)
{
    /// <summary>Fuel per hour while running at zero output: paid every hour the genset is on.</summary>
    public double NoLoadFuelPerHour => Fuel.NoLoadPerRatedKw * RatedKw;
}

/// <summary>
/// A battery: energies in kWh within [<see cref="MinKwh"/>, <see cref="MaxKwh"/>], starting at <see cref="InitialKwh"/>.
/// A <see cref="GridForming"/> one holds the island up with the gensets off, as long as it stays above <see cref="ReserveKwh"/>.
/// </summary>
public sealed record OptimalBattery(
    string Id, double ChargeKw, double DischargeKw, double ChargeEfficiency, double DischargeEfficiency,
    double MinKwh, double MaxKwh, double InitialKwh, bool GridForming, double ReserveKwh);

/// <summary>An EV and its plug-in sessions as they actually happen (slots from 0; a session may run past the horizon).</summary>
public sealed record OptimalEv(string Id, double CapacityKwh, double ChargerKw, double V2gKw, double ChargeEfficiency, double DischargeEfficiency, IReadOnlyList<EvSession> Sessions);

/// <summary>A flexible job: <see cref="EnergyKwh"/> within slots [<see cref="StartSlot"/>, <see cref="EndSlot"/>) at up to <see cref="MaxKw"/>.</summary>
public sealed record OptimalJob(string Id, double EnergyKwh, double MaxKw, int StartSlot, int EndSlot);
