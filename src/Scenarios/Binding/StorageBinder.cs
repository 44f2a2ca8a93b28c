using MicroMarket.Scenarios.Model;
using MicroMarket.Scenarios.Yaml;

namespace MicroMarket.Scenarios.Binding;

/// <summary>Binds batteries and EVs: energy, power, efficiencies, state-of-charge window, plug-in sessions.</summary>
internal static class StorageBinder
{
    public const double DefaultBatteryEfficiency = 0.95;
    public const double DefaultSocInitial = 0.5;
    public const double DefaultSocMin = 0.1;
    public const double DefaultSocMax = 0.9;

    /// <summary>A grid-forming battery keeps this much SoC above its minimum for ride-through and black start.</summary>
    public const double DefaultReserveAboveMin = 0.1;

    /// <summary>The Grid layer's default EV charge efficiency (0.88..0.95 typical).</summary>
    public const double DefaultEvChargeEfficiency = 0.92;

    public const double DefaultArrivalSoc = 0.2;

    public static BatteryUnit Battery(YamlMap unit, UnitCommon common)
    {
        var capacityKwh = unit.Number("capacity_kwh", Bounds.Positive);
        var chargeKw = unit.Number("charge_kw", Bounds.Positive);
        var dischargeKw = unit.Has("discharge_kw") ? unit.Number("discharge_kw", Bounds.Positive) : chargeKw;
        var (chargeEfficiency, dischargeEfficiency) = Efficiency(unit.Map("efficiency"));
        var (initial, min, max) = Soc(unit.Map("soc"));
        return new BatteryUnit(common.Id, common.Bus, common.Phase, common.InitialBalance, common.Strategy, common.Forecast,
            capacityKwh, chargeKw, dischargeKw, chargeEfficiency, dischargeEfficiency, initial, min, max)
        {
            GridForming = GridForming(unit, dischargeKw, min, max),
        };
    }

    /// <summary>
    /// <c>grid_forming: true</c> with its droop share (default the discharge rating, the usual droop gain) and SoC
    /// reserve (default 0.1 above soc.min: the last tenth is kept for ride-through and black start).
    /// </summary>
    private static GridFormingSpec? GridForming(YamlMap unit, double dischargeKw, double socMin, double socMax)
    {
        if (!unit.Flag("grid_forming", false))
        {
            foreach (var key in new[] { "droop_share", "soc_reserve" }.Where(unit.Has))
            {
                unit.Error(key, "applies only to a grid-forming battery (grid_forming: true)");
            }
            return null;
        }
        var droopShare = unit.Number("droop_share", dischargeKw, Bounds.Positive);
        var reserve = unit.Number("soc_reserve", Math.Min(socMin + DefaultReserveAboveMin, (socMin + socMax) / 2), Bounds.Fraction);
        if (unit.AllValid("soc_reserve") && !(reserve >= socMin && reserve < socMax))
        {
            unit.Error("soc_reserve", $"must lie within soc.min..soc.max ({socMin}..{socMax}, below max), found {reserve}");
        }
        return new GridFormingSpec(droopShare, reserve);
    }

    /// <summary>One-way efficiencies, <c>{ charge, discharge }</c>, each in (0, 1].</summary>
    public static (double Charge, double Discharge) Efficiency(YamlMap? efficiency)
    {
        if (efficiency is null)
        {
            return (DefaultBatteryEfficiency, DefaultBatteryEfficiency);
        }
        var result = (efficiency.Number("charge", DefaultBatteryEfficiency, Bounds.Efficiency),
            efficiency.Number("discharge", DefaultBatteryEfficiency, Bounds.Efficiency));
        efficiency.RejectUnknownKeys();
        return result;
    }

    /// <summary>The state-of-charge window <c>{ initial, min, max }</c>: 0 &lt;= min &lt;= initial &lt;= max &lt;= 1 and min &lt; max.</summary>
    public static (double Initial, double Min, double Max) Soc(YamlMap? soc)
    {
        if (soc is null)
        {
            return (DefaultSocInitial, DefaultSocMin, DefaultSocMax);
        }
        var min = soc.Number("min", DefaultSocMin, Bounds.Fraction);
        var max = soc.Number("max", DefaultSocMax, Bounds.Fraction);
        var initial = soc.Number("initial", DefaultSocInitial, Bounds.Fraction);
        if (soc.AllValid("min", "max") && !(min < max))
        {
            soc.Error("min", $"must be below max ({max}), found {min}");
        }
        else if (soc.AllValid("min", "max", "initial") && !(initial >= min && initial <= max))
        {
            soc.Error("initial", $"must lie within min..max ({min}..{max}), found {initial}");
        }
        soc.RejectUnknownKeys();
        return (initial, min, max);
    }

    public static EvUnit Ev(YamlMap unit, UnitCommon common, UnitContext context)
    {
        var batteryKwh = unit.Number("battery_kwh", Bounds.Positive);
        var chargerKw = unit.Number("charger_kw", Bounds.Positive);
        var v2gKw = unit.Number("v2g_kw", 0.0, Bounds.NonNegative);
        var efficiency = unit.Number("charge_efficiency", DefaultEvChargeEfficiency, Bounds.Efficiency);
        var car = unit.AllValid("battery_kwh", "charger_kw", "charge_efficiency") ? (batteryKwh, chargerKw, efficiency) : ((double, double, double)?)null;
        var items = unit.Items("sessions", required: true);
        if (items.Count == 0 && unit.Has("sessions") && unit.AllValid("sessions"))
        {
            unit.Error("sessions", "expected at least one plug-in session");
        }
        var sessions = items
            .Select(item => YamlMap.Of(item.Node, item.Path, unit.Diagnostics))
            .OfType<YamlMap>()
            .Select(session => Session(session, car, context))
            .ToList();
        CheckNoOverlap(sessions);
        return new EvUnit(common.Id, common.Bus, common.Phase, common.InitialBalance, common.Strategy, common.Forecast,
            batteryKwh, chargerKw, v2gKw, efficiency, ValueList.From(sessions.Select(s => s.Spec)));
    }

    /// <summary>
    /// A daily session: the energy must fit the battery on top of the arrival charge, and be chargeable at the
    /// charger's power within the nominal plug-in time.
    /// </summary>
    private static (EvSessionSpec Spec, YamlMap Map) Session(YamlMap session, (double BatteryKwh, double ChargerKw, double Efficiency)? car, UnitContext context)
    {
        var arrive = session.ClockTime("arrive");
        var depart = session.ClockTime("depart");
        var energyKwh = session.Number("energy_kwh", Bounds.NonNegative);
        var arrivalSoc = session.Number("arrival_soc", DefaultArrivalSoc, Bounds.Fraction);
        var jitter = session.Integer("arrival_jitter_minutes", 0, Bounds.Closed(0, 720));
        context.RequireOnSlot(session, "arrive", arrive);
        context.RequireOnSlot(session, "depart", depart);
        if (car is var (batteryKwh, chargerKw, efficiency) && session.AllValid("energy_kwh", "arrival_soc"))
        {
            var arrivalKwh = arrivalSoc * batteryKwh;
            if (arrivalKwh + energyKwh > batteryKwh + 1e-9)
            {
                session.Error("energy_kwh", $"does not fit the battery: arrival_soc x battery_kwh + energy_kwh = {arrivalKwh:0.###} + {energyKwh} kWh exceeds battery_kwh {batteryKwh}");
            }
            else if (session.AllValid("arrive", "depart"))
            {
                var hours = ClockTimes.Duration(arrive, depart).TotalHours;
                var chargeableKwh = chargerKw * efficiency * hours;
                if (energyKwh > chargeableKwh + 1e-9)
                {
                    session.Error("energy_kwh", $"cannot be charged while plugged in: {hours:0.##} h x charger_kw {chargerKw} x charge_efficiency {efficiency} = {chargeableKwh:0.##} kWh");
                }
            }
        }
        session.RejectUnknownKeys();
        return (new EvSessionSpec(arrive, depart, energyKwh, arrivalSoc, jitter), session);
    }

    /// <summary>Sessions repeat daily; one car cannot be plugged in twice at once.</summary>
    private static void CheckNoOverlap(IReadOnlyList<(EvSessionSpec Spec, YamlMap Map)> sessions)
    {
        var valid = sessions.Where(s => s.Map.AllValid("arrive", "depart")).OrderBy(s => s.Spec.Arrive).ToList();
        for (var i = 0; i < valid.Count; i++)
        {
            var (spec, map) = valid[i];
            var end = ClockTimes.Minutes(spec.Arrive) + (int)ClockTimes.Duration(spec.Arrive, spec.Depart).TotalMinutes;
            var next = valid[(i + 1) % valid.Count];
            var nextStart = ClockTimes.Minutes(next.Spec.Arrive) + (i + 1 == valid.Count ? ClockTimes.MinutesPerDay : 0);
            if (valid.Count > 1 && end > nextStart)
            {
                map.Error("depart", $"the session plugged in at {spec.Arrive:HH:mm} is still plugged in when the one at {next.Spec.Arrive:HH:mm} arrives");
            }
        }
    }
}
