using System.Numerics;
using System.Text.Json.Serialization;

namespace MicroMarket.RunFormat;

/// <summary>summary.json: what ran, whether it completed, its KPIs and the run's checks of its invariants.</summary>
/// <param name="Mode"><see cref="IslandMode"/> or <see cref="GridConnectedMode"/>.</param>
/// <param name="PhasesDone">The market clock's phases the run went through (all of them when complete).</param>
public sealed record RunSummary(
    string Scenario,
    int Seed,
    bool Complete,
    string? Failure,
    string Mode,
    int Days,
    int SlotsTotal,
    int SlotsDelivered,
    int PhasesDone,
    int Units,
    RunKpis Kpis,
    RunVerification Verification)
{
    public const string IslandMode = "island";
    public const string GridConnectedMode = "grid-connected";

    /// <summary>The run against the optimal reference (<c>run --with-optimal</c>); absent otherwise, so other runs' files are unchanged.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OptimalComparison? Optimal { get; init; }

    /// <summary>The agents' price expectation against the cleared prices; absent in files written before it was kept.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PriceForecastError? PriceForecast { get; init; }

    /// <summary>The signal (SIGINT, SIGTERM, SIGHUP) that stopped the run after the phase under way; absent when nothing did.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Interrupted { get; init; }

    /// <summary>Each time a market node took the run up again from its checkpoint (<c>node --resume</c>); absent for a run that never stopped.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<RunResumption>? Resumed { get; init; }

    /// <summary>The scenario's <c>description</c>, for the report; absent when the scenario has none, and in files written before it was kept.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Description { get; init; }

    [JsonIgnore]
    public bool IsIsland => Mode == IslandMode;
}

/// <summary>A market node took the run up again at phase <paramref name="Phase"/> (0-based: the first phase it ran) at <paramref name="Utc"/> (wall clock).</summary>
public sealed record RunResumption(int Phase, DateTimeOffset Utc);

/// <summary>
/// The optimum's fuel and starts on the same scenario and seed (perfect foresight, central control: a lower bound),
/// and the run against it: <see cref="FuelGap"/> = run fuel / optimal fuel - 1, <see cref="StartsRatio"/> = run starts /
/// optimal starts; each null when the optimum has none to divide by.
/// </summary>
public sealed record OptimalComparison(double Fuel, int Starts, double? FuelGap, double? StartsRatio);

/// <summary>
/// The run's key performance indicators (docs/kpis.md defines each), as the simulator computes them and the report
/// shows them. Energies in kWh, money in tokens, over the delivered slots.
/// </summary>
/// <param name="FuelUnit">The unit of <see cref="FuelUnits"/>, from the genset's technology: "L" (diesel) or "kWh gas" (a CHP);
/// null when no genset burns fuel, and in files written before it was kept.</param>
/// <param name="AverageBillPerKwh">What a kWh the local participants bought cost them with the market: their net bills over
/// their metered import (every unit but the balance-responsible party); null (and not written, so files written before it
/// was kept read and write back unchanged) without import.</param>
/// <param name="BaselineBillPerKwh">The same without the market: their no-market bills (<see cref="ParticipantBill.Baseline"/>) over the same import.</param>
public sealed record RunKpis(
    double ConsumptionKwh,
    double LocalGenerationKwh,
    double ExternalSupplyKwh,
    double? SelfSufficiency,
    double? SelfConsumption,
    double? LocalTradeShare,
    PriceStats DayAheadPrice,
    PriceStats IntradayPrice,
    decimal? MeanIntradayMinusDayAhead,
    double DayAheadVolumeKwh,
    double IntradayVolumeKwh,
    double ImbalanceVolumeKwh,
    decimal ImbalanceCost,
    double SlackEnergyKwh,
    double FuelUnits,
    decimal FuelCost,
    double Co2Kg,
    double EvUnmetKwh,
    double FlexibleUnmetKwh,
    double ProsumerUnmetKwh,
    double CurtailedKwh,
    double EnergyNotServedKwh,
    double LossesKwh,
    double? MinVoltagePu,
    double? MaxVoltagePu,
    int VoltageViolations,
    long GasTotal,
    int Transactions,
    double? GasPerParticipantDay,
    double? TransactionsPerParticipantDay,
    IReadOnlyList<ParticipantBill> Bills,
    GensetKpis? Genset = null,
    string? FuelUnit = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? AverageBillPerKwh = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? BaselineBillPerKwh = null);

/// <summary>
/// The island genset's economics over the run (docs/kpis.md, "Genset economics"), tokens: its fuel
/// cost, what the market paid it, the make-whole uplift it received, (revenue + uplift) / fuel cost,
/// fuel cost per kWh it served (output less ballast), and the fuel cost burnt into ballast.
/// </summary>
public sealed record GensetKpis(decimal FuelCost, decimal Revenue, decimal Uplift, decimal? CostRecoveryRatio, decimal? AverageCostPerUsefulKwh, decimal BallastFuelCost);

/// <summary>Mean, minimum and maximum of a clearing price over the delivered slots where it exists, tokens per kWh.</summary>
public sealed record PriceStats(decimal? Mean, decimal? Min, decimal? Max, int Slots);

/// <summary>One participant's money over the run, tokens: what it paid on the market (positive = cost; the uplift included) and what it would have paid without it.</summary>
public sealed record ParticipantBill(string Unit, UnitKind Kind, decimal NetBill, decimal TradeCost, decimal ImbalanceCost, decimal Baseline, double ImportKwh, double ExportKwh, decimal UpliftCost = 0)
{
    /// <summary>
    /// Baseline - net bill: what the market saved the participant against the no-market bill of its metered energy,
    /// positive = better off. Written into summary.json after the other fields and derived on reading, so it always agrees with
    /// them to the micro-token (both are rounded to it) and runs written before it was added still read.
    /// </summary>
    public decimal Saving => Baseline - NetBill;
}

/// <summary>The run's invariants, checked against the chain and the independent C# reference at the end of every run.</summary>
/// <param name="EnergyBalanced">Every slot's residual within 1e-6 kWh.</param>
/// <param name="MaxEnergyResidualKwh">Largest |generation - consumption - losses - ballast| of any slot (curtailment and shedding accounted).</param>
/// <param name="MoneyConserved">Escrow held = balances + clearing house + claims fund, and the balances changed by minus the last two.</param>
/// <param name="EscrowHeldNano">Tokens the market holds x 1000.</param>
/// <param name="BalancesNano">Sum of every unit's escrow balance.</param>
/// <param name="ClearingHouseNano">The market's side of the trades (zero once every slot is settled).</param>
/// <param name="ClaimsFundNano">What the BRP repaid of deferred long payouts, not yet collected by the units it owed.</param>
/// <param name="BalanceChangeNano">Sum over units of (final balance - deposit): minus the clearing house and the claims fund when money is conserved.</param>
/// <param name="BooksChecked">Slot books cleared by the C# reference and compared with the chain.</param>
/// <param name="ClearingMismatches">Books whose price, volume or any fill differs.</param>
/// <param name="ReadingsChecked">(slot, unit) meter records compared with the physical layer's metering.</param>
/// <param name="ReadingMismatches">Records that differ.</param>
/// <param name="Holds">Every invariant holds.</param>
public sealed record RunVerification(
    bool EnergyBalanced,
    double MaxEnergyResidualKwh,
    bool MoneyConserved,
    BigInteger EscrowHeldNano,
    BigInteger BalancesNano,
    BigInteger ClearingHouseNano,
    BigInteger ClaimsFundNano,
    BigInteger BalanceChangeNano,
    int BooksChecked,
    int ClearingMismatches,
    int ReadingsChecked,
    int ReadingMismatches,
    bool Holds);

/// <summary>chain.json: the chain the run traded on, its contracts and operator, and each unit's index in the registry.</summary>
public sealed record RunChain(long ChainId, string Client, string Market, string Token, string Operator, long GenesisUnix, int SlotSeconds, IReadOnlyList<RunChainUnit> Units);

public sealed record RunChainUnit(string Id, uint Index);

/// <summary>timing.json: how long the run took on the wall and how fast the chain went; not reproducible by nature, so kept apart.</summary>
public sealed record RunTiming(
    double ElapsedSeconds,
    long TransactionsMined,
    double TransactionsPerSecond,
    double EstimatingSeconds,
    double SigningAndSendingSeconds,
    double MiningSeconds,
    double ReceiptsSeconds);
