using MicroMarket.Grid.Profiles;
using MicroMarket.Scenarios.Model;
using MicroMarket.Scenarios.Yaml;

namespace MicroMarket.Scenarios.Binding;

/// <summary>Binds household loads (a profile times a scale) and flexible loads (a shiftable job within a daily window).</summary>
internal static class DemandBinder
{
    public const double DefaultPowerFactor = 0.95;

    private static readonly IReadOnlyList<(string Name, string Value)> YearSeries = [(YearLoadProfile.BdewH0, YearLoadProfile.BdewH0)];

    public static LoadUnit Load(YamlMap unit, UnitCommon common, UnitContext context)
    {
        var wrap = unit.Flag("wrap", false);
        var errorsBefore = unit.Diagnostics.Count;
        var (profile, series) = Profile(unit.Map("profile", required: true), common.Id, context, annual => annual.Number("annual_kwh", Bounds.Positive));
        RequireCoverage(unit, "profile", profile, wrap, errorsBefore, context);
        var scale = unit.Number("scale", 1.0, Bounds.Positive);
        var powerFactor = unit.Number("power_factor", DefaultPowerFactor, Bounds.Efficiency);
        return new LoadUnit(common.Id, common.Bus, common.Phase, common.InitialBalance, common.Strategy, common.Forecast, profile, scale, powerFactor)
        {
            PeakKw = series is null ? 0.0 : SlotPeakKw(series, context.SlotLength) * scale,
            Wrap = wrap,
        };
    }

    /// <summary>
    /// Reports at <paramref name="key"/> a household profile that would wrap round the run unless <paramref name="wrap"/>:
    /// an IEEE profile by its own rule (<see cref="ResourceSeries.IeeeShortfall"/>), the others by their series.
    /// </summary>
    public static void RequireCoverage(YamlMap map, string key, LoadProfileRef profile, bool wrap, int errorsBefore, UnitContext context)
    {
        if (profile.IeeeProfile is not null)
        {
            if (!wrap && context.Time is { } time && ResourceSeries.IeeeShortfall(time) is { } problem)
            {
                map.Error(key, problem);
            }
            return;
        }
        // The shortfall depends on the series' length and where the run starts in it, not on the household: any one shows it.
        context.RequireCoverage(map, key, wrap, errorsBefore, time => ResourceSeries.Load("", profile, 1.0, context.BehaviourSeed, time));
    }

    /// <summary>
    /// The highest slot-average of a profile, kW: a meter settles energy per slot, so this (not the 1-minute peak)
    /// is the most a household imports in a slot.
    /// </summary>
    public static double SlotPeakKw(TimeSeries profile, TimeSpan slot)
    {
        var peak = 0.0;
        foreach (var kw in profile.Aggregate(slot).Values)
        {
            peak = Math.Max(peak, kw);
        }
        return peak;
    }

    public static FlexibleLoadUnit FlexibleLoad(YamlMap unit, UnitCommon common, UnitContext context)
    {
        var energyKwh = unit.Number("energy_kwh", Bounds.Positive);
        var powerKw = unit.Number("power_kw", Bounds.Positive);
        var window = unit.Map("window", required: true);
        var (start, end) = window is null ? default : (window.ClockTime("start"), window.ClockTime("end"));
        var windowValid = window is not null && window.AllValid("start", "end");
        if (window is not null)
        {
            context.RequireOnSlot(window, "start", start);
            context.RequireOnSlot(window, "end", end);
            window.RejectUnknownKeys();
        }
        var preferred = start;
        if (unit.Has("preferred_start"))
        {
            preferred = unit.ClockTime("preferred_start");
            context.RequireOnSlot(unit, "preferred_start", preferred);
        }

        if (windowValid && unit.AllValid("energy_kwh", "power_kw"))
        {
            var windowHours = ClockTimes.Duration(start, end).TotalHours;
            if (energyKwh > powerKw * windowHours + 1e-9)
            {
                unit.Error("energy_kwh", $"does not fit its window: {windowHours:0.##} h x power_kw {powerKw} = {powerKw * windowHours:0.##} kWh");
            }
            else if (unit.AllValid("preferred_start"))
            {
                CheckPreferredStart(unit, energyKwh, powerKw, start, end, preferred, context);
            }
        }
        return new FlexibleLoadUnit(common.Id, common.Bus, common.Phase, common.InitialBalance, common.Strategy, common.Forecast,
            energyKwh, powerKw, start, end, preferred);
    }

    /// <summary>
    /// A profile reference, <c>{ ieee: 1..100 }</c>, <c>{ file: path }</c> or <c>{ year: { series, annual_kwh } }</c>, and the
    /// profile itself in kW at a scale of 1 (null when it has errors; a year profile is the household <paramref name="unitId"/>'s
    /// own). <paramref name="annualKwh"/> reads the year's energy: a number for a listed unit, a seeded draw for a generated one.
    /// </summary>
    public static (LoadProfileRef Profile, TimeSeries? Series) Profile(YamlMap? profile, string unitId, UnitContext context, Func<YamlMap, double> annualKwh)
    {
        if (profile is null)
        {
            return (new LoadProfileRef(null, null), null);
        }
        var result = profile.OneOf("ieee", "file", "year") switch
        {
            "ieee" => IeeeProfile(profile),
            "file" => FileProfile(profile, context),
            "year" when profile.Map("year") is { } year => YearProfile(year, unitId, context, annualKwh),
            _ => (new LoadProfileRef(null, null), null),
        };
        profile.RejectUnknownKeys();
        return result;
    }

    /// <summary>A year of a standard load profile (<c>series</c>, default bdew-h0) for a household using <c>annual_kwh</c>.</summary>
    private static (LoadProfileRef, TimeSeries?) YearProfile(YamlMap year, string unitId, UnitContext context, Func<YamlMap, double> annualKwh)
    {
        var reference = new LoadProfileRef(null, null, new YearLoadProfile(year.Choice("series", YearSeries, YearLoadProfile.BdewH0), annualKwh(year)));
        year.RejectUnknownKeys();
        var step = YearData.BdewH0().Step;
        if (context.Time is { } slots && slots.SlotLength < step && step.Ticks % slots.SlotLength.Ticks != 0)
        {
            year.Error("series", $"'{reference.Year!.Series}' has a {step.TotalMinutes}-minute step: time.slot_minutes ({slots.SlotMinutes}) must divide it or be at least that");
        }
        return (reference, year.AllValid("series", "annual_kwh") && context.Time is { } time
            ? ResourceSeries.Load(unitId, reference, 1.0, context.BehaviourSeed, time)?.Series
            : null);
    }

    private static (LoadProfileRef, TimeSeries?) FileProfile(YamlMap profile, UnitContext context)
    {
        var (path, series) = GeneratorBinder.ReadProfile(profile, "file", "kW", context);
        return (new LoadProfileRef(null, path), series);
    }

    private static (LoadProfileRef, TimeSeries?) IeeeProfile(YamlMap profile)
    {
        var number = profile.Integer("ieee", Bounds.Closed(1, LoadProfiles.Count));
        return (new LoadProfileRef(number, null), profile.AllValid("ieee") ? LoadProfiles.Get(number) : null);
    }

    /// <summary>The owner's habit must be a start that still finishes within the window at full power.</summary>
    private static void CheckPreferredStart(YamlMap unit, double energyKwh, double powerKw, TimeOnly start, TimeOnly end, TimeOnly preferred, UnitContext context)
    {
        var windowMinutes = (int)ClockTimes.Duration(start, end).TotalMinutes;
        var offset = (ClockTimes.Minutes(preferred) - ClockTimes.Minutes(start) + ClockTimes.MinutesPerDay) % ClockTimes.MinutesPerDay;
        var slotMinutes = context.SlotLength.TotalMinutes;
        // Whole slots, as the Grid's FlexibleLoad runs it: the last slot may be partial but is occupied.
        var runMinutes = Math.Ceiling(energyKwh / powerKw * 60 / slotMinutes - 1e-9) * slotMinutes;
        if (offset + runMinutes > windowMinutes)
        {
            unit.Error("preferred_start", $"a full-power run from {preferred:HH:mm} takes {runMinutes} min and would end after the window ({end:HH:mm})");
        }
    }
}
