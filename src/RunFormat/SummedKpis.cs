namespace MicroMarket.RunFormat;

/// <summary>
/// The one owner of the KPIs that are sums or means over delivered rows (docs/kpis.md, "Energy", "Market" and
/// "Imbalance"): consumption, local generation, external supply, self-sufficiency and self-consumption, the mean
/// clearing prices, the traded volumes and the imbalance volume. The simulator sums the whole run into one for
/// summary.json, the report each calendar month into one for monthly.csv; it lives here, in the format both read,
/// because Reporting may not reference Simulation, and a formula written twice drifts.
/// <para>
/// Fed the run directory's cells of the delivered rows (<see cref="AddSlot"/>, <see cref="AddUnit"/>), in table order,
/// it keeps its sums unrounded and rounds each KPI once on the way out (<see cref="RunPrecision"/>), as summary.json
/// does. Metered energies are whole Wh and summed as such, so the sum is exact in any order.
/// </para>
/// </summary>
public sealed class SummedKpis
{
    private const double WhPerKwh = 1000.0;

    private readonly List<decimal> _dayAheadPrices = [];
    private readonly List<decimal> _intradayPrices = [];
    private long _dayAheadVolumeWh;
    private long _intradayVolumeWh;
    private double _curtailedKwh;
    private double _ballastKwh;
    private bool _slackIsGenset;
    private long _consumptionWh;
    private double _prosumerConsumedKwh;
    private long _generationWh;
    private double _prosumerGeneratedKwh;
    private long _gridImportWh;
    private long _gridExportWh;
    private long _slackImportWh;
    private long _slackExportWh;
    private long _deviationWh;

    /// <summary>The delivered slots added.</summary>
    public int Slots { get; private set; }

    /// <summary>
    /// One delivered slots.csv row: its volumes (Wh) and clearing prices (tokens/kWh; null where the stage cleared no
    /// trade), the energy the balance curtailed and dumped into ballast (kWh), and the genset's state (null without one).
    /// </summary>
    public void AddSlot(long? dayAheadVolumeWh, long? intradayVolumeWh, decimal? dayAheadPrice, decimal? intradayPrice,
        double curtailedKwh, double ballastKwh, GensetState? genset)
    {
        Slots++;
        _dayAheadVolumeWh += dayAheadVolumeWh ?? 0;
        _intradayVolumeWh += intradayVolumeWh ?? 0;
        if (dayAheadPrice is { } da)
        {
            _dayAheadPrices.Add(da);
        }
        if (intradayPrice is { } id)
        {
            _intradayPrices.Add(id);
        }
        _curtailedKwh += curtailedKwh;
        _ballastKwh += ballastKwh;
        _slackIsGenset |= genset is not null;
    }

    /// <summary>
    /// One delivered units.csv row: its unit's kind, metered import and export (Wh), deviation from its schedule (Wh),
    /// and, for a prosumer, the consumption and generation behind its meter (kWh; null for every other kind).
    /// </summary>
    public void AddUnit(UnitKind kind, long importWh, long exportWh, long? deviationWh, double? consumedKwh, double? generatedKwh)
    {
        switch (kind)
        {
            // Storage is internal to the feeder: a battery's charge is not consumption nor its discharge generation.
            // An EV counts by its net import (what it drove away with), which cancels the V2G energy it had charged here.
            case UnitKind.Load or UnitKind.FlexibleLoad or UnitKind.Ev:
                _consumptionWh += importWh - exportWh;
                break;
            case UnitKind.Pv or UnitKind.Wind:
                _generationWh += exportWh - importWh;
                break;
            // A prosumer's meter nets its household against its PV and battery: what counts is what flowed behind it.
            case UnitKind.Prosumer:
                _prosumerConsumedKwh += consumedKwh ?? 0;
                _prosumerGeneratedKwh += generatedKwh ?? 0;
                break;
            case UnitKind.Grid:
                (_gridImportWh, _gridExportWh) = (_gridImportWh + importWh, _gridExportWh + exportWh);
                break;
            case UnitKind.Slack:
                (_slackImportWh, _slackExportWh) = (_slackImportWh + importWh, _slackExportWh + exportWh);
                break;
        }
        if (!UnitKinds.IsBalanceResponsible(kind))
        {
            _deviationWh += Math.Abs(deviationWh ?? 0);
        }
    }

    /// <summary>C: final consumption, kWh.</summary>
    public double ConsumptionKwh => RunPrecision.Quantity(Consumption);

    /// <summary>G: what the renewables produced after curtailment, kWh.</summary>
    public double LocalGenerationKwh => RunPrecision.Quantity(Generation);

    /// <summary>X: the energy that came from outside the feeder, less what the island dumped into ballast, kWh.</summary>
    public double ExternalSupplyKwh => RunPrecision.Quantity(ExternalSupply);

    /// <summary>clamp(1 - X / C, 0, 1); null without consumption.</summary>
    public double? SelfSufficiency => RunPrecision.Quantity(Consumption > 0 ? Math.Clamp(1 - ExternalSupply / Consumption, 0, 1) : null);

    /// <summary>clamp(1 - (A + K) / (G + K), 0, 1) with A what the outside absorbed and K the curtailed energy; null without either.</summary>
    public double? SelfConsumption => Generation + _curtailedKwh > 0
        ? RunPrecision.Quantity(Math.Clamp(1 - (Outside(_gridImportWh, _slackImportWh) + _curtailedKwh) / (Generation + _curtailedKwh), 0, 1))
        : null;

    /// <summary>PV and wind the island balance curtailed, kWh.</summary>
    public double CurtailedKwh => RunPrecision.Quantity(_curtailedKwh);

    public PriceStats DayAheadPrice => StatsOf(_dayAheadPrices);

    public PriceStats IntradayPrice => StatsOf(_intradayPrices);

    public double DayAheadVolumeKwh => RunPrecision.Quantity(_dayAheadVolumeWh / WhPerKwh);

    public double IntradayVolumeKwh => RunPrecision.Quantity(_intradayVolumeWh / WhPerKwh);

    /// <summary>Σ_local |deviation|, long and short alike, kWh: the balance-responsible party's own is left out.</summary>
    public double ImbalanceVolumeKwh => RunPrecision.Quantity(_deviationWh / WhPerKwh);

    private double Consumption => _consumptionWh / WhPerKwh + _prosumerConsumedKwh;

    private double Generation => _generationWh / WhPerKwh + _prosumerGeneratedKwh;

    // What a genset put in that the island dumped (held at its minimum stable output) served no one: not a supply.
    private double ExternalSupply => Outside(_gridExportWh, _slackExportWh) - _ballastKwh;

    /// <summary>
    /// The grid's and the slack's energy in one direction, kWh, as far as they are outside the feeder (docs/kpis.md,
    /// "Conventions"): the upstream grid always, the slack only when it is a genset, which slots.csv says by writing a
    /// genset state (empty without one); a battery slack is storage, inside. The genset's state is written in every slot
    /// the genset delivered in, so the slots added beside its rows always say so, a month's as well as the run's.
    /// </summary>
    private double Outside(long gridWh, long slackWh) => (gridWh + (_slackIsGenset ? slackWh : 0)) / WhPerKwh;

    /// <summary>Mean (to the micro-token), minimum and maximum of a clearing price over the slots where it exists.</summary>
    private static PriceStats StatsOf(List<decimal> prices) =>
        prices.Count == 0 ? new PriceStats(null, null, null, 0) : new PriceStats(RunPrecision.Money(prices.Average()), prices.Min(), prices.Max(), prices.Count);
}
