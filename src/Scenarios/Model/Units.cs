using MicroMarket.Grid.Balance;
using MicroMarket.Grid.Model;
using MicroMarket.Grid.Units;

namespace MicroMarket.Scenarios.Model;

/// <summary>Where a unit connects: one phase to neutral, or all three (balanced).</summary>
public enum PhaseConnection
{
    A,
    B,
    C,
    Abc,
}

/// <summary>Conversions of <see cref="PhaseConnection"/> to the Grid layer's phase sets.</summary>
public static class PhaseConnectionExtensions
{
    /// <summary>The phases the power flow injects on: one, or all three for <see cref="PhaseConnection.Abc"/>.</summary>
    public static Phases ToPhases(this PhaseConnection phase) => phase switch
    {
        PhaseConnection.A => Phases.A,
        PhaseConnection.B => Phases.B,
        PhaseConnection.C => Phases.C,
        _ => Phases.Abc,
    };
}

/// <summary>
/// One unit of the scenario. Every kind has an id (unique, at most 32 UTF-8 bytes: it becomes the
/// unit's on-chain id), a bus of the network and a phase connection, an optional initial balance
/// overriding the market's, a bidding strategy and a forecast error model.
/// </summary>
public abstract record UnitSpec(string Id, string Bus, PhaseConnection Phase, decimal? InitialBalance, StrategySpec Strategy, ForecastSpec Forecast)
{
    /// <summary>The largest power the unit can import or export, kW: its meter rating on chain.</summary>
    public abstract double RatedKw { get; }
}

/// <summary>PV: <see cref="PeakKw"/> kWp behind an inverter of <see cref="InverterKw"/>; resource from <see cref="Resource"/>.</summary>
public sealed record PvUnit(
    string Id, string Bus, PhaseConnection Phase, decimal? InitialBalance, StrategySpec Strategy, ForecastSpec Forecast,
    double PeakKw, double InverterKw, PvResource Resource)
    : UnitSpec(Id, Bus, Phase, InitialBalance, Strategy, Forecast)
{
    public override double RatedKw => InverterKw;

    /// <summary>Set by <c>wrap: true</c>: a resource series shorter than the run repeats instead of being an error (<see cref="ResourceSeries"/>).</summary>
    public bool Wrap { get; init; }
}

/// <summary>The PV resource: the embedded measured profile (NREL PVDAQ, per kWp), the clear-sky model, or a CSV file.</summary>
public abstract record PvResource;

/// <summary>The embedded measured 15-minute PV profile, normalised to 1 kW per kWp at its peak, repeated over the days.</summary>
/// <param name="DayOffset">The day of the measured series that is the day before the run: the first delivery day reads day
/// <c>DayOffset + 1</c> (<see cref="ResourceSeries.Pv"/>); varies weather between units.</param>
public sealed record MeasuredPvResource(int DayOffset) : PvResource;

/// <summary>Clear-sky irradiance at the site, times a stochastic cloud factor (seeded per unit).</summary>
/// <param name="CloudinessMean">Mean clear-sky index of the cloud model (MicroMarket.Grid.Units.CloudModel's mean): 1 = always clear, 0.5..0.8 typical.
/// The file calls it <c>mean_clear_sky_index</c>.</param>
/// <param name="CloudinessPersistence">AR(1) persistence of the clear-sky index between 15-minute steps, 0..1 (0.8..0.95 typical); <c>persistence</c> in the file.</param>
public sealed record ClearSkyPvResource(double LatitudeDeg, double LongitudeDeg, double TiltDeg, double AzimuthDeg, double CloudinessMean, double CloudinessPersistence) : PvResource;

/// <summary>
/// A year of PV from typical-year weather (<c>series</c> pvgis-tmy: PVGIS at 45 N 8 E) through <see cref="Grid.Units.TmyPv"/>
/// for an array of this tilt and azimuth, read by the scenario's day of year.
/// </summary>
public sealed record YearPvResource(string Series, double TiltDeg, double AzimuthDeg) : PvResource
{
    public const string PvgisTmy = "pvgis-tmy";
}

/// <summary>A CSV file of kW per kWp (format: <see cref="ProfileCsv"/>), step = the file's own (no longer than a slot), aggregated to the slot.</summary>
/// <param name="FilePath">Absolute path.</param>
public sealed record FilePvResource(string FilePath) : PvResource;

/// <summary>Wind turbine of <see cref="RatedPowerKw"/> on a tower of <see cref="HubHeightM"/> m; measured wind height-corrected to the hub.</summary>
public sealed record WindUnit(
    string Id, string Bus, PhaseConnection Phase, decimal? InitialBalance, StrategySpec Strategy, ForecastSpec Forecast,
    double RatedPowerKw, double HubHeightM, double CutInMs, double RatedMs, double CutOutMs,
    IReadOnlyList<(double SpeedMs, double PowerKw)>? PowerCurveTable, WindResource Resource)
    : UnitSpec(Id, Bus, Phase, InitialBalance, Strategy, Forecast)
{
    public override double RatedKw => RatedPowerKw;

    /// <summary>Set by <c>wrap: true</c>: a resource series shorter than the run repeats instead of being an error (<see cref="ResourceSeries"/>).</summary>
    public bool Wrap { get; init; }
}

/// <summary>
/// The wind resource: an embedded measured series (<see cref="MeasuredSeries"/> "beresford" or "fergus", then the file fields
/// are null) or a CSV file of m/s (<see cref="FilePath"/>, absolute, format <see cref="ProfileCsv"/>) measured at
/// <see cref="FileHeightM"/>. Day d of a measured series is the 24 h from d days after its first row (the records start in
/// the afternoon), and its day <see cref="DayOffset"/> is the day before the run; a file's day <see cref="DayOffset"/> is
/// the first delivery day. The loader checks that the run fits the series (<see cref="ResourceSeries"/>). Or a year series
/// (<see cref="YearSeries"/> windpowerlib-2010, the other fields null and 0), read by the scenario's day of year.
/// </summary>
public sealed record WindResource(string? MeasuredSeries, string? FilePath, double? FileHeightM, int DayOffset, string? YearSeries = null)
{
    public const string Windpowerlib2010 = "windpowerlib-2010";
}

/// <summary>
/// A stationary battery: one-way efficiencies in (0, 1]; state of charge as a fraction of <see cref="CapacityKwh"/> with
/// 0 &lt;= <see cref="SocMin"/> &lt;= <see cref="SocInitial"/> &lt;= <see cref="SocMax"/> &lt;= 1 and SocMin &lt; SocMax.
/// </summary>
public sealed record BatteryUnit(
    string Id, string Bus, PhaseConnection Phase, decimal? InitialBalance, StrategySpec Strategy, ForecastSpec Forecast,
    double CapacityKwh, double ChargeKw, double DischargeKw, double ChargeEfficiency, double DischargeEfficiency,
    double SocInitial, double SocMin, double SocMax)
    : UnitSpec(Id, Bus, Phase, InitialBalance, Strategy, Forecast)
{
    public override double RatedKw => Math.Max(ChargeKw, DischargeKw);

    /// <summary>Set when the battery's inverter can form the island's grid (<c>grid_forming: true</c>); null for a grid-following one.</summary>
    public GridFormingSpec? GridForming { get; init; }
}

/// <summary>
/// A grid-forming battery inverter (SMA Sunny Island class): it holds the island's voltage and frequency while its
/// state of charge is above <see cref="SocReserve"/>, kept back for ride-through and black start; below it the genset
/// must form the grid. Several formers share the balancing power in proportion to <see cref="DroopShareKw"/> (their
/// P-f droop gains, conventionally the rated power).
/// </summary>
public sealed record GridFormingSpec(double DroopShareKw, double SocReserve);

/// <summary>An EV at a home charger; its daily plug-in session repeats every day.</summary>
public sealed record EvUnit(
    string Id, string Bus, PhaseConnection Phase, decimal? InitialBalance, StrategySpec Strategy, ForecastSpec Forecast,
    double BatteryKwh, double ChargerKw, double V2gKw, double ChargeEfficiency, IReadOnlyList<EvSessionSpec> Sessions)
    : UnitSpec(Id, Bus, Phase, InitialBalance, Strategy, Forecast)
{
    public override double RatedKw => Math.Max(ChargerKw, V2gKw);
}

/// <summary>
/// A daily plug-in: arrives at <see cref="Arrive"/>, leaves at <see cref="Depart"/> (the next day when
/// not later than the arrival, so equal times mean 24 hours), both on slot boundaries; arrives with <see cref="ArrivalSoc"/> and needs <see cref="EnergyKwh"/> more
/// stored by departure. <see cref="ArrivalJitterMinutes"/> spreads real arrivals (seeded), which the
/// day-ahead forecast does not know.
/// </summary>
public sealed record EvSessionSpec(TimeOnly Arrive, TimeOnly Depart, double EnergyKwh, double ArrivalSoc, int ArrivalJitterMinutes);

/// <summary>A household: a measured profile scaled by <see cref="Scale"/>.</summary>
public sealed record LoadUnit(
    string Id, string Bus, PhaseConnection Phase, decimal? InitialBalance, StrategySpec Strategy, ForecastSpec Forecast,
    LoadProfileRef Profile, double Scale, double PowerFactor)
    : UnitSpec(Id, Bus, Phase, InitialBalance, Strategy, Forecast)
{
    /// <summary>
    /// The profile's highest slot-average (at the scenario's slot length) x <see cref="Scale"/>, kW, filled in when
    /// loaded: the meter rating. A meter settles energy per slot, so the 1-minute peak would overstate it.
    /// </summary>
    public double PeakKw { get; init; }

    public override double RatedKw => PeakKw;

    /// <summary>Set by <c>wrap: true</c>: a profile shorter than the run repeats instead of being an error (<see cref="ResourceSeries"/>).</summary>
    public bool Wrap { get; init; }
}

/// <summary>
/// One of the 100 IEEE European LV household profiles (1..100), a CSV file of kW (absolute path, format
/// <see cref="ProfileCsv"/>), or a year from a standard load profile; exactly one is set.
/// </summary>
public sealed record LoadProfileRef(int? IeeeProfile, string? FilePath, YearLoadProfile? Year = null);

/// <summary>
/// A household's year from a standard load profile (<c>series</c> bdew-h0: BDEW H0, dynamised, 2026) scaled to
/// <see cref="AnnualKwh"/> and diversified per household, seeded by the scenario seed and the unit id
/// (<see cref="Grid.Profiles.DiversifiedHousehold"/>), read by the scenario's day of year.
/// </summary>
public sealed record YearLoadProfile(string Series, double AnnualKwh)
{
    public const string BdewH0 = "bdew-h0";
}

/// <summary>
/// A shiftable daily job: <see cref="EnergyKwh"/> within [<see cref="WindowStart"/>, <see cref="WindowEnd"/>) at up to
/// <see cref="PowerKw"/>; the window ends the next day when its end is not later than its start, and both fall on slot
/// boundaries. <see cref="PreferredStart"/> (the owner's habit, a full-power run that still fits the window) is always
/// set by the loader, to the window start by default.
/// </summary>
public sealed record FlexibleLoadUnit(
    string Id, string Bus, PhaseConnection Phase, decimal? InitialBalance, StrategySpec Strategy, ForecastSpec Forecast,
    double EnergyKwh, double PowerKw, TimeOnly WindowStart, TimeOnly WindowEnd, TimeOnly? PreferredStart)
    : UnitSpec(Id, Bus, Phase, InitialBalance, Strategy, Forecast)
{
    public override double RatedKw => PowerKw;
}

/// <summary>
/// A household behind one meter (a prosumer): its <see cref="Load"/> with an optional rooftop <see cref="Pv"/>, a home
/// <see cref="Battery"/> run for self-consumption, an <see cref="Ev"/> and <see cref="Flexible"/> appliances, all at the
/// prosumer's bus and phase. One trading account, one meter, one bill: the members' flows net inside the meter, and the
/// prosumer trades only the net (its <see cref="UnitSpec.Strategy"/> is a price taker's: the reservation price of a net
/// import; a net export is offered at the price floor). The load carries the prosumer's own id (the household is the
/// prosumer: its year profile's diversification and its forecast errors are the household's), the other members
/// <c>ID.pv</c>, <c>ID.battery</c>, <c>ID.ev</c>, <c>ID.flex1</c>.. for their seeds; members are not market units.
/// </summary>
public sealed record ProsumerUnit(
    string Id, string Bus, PhaseConnection Phase, decimal? InitialBalance, StrategySpec Strategy, ForecastSpec Forecast,
    LoadUnit Load, PvUnit? Pv, BatteryUnit? Battery, EvUnit? Ev, ValueList<FlexibleLoadUnit> Flexible)
    : UnitSpec(Id, Bus, Phase, InitialBalance, Strategy, Forecast)
{
    /// <summary>
    /// The meter's rating: the larger of the most it can draw (the household's peak, the EV's charger, the appliances and
    /// the battery charging at once) and the most it can export (the PV inverter, the battery and the car's V2G at once).
    /// </summary>
    public override double RatedKw => Math.Max(
        Load.PeakKw + (Ev?.ChargerKw ?? 0) + Flexible.Sum(f => f.PowerKw) + (Battery?.ChargeKw ?? 0),
        (Pv?.InverterKw ?? 0) + (Battery?.DischargeKw ?? 0) + (Ev?.V2gKw ?? 0));

    /// <summary>Every member, the load first.</summary>
    public IEnumerable<UnitSpec> Members =>
        new UnitSpec?[] { Load, Pv, Battery, Ev }.OfType<UnitSpec>().Concat(Flexible);

    /// <summary>The members' suffixes after the prosumer's id and a dot.</summary>
    public const string PvMember = "pv", BatteryMember = "battery", EvMember = "ev", FlexibleMember = "flex";

    /// <summary>The id of a member: the prosumer's, a dot and the member's name.</summary>
    public static string MemberId(string prosumerId, string member) => $"{prosumerId}.{member}";
}

public enum SlackTechnology
{
    Diesel,
    Chp,
    Battery,
}

/// <summary>
/// The island's grid-forming unit (diesel genset, gas CHP or an over-sized battery): it closes the
/// balance and is the balance-responsible party. <see cref="FuelPrice"/> is tokens per litre (diesel)
/// or per kWh of gas (CHP); battery slacks use <see cref="CapacityKwh"/> and <see cref="SocInitial"/>.
/// </summary>
public sealed record SlackUnit(
    string Id, string Bus, PhaseConnection Phase, decimal? InitialBalance, StrategySpec Strategy, ForecastSpec Forecast,
    SlackTechnology Technology, double RatedPowerKw, double MinStableFraction, decimal FuelPrice,
    double? CapacityKwh, double? SocInitial)
    : UnitSpec(Id, Bus, Phase, InitialBalance, Strategy, Forecast)
{
    public override double RatedKw => RatedPowerKw;

    /// <summary>How a genset (diesel, CHP) is committed and dispatched; null for a battery slack.</summary>
    public GensetOperation? Operation { get; init; }

    /// <summary>Its genset with the fuel curve of its technology (docs/grid.md), or null for a battery slack.</summary>
    public Genset? Genset => GensetOf(Technology, RatedPowerKw, MinStableFraction);

    /// <summary>The one place a slack's technology becomes a genset model: HOMER's diesel, or a gas-engine CHP.</summary>
    public static Genset? GensetOf(SlackTechnology technology, double ratedKw, double minimumStableFraction) => technology switch
    {
        SlackTechnology.Diesel => Grid.Units.Genset.Diesel(ratedKw, minimumStableFraction),
        SlackTechnology.Chp => Grid.Units.Genset.Chp(ratedKw, minimumStableFraction: minimumStableFraction),
        _ => null,
    };
}

/// <summary>
/// Unit commitment of a genset: it runs at least <see cref="MinUpMinutes"/> once started and stays off at least
/// <see cref="MinDownMinutes"/> once stopped (unless storage cannot carry the island: an emergency start), burns
/// <see cref="StartFuel"/> fuel units per start, and is committed when storage cannot carry the net load over
/// <see cref="LookAheadMinutes"/> or the spinning reserve (<see cref="ReserveFraction"/> of the load, and with
/// <see cref="ReserveLargestUnit"/> at least the largest single infeed: the N-1 rule) would be short.
/// </summary>
public sealed record GensetOperation(
    int MinUpMinutes, int MinDownMinutes, double StartFuel, double ReserveFraction, bool ReserveLargestUnit,
    GensetDispatchRule Dispatch, double SetpointSoc, int LookAheadMinutes);
