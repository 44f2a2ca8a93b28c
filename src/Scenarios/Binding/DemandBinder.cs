using MicroMarket.Grid.Profiles;
using MicroMarket.Scenarios.Model;
using MicroMarket.Scenarios.Yaml;

namespace MicroMarket.Scenarios.Binding;

/// <summary>Binds household loads (a profile times a scale) and flexible loads (a shiftable job within a daily window).</summary>
internal static class DemandBinder
{
    public const double DefaultPowerFactor = 0.95;

    public static LoadUnit Load(YamlMap unit, UnitCommon common, UnitContext context)
    {
        var (profile, series) = Profile(unit.Map("profile", required: true), context);
        var scale = unit.Number("scale", 1.0, Bounds.Positive);
        var powerFactor = unit.Number("power_factor", DefaultPowerFactor, Bounds.Efficiency);
        return new LoadUnit(common.Id, common.Bus, common.Phase, common.InitialBalance, common.Strategy, common.Forecast, profile, scale, powerFactor)
        {
            PeakKw = series is null ? 0.0 : SlotPeakKw(series, context.SlotLength) * scale,
        };
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

    /// <summary>A profile reference, <c>{ ieee: 1..100 }</c> or <c>{ file: path }</c>, and the profile itself (null when it has errors).</summary>
    public static (LoadProfileRef Profile, TimeSeries? Series) Profile(YamlMap? profile, UnitContext context)
    {
        if (profile is null)
        {
            return (new LoadProfileRef(null, null), null);
        }
        var result = profile.OneOf("ieee", "file") switch
        {
            "ieee" => IeeeProfile(profile),
            "file" => FileProfile(profile, context),
            _ => (new LoadProfileRef(null, null), null),
        };
        profile.RejectUnknownKeys();
        return result;
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
