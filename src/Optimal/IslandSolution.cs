using System.Text.Json.Serialization;

namespace MicroMarket.Optimal;

/// <summary>
/// The optimum's totals. <see cref="Status"/> is OPTIMAL when proven within the relative gap asked for, FEASIBLE when
/// the time limit stopped the search with a solution (its <see cref="MipGap"/> says how far from proven).
/// </summary>
/// <param name="Fuel">In <see cref="FuelUnit"/>: litres of diesel or kWh of gas.</param>
/// <param name="UnservedKwh">Household demand shed plus EV and flexible energy missing at their deadlines.</param>
/// <param name="BatteryIds">The order of <see cref="OptimalSlot.BatteryKw"/> and <see cref="OptimalSlot.BatteryKwh"/>.</param>
/// <param name="Objective">Tokens: fuel cost, lost load and storage left below its start at the value of lost load, and the tie-breaks.</param>
public sealed record IslandSolution(
    string Status,
    double Fuel,
    string FuelUnit,
    double FuelCost,
    int Starts,
    double RunHours,
    double CurtailedKwh,
    double UnservedKwh,
    double BallastKwh,
    double Objective,
    double MipGap,
    double SolveSeconds,
    [property: JsonIgnore] IReadOnlyList<string> BatteryIds,
    [property: JsonIgnore] IReadOnlyList<OptimalSlot> Slots);

/// <summary>One slot of the optimum, kW (averages over the slot); battery power is discharge minus charge, stored energy (kWh) at the slot's end.</summary>
public sealed record OptimalSlot(
    int Slot,
    double LoadKw,
    double RenewableKw,
    double CurtailedKw,
    double ShedKw,
    bool GensetOn,
    double GensetKw,
    double BallastKw,
    double EvKw,
    double FlexibleKw,
    IReadOnlyList<double> BatteryKw,
    IReadOnlyList<double> BatteryKwh);
