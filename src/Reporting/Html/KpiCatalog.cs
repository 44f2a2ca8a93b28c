using MicroMarket.RunFormat;

namespace MicroMarket.Reporting.Html;

/// <summary>One KPI as the report shows it: its summary.json key, name, unit, a one-line definition (docs/kpis.md has the full one) and how to read and print it.</summary>
/// <param name="UnitOf">The unit when the run decides it (the fuel's, from its genset's technology); null, or a null answer, means <see cref="Unit"/>.</param>
public sealed record KpiDefinition(string Group, string Key, string Name, string Unit, string Definition, Func<RunKpis, string> Value, Func<RunKpis, string?>? UnitOf = null)
{
    public string UnitIn(RunKpis kpis) => UnitOf?.Invoke(kpis) ?? Unit;

    /// <summary>The table row's HTML id, from the summary.json key: "kpi-day_ahead_price-mean".</summary>
    public string RowId => $"kpi-{Key.Replace('.', '-')}";
}

/// <summary>
/// Every KPI the report shows, in report order, each read from summary.json's "kpis" exactly as the simulator
/// computed it. The run report and the comparison page share this list, so they print the same numbers.
/// </summary>
public static class KpiCatalog
{
    public static IReadOnlyList<KpiDefinition> All { get; } =
    [
        new("Energy", "consumption_kwh", "Final consumption", "kWh", "Final consumption: metered import of loads and flexible loads, and the EVs' net import (charge - V2G). Storage charging and network losses are not consumption.", k => KpiFormat.Energy(k.ConsumptionKwh)),
        new("Energy", "local_generation_kwh", "Local generation", "kWh", "Metered net export of PV and wind. Storage discharge is not generation.", k => KpiFormat.Energy(k.LocalGenerationKwh)),
        new("Energy", "external_supply_kwh", "External supply", "kWh", "Energy from outside the feeder: the upstream grid's metered export into it, or a genset's less its ballast.", k => KpiFormat.Energy(k.ExternalSupplyKwh)),
        new("Energy", "self_sufficiency", "Self-sufficiency", "%", "1 - external supply / final consumption, clamped to 0..100 %.", k => KpiFormat.Ratio(k.SelfSufficiency)),
        new("Energy", "self_consumption", "Self-consumption", "%", "1 - (exported out of the feeder + curtailed) / (local generation + curtailed), clamped to 0..100 %.", k => KpiFormat.Ratio(k.SelfConsumption)),
        new("Energy", "local_trade_share", "Local trade share", "%", "Energy sold by local units on both stages / all energy bought on both stages.", k => KpiFormat.Ratio(k.LocalTradeShare)),
        new("Market", "day_ahead_price.mean", "Day-ahead clearing price, mean", "tokens/kWh", "Unweighted mean over the delivered slots that cleared a day-ahead trade.", k => KpiFormat.Price(k.DayAheadPrice.Mean)),
        new("Market", "day_ahead_price.min", "Day-ahead clearing price, min", "tokens/kWh", "Lowest day-ahead clearing price.", k => KpiFormat.Price(k.DayAheadPrice.Min)),
        new("Market", "day_ahead_price.max", "Day-ahead clearing price, max", "tokens/kWh", "Highest day-ahead clearing price.", k => KpiFormat.Price(k.DayAheadPrice.Max)),
        new("Market", "day_ahead_price.slots", "Slots with a day-ahead price", "slots", "Delivered slots in which the day-ahead auction cleared a trade.", k => KpiFormat.Count(k.DayAheadPrice.Slots)),
        new("Market", "intraday_price.mean", "Intra-day clearing price, mean", "tokens/kWh", "Unweighted mean over the delivered slots that cleared an intra-day trade.", k => KpiFormat.Price(k.IntradayPrice.Mean)),
        new("Market", "intraday_price.min", "Intra-day clearing price, min", "tokens/kWh", "Lowest intra-day clearing price.", k => KpiFormat.Price(k.IntradayPrice.Min)),
        new("Market", "intraday_price.max", "Intra-day clearing price, max", "tokens/kWh", "Highest intra-day clearing price.", k => KpiFormat.Price(k.IntradayPrice.Max)),
        new("Market", "intraday_price.slots", "Slots with an intra-day price", "slots", "Delivered slots in which the intra-day auction cleared a trade.", k => KpiFormat.Count(k.IntradayPrice.Slots)),
        new("Market", "mean_intraday_minus_day_ahead", "Price spread: intra-day minus day-ahead, mean", "tokens/kWh", "Mean of (intra-day - day-ahead price) over the slots where both cleared.", k => KpiFormat.Price(k.MeanIntradayMinusDayAhead)),
        new("Market", "day_ahead_volume_kwh", "Day-ahead volume", "kWh", "Energy traded in the day-ahead auctions of the delivered slots.", k => KpiFormat.Energy(k.DayAheadVolumeKwh)),
        new("Market", "intraday_volume_kwh", "Intra-day volume", "kWh", "Energy traded in the intra-day auctions of the delivered slots.", k => KpiFormat.Energy(k.IntradayVolumeKwh)),
        new("Imbalance", "imbalance_volume_kwh", "Imbalance volume", "kWh", "Sum of |metered - scheduled net export| of the local units.", k => KpiFormat.Energy(k.ImbalanceVolumeKwh)),
        new("Imbalance", "imbalance_cost", "Imbalance cost", "tokens", "Net imbalance payments of the local units to the balance-responsible party.", k => KpiFormat.Money(k.ImbalanceCost)),
        new("Balancing and fuel", "slack_energy_kwh", "Slack energy", "kWh", "Net metered export of the slack unit (export - import).", k => KpiFormat.Energy(k.SlackEnergyKwh)),
        new("Balancing and fuel", "fuel_units", "Fuel used", "L or kWh gas", "Fuel burnt by the slack, in its fuel's unit (litres for diesel, kWh of gas for a CHP).", k => KpiFormat.Decimal(k.FuelUnits, 2),
            k => k.FuelUnit ?? (k.FuelUnits == 0 ? "none burnt" : null)),
        new("Balancing and fuel", "fuel_cost", "Fuel cost", "tokens", "Fuel used x the slack's fuel price.", k => KpiFormat.Money(k.FuelCost)),
        new("Balancing and fuel", "co2_kg", "CO2 emitted", "kg", "CO2 of the fuel burnt by the slack.", k => KpiFormat.Decimal(k.Co2Kg, 1)),
        new("Genset economics", "genset.fuel_cost", "Genset fuel cost", "tokens", "Fuel the genset burnt (starts included) x its fuel price.", k => KpiFormat.Money(k.Genset?.FuelCost)),
        new("Genset economics", "genset.revenue", "Genset market revenue", "tokens", "What the market paid the genset: trades, and as the BRP imbalance and fees less long payouts.", k => KpiFormat.Money(k.Genset?.Revenue)),
        new("Genset economics", "genset.uplift", "Make-whole uplift", "tokens", "Fuel cost the revenue left uncovered, per day; charged to the units but storage pro rata to their net import.", k => KpiFormat.Money(k.Genset?.Uplift)),
        new("Genset economics", "genset.cost_recovery_ratio", "Genset cost recovery", "%", "(Revenue + uplift) / fuel cost.", k => KpiFormat.Ratio((double?)k.Genset?.CostRecoveryRatio)),
        new("Genset economics", "genset.average_cost_per_useful_kwh", "Island energy cost", "tokens/kWh", "Genset fuel cost / (its output - ballast): what a kWh it served cost; the no-market baseline's price.", k => KpiFormat.Price(k.Genset?.AverageCostPerUsefulKwh)),
        new("Genset economics", "genset.ballast_fuel_cost", "Fuel burnt into ballast", "tokens", "Each slot's fuel cost x ballast / genset output.", k => KpiFormat.Money(k.Genset?.BallastFuelCost)),
        new("Adequacy", "ev_unmet_kwh", "EV energy unmet at departure", "kWh", "Energy EVs still lacked against their target when they left.", k => KpiFormat.Energy(k.EvUnmetKwh)),
        new("Adequacy", "prosumer_unmet_kwh", "Prosumer energy unmet", "kWh", "Energy prosumers' EVs lacked at departure and their appliances at the end of their windows.", k => KpiFormat.Energy(k.ProsumerUnmetKwh)),
        new("Adequacy", "flexible_unmet_kwh", "Flexible load energy unmet", "kWh", "Energy flexible loads still lacked when their window closed.", k => KpiFormat.Energy(k.FlexibleUnmetKwh)),
        new("Adequacy", "curtailed_kwh", "Curtailed energy", "kWh", "Generation the feeder balance had to curtail.", k => KpiFormat.Energy(k.CurtailedKwh)),
        new("Adequacy", "energy_not_served_kwh", "Energy not served", "kWh", "Demand shed because the slack was at its maximum.", k => KpiFormat.Energy(k.EnergyNotServedKwh)),
        new("Network", "min_voltage_pu", "Minimum node voltage", "pu", "Lowest LV phase voltage over all energised buses and delivered slots.", k => KpiFormat.Voltage(k.MinVoltagePu)),
        new("Network", "max_voltage_pu", "Maximum node voltage", "pu", "Highest LV phase voltage over all energised buses and delivered slots.", k => KpiFormat.Voltage(k.MaxVoltagePu)),
        new("Network", "voltage_violations", "Voltage violations", "slot-node pairs", "Slot x LV bus-phase pairs outside 0.90..1.10 pu.", k => KpiFormat.Count(k.VoltageViolations)),
        new("Network", "losses_kwh", "Losses", "kWh", "Network losses from each delivered slot's power flow.", k => KpiFormat.Energy(k.LossesKwh)),
        new("Chain", "gas_total", "Gas used", "gas", "Gas of every transaction the run sent.", k => KpiFormat.Count(k.GasTotal)),
        new("Chain", "transactions", "Transactions", "tx", "Transactions the run sent.", k => KpiFormat.Count(k.Transactions)),
        new("Chain", "gas_per_participant_day", "Gas per participant-day", "gas", "Gas used / participants (units, incl. the slack) / days delivered.", k => KpiFormat.Decimal(k.GasPerParticipantDay, 0)),
        new("Chain", "transactions_per_participant_day", "Transactions per participant-day", "tx", "Transactions / participants / days delivered.", k => KpiFormat.Decimal(k.TransactionsPerParticipantDay, 2)),
    ];
}
