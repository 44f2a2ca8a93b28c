using MicroMarket.RunFormat;

namespace MicroMarket.Reporting.Html;

/// <summary>One KPI as the report shows it: its summary.json key, name, unit, a one-line definition (docs/kpis.md has the full one) and how to read and print it.</summary>
/// <param name="UnitOf">The unit when the run decides it (the fuel's, from its genset's technology); null, or a null answer, means <see cref="Unit"/>.</param>
/// <param name="Format">How a value of it prints (its decimals, a ratio in percent): the run's value, and a difference between runs.</param>
public sealed record KpiDefinition(string Group, string Key, string Name, string Unit, string Definition, Func<double?, string> Format, Func<RunKpis, string?>? UnitOf = null)
{
    /// <summary>The run's value as printed, read by its summary.json key (<see cref="KpiValues"/>, the one owner of the keys).</summary>
    public string Value(RunKpis kpis) => Value(KpiValues.Of(kpis));

    /// <summary>The value among <paramref name="values"/> (<see cref="KpiValues.Of"/> of a run) as printed.</summary>
    public string Value(IReadOnlyDictionary<string, double?> values) => Format(values[Key]);

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
        new("Energy", "consumption_kwh", "Final consumption", "kWh", "Final consumption: metered import of loads and flexible loads, and the EVs' net import (charge - V2G). Storage charging and network losses are not consumption.", KpiFormat.Energy),
        new("Energy", "local_generation_kwh", "Local generation", "kWh", "Metered net export of PV and wind. Storage discharge is not generation.", KpiFormat.Energy),
        new("Energy", "external_supply_kwh", "External supply", "kWh", "Energy from outside the feeder: the upstream grid's metered export into it, or a genset's less its ballast.", KpiFormat.Energy),
        new("Energy", "self_sufficiency", "Self-sufficiency", "%", "1 - external supply / final consumption, clamped to 0..100 %.", KpiFormat.Ratio),
        new("Energy", "self_consumption", "Self-consumption", "%", "1 - (exported out of the feeder + curtailed) / (local generation + curtailed), clamped to 0..100 %.", KpiFormat.Ratio),
        new("Energy", "local_trade_share", "Local trade share", "%", "Energy sold by local units on both stages / all energy bought on both stages.", KpiFormat.Ratio),
        new("Market", "day_ahead_price.mean", "Day-ahead clearing price, mean", "tokens/kWh", "Unweighted mean over the delivered slots that cleared a day-ahead trade.", KpiFormat.Price),
        new("Market", "day_ahead_price.min", "Day-ahead clearing price, min", "tokens/kWh", "Lowest day-ahead clearing price.", KpiFormat.Price),
        new("Market", "day_ahead_price.max", "Day-ahead clearing price, max", "tokens/kWh", "Highest day-ahead clearing price.", KpiFormat.Price),
        new("Market", "day_ahead_price.slots", "Slots with a day-ahead price", "slots", "Delivered slots in which the day-ahead auction cleared a trade.", KpiFormat.Count),
        new("Market", "intraday_price.mean", "Intra-day clearing price, mean", "tokens/kWh", "Unweighted mean over the delivered slots that cleared an intra-day trade.", KpiFormat.Price),
        new("Market", "intraday_price.min", "Intra-day clearing price, min", "tokens/kWh", "Lowest intra-day clearing price.", KpiFormat.Price),
        new("Market", "intraday_price.max", "Intra-day clearing price, max", "tokens/kWh", "Highest intra-day clearing price.", KpiFormat.Price),
        new("Market", "intraday_price.slots", "Slots with an intra-day price", "slots", "Delivered slots in which the intra-day auction cleared a trade.", KpiFormat.Count),
        new("Market", "mean_intraday_minus_day_ahead", "Price spread: intra-day minus day-ahead, mean", "tokens/kWh", "Mean of (intra-day - day-ahead price) over the slots where both cleared.", KpiFormat.Price),
        new("Market", "day_ahead_volume_kwh", "Day-ahead volume", "kWh", "Energy traded in the day-ahead auctions of the delivered slots.", KpiFormat.Energy),
        new("Market", "intraday_volume_kwh", "Intra-day volume", "kWh", "Energy traded in the intra-day auctions of the delivered slots.", KpiFormat.Energy),
        new("Imbalance", "imbalance_volume_kwh", "Imbalance volume", "kWh", "Sum of |metered - scheduled net export| of the local units.", KpiFormat.Energy),
        new("Imbalance", "imbalance_cost", "Imbalance cost", "tokens", "Net imbalance payments of the local units to the balance-responsible party.", KpiFormat.Money),
        new("Balancing and fuel", "slack_energy_kwh", "Slack energy", "kWh", "Net metered export of the slack unit (export - import).", KpiFormat.Energy),
        new("Balancing and fuel", "fuel_units", "Fuel used", "L or kWh gas", "Fuel burnt by the slack, in its fuel's unit (litres for diesel, kWh of gas for a CHP).", v => KpiFormat.Decimal(v, 2),
            k => k.FuelUnit ?? (k.FuelUnits == 0 ? "none burnt" : null)),
        new("Balancing and fuel", "fuel_cost", "Fuel cost", "tokens", "Fuel used x the slack's fuel price.", KpiFormat.Money),
        new("Balancing and fuel", "co2_kg", "CO2 emitted", "kg", "CO2 of the fuel burnt by the slack.", v => KpiFormat.Decimal(v, 1)),
        new("Genset economics", "genset.fuel_cost", "Genset fuel cost", "tokens", "Fuel the genset burnt (starts included) x its fuel price.", KpiFormat.Money),
        new("Genset economics", "genset.revenue", "Genset market revenue", "tokens", "What the market paid the genset: trades, and as the BRP imbalance and fees less long payouts.", KpiFormat.Money),
        new("Genset economics", "genset.uplift", "Make-whole uplift", "tokens", "Fuel cost the revenue left uncovered, per day; charged to the units but storage pro rata to their net import.", KpiFormat.Money),
        new("Genset economics", "genset.cost_recovery_ratio", "Genset cost recovery", "%", "(Revenue + uplift) / fuel cost.", KpiFormat.Ratio),
        new("Genset economics", "genset.average_cost_per_useful_kwh", "Island energy cost", "tokens/kWh", "Genset fuel cost / (its output - ballast): what a kWh it served cost; the no-market baseline's price.", KpiFormat.Price),
        new("Genset economics", "genset.ballast_fuel_cost", "Fuel burnt into ballast", "tokens", "Each slot's fuel cost x ballast / genset output.", KpiFormat.Money),
        new("Adequacy", "ev_unmet_kwh", "EV energy unmet at departure", "kWh", "Energy EVs still lacked against their target when they left.", KpiFormat.Energy),
        new("Adequacy", "prosumer_unmet_kwh", "Prosumer energy unmet", "kWh", "Energy prosumers' EVs lacked at departure and their appliances at the end of their windows.", KpiFormat.Energy),
        new("Adequacy", "flexible_unmet_kwh", "Flexible load energy unmet", "kWh", "Energy flexible loads still lacked when their window closed.", KpiFormat.Energy),
        new("Adequacy", "curtailed_kwh", "Curtailed energy", "kWh", "Generation the feeder balance had to curtail.", KpiFormat.Energy),
        new("Adequacy", "energy_not_served_kwh", "Energy not served", "kWh", "Demand shed because the slack was at its maximum.", KpiFormat.Energy),
        new("Network", "min_voltage_pu", "Minimum node voltage", "pu", "Lowest LV phase voltage over all energised buses and delivered slots.", KpiFormat.Voltage),
        new("Network", "max_voltage_pu", "Maximum node voltage", "pu", "Highest LV phase voltage over all energised buses and delivered slots.", KpiFormat.Voltage),
        new("Network", "voltage_violations", "Voltage violations", "slot-node pairs", "Slot x LV bus-phase pairs outside 0.90..1.10 pu.", KpiFormat.Count),
        new("Network", "losses_kwh", "Losses", "kWh", "Network losses from each delivered slot's power flow.", KpiFormat.Energy),
        new("Money", "average_bill_per_kwh", "Average bill per kWh bought", "tokens/kWh", "The local participants' net bills over their metered import (every unit but the balance-responsible party): what a kWh cost them with the market.", KpiFormat.Price),
        new("Money", "baseline_bill_per_kwh", "Average bill per kWh bought, without the market", "tokens/kWh", "Their no-market bills (each unit's baseline) over the same import.", KpiFormat.Price),
        new("Chain", "gas_total", "Gas used", "gas", "Gas of every transaction the run sent.", KpiFormat.Count),
        new("Chain", "transactions", "Transactions", "tx", "Transactions the run sent.", KpiFormat.Count),
        new("Chain", "gas_per_participant_day", "Gas per participant-day", "gas", "Gas used / participants (units, incl. the slack) / days delivered.", v => KpiFormat.Decimal(v, 0)),
        new("Chain", "transactions_per_participant_day", "Transactions per participant-day", "tx", "Transactions / participants / days delivered.", v => KpiFormat.Decimal(v, 2)),
    ];
}
