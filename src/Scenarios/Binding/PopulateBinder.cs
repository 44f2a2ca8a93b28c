using MicroMarket.Grid.Model;
using MicroMarket.Grid.Profiles;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Model;
using MicroMarket.Scenarios.Yaml;

namespace MicroMarket.Scenarios.Binding;

/// <summary>A unit and the mapping it came from (its <c>units[i]</c> entry, or the <c>populate</c> section that generated it).</summary>
internal sealed record BoundUnit(UnitSpec Spec, YamlMap Source, bool Generated)
{
    /// <summary>Reports a problem with one of the unit's keys: at that key for a listed unit, at the generating section otherwise.</summary>
    public void Error(string key, string message)
    {
        if (Generated)
        {
            Source.Error($"generated unit '{Spec.Id}': {message}");
        }
        else
        {
            Source.Error(key, message);
        }
    }
}

/// <summary>
/// Binds <c>populate</c> and generates its units from the network's load points (the IEEE feeder's LOAD1..55):
/// households with their profiles, then seeded shares of them with a PV, a battery or an EV at the same bus and phase.
/// Each section draws from its own stream of the scenario seed (<see cref="SeededDraws"/>); generated units follow
/// the listed ones in the network's order, ids <c>NAME</c>, <c>NAME-pv</c>, <c>NAME-battery</c>, <c>NAME-ev</c>.
/// </summary>
internal static class PopulateBinder
{
    public static IReadOnlyList<BoundUnit> Bind(YamlMap? populate, int seed, UnitContext context)
    {
        if (populate is null)
        {
            return [];
        }
        var dwellings = populate.Integer("dwellings_per_point", 1, Bounds.Closed(1, MaxDwellingsPerPoint));
        var households = populate.Map("households_from_network");
        var pv = populate.Map("pv");
        var battery = populate.Map("battery");
        var ev = populate.Map("ev");
        var behindTheMeter = populate.Flag("behind_the_meter", false);
        if (behindTheMeter && households is null)
        {
            populate.Error("behind_the_meter", "puts PV, batteries and EVs behind their household's meter: it needs households_from_network");
        }
        populate.RejectUnknownKeys();
        if (context.Network is not { } network)
        {
            return [];
        }
        var loadPoints = network.Units.Where(u => u.Kind == UnitKind.Load).ToList();
        if (loadPoints.Count == 0)
        {
            populate.Error($"network '{network.Name}' has no load points to populate");
            return [];
        }
        var points = Dwellings(loadPoints, dwellings);
        var units = new List<BoundUnit>();
        if (households is not null)
        {
            units.AddRange(Households(households, points, seed, context));
        }
        if (pv is not null)
        {
            units.AddRange(PvUnits(pv, points, seed, context));
        }
        if (battery is not null)
        {
            var withPv = units.Where(u => u.Spec is PvUnit).Select(u => HouseholdOf(u.Spec)).ToHashSet();
            units.AddRange(Batteries(battery, points, withPv, seed, context, behindTheMeter));
        }
        if (ev is not null)
        {
            units.AddRange(Evs(ev, points, seed, context));
        }
        return behindTheMeter ? BehindTheMeter(units) : units;
    }

    /// <summary>
    /// With <c>behind_the_meter: true</c> a household and the PV, battery and EV generated at its load point become one
    /// prosumer under the household's id (the same seeded draws as without it, so the two are comparable); a household
    /// with none of them stays a load. Members bid through the prosumer at the household's price; the EV and the battery keep their strategies.
    /// </summary>
    private static List<BoundUnit> BehindTheMeter(List<BoundUnit> units)
    {
        var members = units.Where(u => u.Spec is not LoadUnit).ToLookup(u => HouseholdOf(u.Spec));
        return [.. units.Where(u => u.Spec is LoadUnit).Select(household =>
        {
            var load = (LoadUnit)household.Spec;
            var own = members[load.Id].Select(m => m.Spec).ToList();
            if (own.Count == 0)
            {
                return household;
            }
            string Member(string name) => ProsumerUnit.MemberId(load.Id, name);
            var pv = own.OfType<PvUnit>().SingleOrDefault();
            var battery = own.OfType<BatteryUnit>().SingleOrDefault();
            var ev = own.OfType<EvUnit>().SingleOrDefault();
            return new BoundUnit(new ProsumerUnit(load.Id, load.Bus, load.Phase, load.InitialBalance, load.Strategy, ScenarioUnitKinds.DefaultForecast(UnitKind.Prosumer),
                load,
                pv is null ? null : pv with { Id = Member(ProsumerUnit.PvMember), Strategy = load.Strategy },
                battery is null ? null : battery with { Id = Member(ProsumerUnit.BatteryMember) },
                ev is null ? null : ev with { Id = Member(ProsumerUnit.EvMember) },
                ValueList.From<FlexibleLoadUnit>([])), household.Source, true);
        })];
    }

    /// <summary>At most as many dwellings per load point as there are measured profiles to tell them apart.</summary>
    private const int MaxDwellingsPerPoint = LoadProfiles.Count;

    /// <summary>A stride coprime to the 100 profiles: the dwellings of one building get different measured households.</summary>
    private const int DwellingProfileStride = 37;

    /// <summary>
    /// A load point as a building of <paramref name="perPoint"/> dwellings at its bus and phase, named
    /// <c>LOAD7.1</c>..<c>LOAD7.N</c> (one dwelling keeps the load point's own name). Dwelling k of a point
    /// with profile n gets profile ((n - 1 + 37 (k - 1)) mod 100) + 1, so a feeder can carry several times
    /// its 55 households without two neighbours drawing the same measured day.
    /// </summary>
    private static IReadOnlyList<UnitConnection> Dwellings(IReadOnlyList<UnitConnection> points, int perPoint) => perPoint == 1
        ? points
        : [.. points.SelectMany(point => Enumerable.Range(1, perPoint).Select(k => point with
        {
            Name = $"{point.Name}.{k}",
            Profile = point.Profile is { } name && LoadProfiles.TryParseProfileName(name, out var n)
                ? LoadProfiles.ProfileName((n - 1 + DwellingProfileStride * (k - 1)) % LoadProfiles.Count + 1)
                : point.Profile,
        }))];

    /// <summary>
    /// A household per load point: its IEEE profile from the network, or with <c>profile: { year: ... }</c> a year of the
    /// standard profile, each household's <c>annual_kwh</c> drawn from the given range (stream "households") and its
    /// year diversified by its own id.
    /// </summary>
    private static List<BoundUnit> Households(YamlMap section, IReadOnlyList<UnitConnection> points, int seed, UnitContext context)
    {
        var errorsBefore = section.Diagnostics.Count;
        var scale = section.Number("scale", 1.0, Bounds.Positive);
        var powerFactor = section.OptionalNumber("power_factor", Bounds.Efficiency);
        var wrap = section.Flag("wrap", false);
        var common = Common(section, UnitKind.Load, context);
        var annual = (Low: 0.0, High: 0.0);
        var (yearProfile, _) = DemandBinder.Profile(section.Map("profile"), "", context, year =>
        {
            RequireKey(year, "annual_kwh");
            annual = year.NumberRange("annual_kwh", (0, 0), Bounds.Positive);
            return annual.High;
        });
        if (section.Has("profile") && yearProfile.Year is null && section.Diagnostics.Count == errorsBefore)
        {
            section.Error("profile", "a generated household takes its IEEE profile from the network, or a year: { series, annual_kwh: [low, high] }");
        }
        section.RejectUnknownKeys();
        // The network's IEEE profiles all follow one rule, so any profile number stands for them.
        DemandBinder.RequireCoverage(section, "profile", yearProfile.Year is null ? new LoadProfileRef(1, null) : yearProfile, wrap, errorsBefore, context);
        if (yearProfile.Year is { } year)
        {
            return YearHouseholds(section, points, seed, context, common, year, annual, scale, powerFactor, wrap, errorsBefore);
        }
        // Profile numbers are 1..100; 0 marks a load point without a household profile.
        var profiled = points
            .Select(p => (Point: p, Number: p.Profile is { } name && LoadProfiles.TryParseProfileName(name, out var n) ? n : 0))
            .ToList();
        var withoutProfile = profiled.Where(p => p.Number == 0).Select(p => p.Point.Name).ToList();
        if (withoutProfile.Count > 0)
        {
            section.Error($"network loads without a household profile (ieee-eu-lv:N) cannot be populated: {string.Join(", ", withoutProfile)}; list them under units instead");
            return [];
        }
        var units = new List<BoundUnit>();
        foreach (var (point, number) in profiled)
        {
            var unitScale = point.RatedPowerKw * scale;
            var unit = new LoadUnit(point.Name, point.Bus, Phase(point.Phases), common.InitialBalance, common.Strategy, common.Forecast,
                new LoadProfileRef(number, null), unitScale, powerFactor ?? point.PowerFactor)
            {
                PeakKw = DemandBinder.SlotPeakKw(LoadProfiles.Get(number), context.SlotLength) * unitScale,
                Wrap = wrap,
            };
            units.Add(new BoundUnit(unit, section, true));
        }
        return units;
    }

    private static List<BoundUnit> YearHouseholds(YamlMap section, IReadOnlyList<UnitConnection> points, int seed, UnitContext context, UnitCommon common,
        YearLoadProfile year, (double Low, double High) annual, double scale, double? powerFactor, bool wrap, int errorsBefore)
    {
        if (section.Diagnostics.Count != errorsBefore || context.Time is not { } time)
        {
            return [];
        }
        var draws = SeededDraws.For(seed, "households");
        return [.. points.Select(point =>
        {
            var unitScale = point.RatedPowerKw * scale;
            var profile = new LoadProfileRef(null, null, year with { AnnualKwh = draws.NextIn(annual.Low, annual.High) });
            var series = ResourceSeries.Load(point.Name, profile, 1.0, seed, time)!.Series;
            return new BoundUnit(new LoadUnit(point.Name, point.Bus, Phase(point.Phases), common.InitialBalance, common.Strategy, common.Forecast,
                profile, unitScale, powerFactor ?? point.PowerFactor)
            {
                PeakKw = DemandBinder.SlotPeakKw(series, context.SlotLength) * unitScale,
                Wrap = wrap,
            }, section, true);
        })];
    }

    private static List<BoundUnit> PvUnits(YamlMap section, IReadOnlyList<UnitConnection> points, int seed, UnitContext context)
    {
        var share = section.Number("share", Bounds.Fraction);
        var (low, high) = section.NumberRange("peak_kw", (0, 0), Bounds.Positive);
        var inverterRatio = section.Number("inverter_ratio", 1.0, Bounds.Closed(0.1, 2));
        var common = Common(section, UnitKind.Pv, context);
        var wrap = section.Flag("wrap", false);
        var resource = GeneratorBinder.PvResource(section, wrap, context);
        RequireKey(section, "peak_kw");
        section.RejectUnknownKeys();
        return [.. Choose(section, share, points, seed, "pv", (point, draws) =>
        {
            var peakKw = draws.NextIn(low, high);
            return new PvUnit(GeneratedId(point, "pv"), point.Bus, Phase(point.Phases), common.InitialBalance, common.Strategy, common.Forecast,
                peakKw, Math.Round(peakKw * inverterRatio, 2), resource)
            {
                Wrap = wrap,
            };
        })];
    }

    /// <summary>
    /// Batteries; behind the meter they are home batteries, for self-consumption unless the section's strategy says arbitrage.
    /// With <c>with_pv: true</c> they go only to households with generated PV (<paramref name="pvPoints"/>, by name), as most
    /// home batteries do: the share still counts all households.
    /// </summary>
    private static List<BoundUnit> Batteries(YamlMap section, IReadOnlyList<UnitConnection> points, IReadOnlySet<string> pvPoints, int seed, UnitContext context, bool behindTheMeter)
    {
        var share = section.Number("share", Bounds.Fraction);
        if (section.Flag("with_pv", false))
        {
            var eligible = points.Where(p => pvPoints.Contains(p.Name)).ToList();
            if (section.AllValid("share") && Math.Round(share * points.Count, MidpointRounding.AwayFromZero) > eligible.Count)
            {
                section.Error("share", $"with_pv: {share} of {points.Count} households is more batteries than the {eligible.Count} households with PV");
                return [];
            }
            // The same number of batteries, drawn among the households with PV.
            share = eligible.Count == 0 ? 0 : Math.Round(share * points.Count, MidpointRounding.AwayFromZero) / eligible.Count;
            points = eligible;
        }
        var capacity = section.NumberRange("capacity_kwh", (0, 0), Bounds.Positive);
        var power = section.NumberRange("power_kw", (0, 0), Bounds.Positive);
        var (chargeEfficiency, dischargeEfficiency) = StorageBinder.Efficiency(section.Map("efficiency"));
        var (initial, min, max) = StorageBinder.Soc(section.Map("soc"));
        var common = Common(section, UnitKind.Battery, context, behindTheMeter ? StrategyBinder.HomeBattery(section.Map("strategy"), context) : null);
        RequireKey(section, "capacity_kwh");
        RequireKey(section, "power_kw");
        section.RejectUnknownKeys();
        return [.. Choose(section, share, points, seed, "battery", (point, draws) =>
        {
            var capacityKwh = draws.NextIn(capacity.Low, capacity.High);
            var powerKw = draws.NextIn(power.Low, power.High);
            return new BatteryUnit(GeneratedId(point, "battery"), point.Bus, Phase(point.Phases), common.InitialBalance, common.Strategy, common.Forecast,
                capacityKwh, powerKw, powerKw, chargeEfficiency, dischargeEfficiency, initial, min, max);
        })];
    }

    private static List<BoundUnit> Evs(YamlMap section, IReadOnlyList<UnitConnection> points, int seed, UnitContext context)
    {
        var share = section.Number("share", Bounds.Fraction);
        var battery = section.NumberRange("battery_kwh", (0, 0), Bounds.Positive);
        var chargerKw = section.Number("charger_kw", Bounds.Positive);
        var v2gKw = section.Number("v2g_kw", 0.0, Bounds.NonNegative);
        var efficiency = section.Number("charge_efficiency", StorageBinder.DefaultEvChargeEfficiency, Bounds.Efficiency);
        var arrive = section.ClockTime("arrive");
        var depart = section.ClockTime("depart");
        var energy = section.NumberRange("energy_kwh", (0, 0), Bounds.NonNegative);
        var arrivalSoc = section.Number("arrival_soc", StorageBinder.DefaultArrivalSoc, Bounds.Fraction);
        var jitter = section.Integer("arrival_jitter_minutes", 0, Bounds.Closed(0, 720));
        var common = Common(section, UnitKind.Ev, context);
        RequireKey(section, "battery_kwh");
        RequireKey(section, "energy_kwh");
        context.RequireOnSlot(section, "arrive", arrive);
        context.RequireOnSlot(section, "depart", depart);
        section.RejectUnknownKeys();
        if (section.AllValid("battery_kwh", "energy_kwh", "arrival_soc") && energy.High + arrivalSoc * battery.Low > battery.Low + 1e-9)
        {
            section.Error("energy_kwh", $"the largest energy ({energy.High} kWh) on top of arrival_soc x the smallest battery ({arrivalSoc * battery.Low:0.###} kWh) exceeds that battery ({battery.Low} kWh)");
        }
        else if (section.AllValid("energy_kwh", "charger_kw", "charge_efficiency", "arrive", "depart"))
        {
            var hours = ClockTimes.Duration(arrive, depart).TotalHours;
            if (energy.High > chargerKw * efficiency * hours + 1e-9)
            {
                section.Error("energy_kwh", $"the largest energy ({energy.High} kWh) cannot be charged in {hours:0.##} h at charger_kw {chargerKw} x charge_efficiency {efficiency}");
            }
        }
        return [.. Choose(section, share, points, seed, "ev", (point, draws) =>
        {
            var batteryKwh = draws.NextIn(battery.Low, battery.High);
            var energyKwh = draws.NextIn(energy.Low, energy.High);
            return new EvUnit(GeneratedId(point, "ev"), point.Bus, Phase(point.Phases), common.InitialBalance, common.Strategy, common.Forecast,
                batteryKwh, chargerKw, v2gKw, efficiency, ValueList.From([new EvSessionSpec(arrive, depart, energyKwh, arrivalSoc, jitter)]));
        })];
    }

    /// <summary>
    /// One unit at each of round(share x count) load points, a seeded choice, in network order; sizes are drawn
    /// from the same stream after the choice.
    /// </summary>
    private static IEnumerable<BoundUnit> Choose(YamlMap section, double share, IReadOnlyList<UnitConnection> points, int seed, string stream, Func<UnitConnection, SeededDraws, UnitSpec> create)
    {
        if (!section.AllValid("share"))
        {
            return [];
        }
        var draws = SeededDraws.For(seed, stream);
        var count = (int)Math.Round(share * points.Count, MidpointRounding.AwayFromZero);
        var chosen = draws.Shuffle(Enumerable.Range(0, points.Count)).Take(count).Order().ToList();
        return chosen.Select(i => new BoundUnit(create(points[i], draws), section, true)).ToList();
    }

    /// <summary>The id of a unit generated at a load point: the point's name, a dash and the kind (<c>LOAD7-pv</c>).</summary>
    private static string GeneratedId(UnitConnection point, string kind) => $"{point.Name}-{kind}";

    /// <summary>The household (load point) a PV, battery or EV was generated at: its id before the last dash (<see cref="GeneratedId"/>).</summary>
    private static string HouseholdOf(UnitSpec generated) => generated.Id[..generated.Id.LastIndexOf('-')];

    /// <summary>A range key without a default must be given.</summary>
    private static void RequireKey(YamlMap section, string key)
    {
        if (!section.Has(key))
        {
            section.Error(key, "is required");
        }
    }

    /// <summary>The section's common keys; <paramref name="strategy"/>, when given, is the section's strategy already bound.</summary>
    private static UnitCommon Common(YamlMap section, UnitKind kind, UnitContext context, StrategySpec? strategy = null) => new(
        "",
        "",
        PhaseConnection.Abc,
        section.OptionalMoney("initial_balance", Bounds.NonNegative),
        strategy ?? StrategyBinder.Bind(section.Map("strategy"), kind, context),
        ForecastBinder.Bind(section.Map("forecast"), kind));

    private static PhaseConnection Phase(Phases phases) => phases switch
    {
        Phases.A => PhaseConnection.A,
        Phases.B => PhaseConnection.B,
        Phases.C => PhaseConnection.C,
        _ => PhaseConnection.Abc,
    };
}
