using MicroMarket.RunFormat;

namespace MicroMarket.Reporting.Input;

/// <summary>summary.json: what ran, whether it completed, its KPIs and the ledger checks.</summary>
public sealed record RunSummary(
    string Scenario,
    long Seed,
    bool Complete,
    string? Failure,
    string Mode,
    int Days,
    int SlotsTotal,
    int SlotsDelivered,
    int Units,
    RunKpiValues Kpis,
    RunVerificationValues? Verification)
{
    public bool IsIsland => Mode == "island";
}

/// <summary>Mean, minimum and maximum of a clearing price over the slots where it exists, tokens per kWh.</summary>
public sealed record PriceSummary(decimal? Mean, decimal? Min, decimal? Max, int Slots);

/// <summary>One participant's money over the run, tokens (positive = cost), against its no-market baseline.</summary>
public sealed record BillSummary(string Unit, UnitKind Kind, decimal NetBill, decimal TradeCost, decimal ImbalanceCost, decimal Baseline, double ImportKwh, double ExportKwh);

/// <summary>
/// The KPIs exactly as the simulator computed them (docs/kpis.md defines each). The report shows these numbers and
/// never recomputes them; <see cref="FuelCost"/> appears once the simulator writes it.
/// </summary>
public sealed record RunKpiValues(
    double ConsumptionKwh,
    double LocalGenerationKwh,
    double ExternalSupplyKwh,
    double? SelfSufficiency,
    double? SelfConsumption,
    double? LocalTradeShare,
    PriceSummary DayAheadPrice,
    PriceSummary IntradayPrice,
    decimal? MeanIntradayMinusDayAhead,
    double DayAheadVolumeKwh,
    double IntradayVolumeKwh,
    double ImbalanceVolumeKwh,
    decimal ImbalanceCost,
    double SlackEnergyKwh,
    double FuelUnits,
    double Co2Kg,
    double EvUnmetKwh,
    double FlexibleUnmetKwh,
    double CurtailedKwh,
    double EnergyNotServedKwh,
    double LossesKwh,
    double? MinVoltagePu,
    double? MaxVoltagePu,
    int VoltageViolations,
    long GasTotal,
    int Transactions,
    double GasPerParticipantDay,
    double TransactionsPerParticipantDay,
    IReadOnlyList<BillSummary> Bills,
    decimal? FuelCost = null);

/// <summary>The simulator's own checks of the run: energy balance, money conservation, books and readings against the chain.</summary>
public sealed record RunVerificationValues(
    bool EnergyBalanced,
    double MaxEnergyResidualKwh,
    bool MoneyConserved,
    int BooksChecked,
    int ClearingMismatches,
    int ReadingsChecked,
    int ReadingMismatches,
    bool Holds);
