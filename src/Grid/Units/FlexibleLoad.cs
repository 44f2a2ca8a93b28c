namespace MicroMarket.Grid.Units;

/// <summary>
/// A shiftable consumption: <see cref="EnergyKwh"/> must be delivered within the window
/// [<see cref="WindowStartSlot"/>, <see cref="WindowEndSlot"/>) at no more than <see cref="MaxPowerKw"/>
/// (a dishwasher cycle, a water heater, a heat pump's daily heat, a pool pump).
/// <list type="bullet">
/// <item>Power in the load convention (demand &gt;= 0).</item>
/// <item>Baseline: the owner's habit, full power from <see cref="PreferredStartSlot"/> until done.</item>
/// <item>Shifts it accepts: any start from <see cref="WindowStartSlot"/> to <see cref="LatestStartSlot"/> (the
/// last start that still finishes at full power), and more generally any schedule that
/// <see cref="Accepts"/>: within the window, within the power limit, with the whole energy.</item>
/// <item>Per slot, <see cref="Apply"/> clips a request to [forced minimum, maximum]: the minimum is what must
/// be consumed now so that full power afterwards still finishes in time, so a feasible job is never missed.</item>
/// </list>
/// </summary>
public sealed record FlexibleLoad
{
    public FlexibleLoad(double energyKwh, int windowStartSlot, int windowEndSlot, double maxPowerKw, TimeSpan slotLength, int? preferredStartSlot = null)
    {
        var hours = UnitArguments.Hours(slotLength);
        if (!(energyKwh >= 0 && maxPowerKw > 0 && windowEndSlot > windowStartSlot))
        {
            throw new ArgumentOutOfRangeException(nameof(energyKwh), "need energy >= 0, max power > 0 and a non-empty window");
        }
        if (energyKwh > maxPowerKw * hours * (windowEndSlot - windowStartSlot) + 1e-9)
        {
            throw new ArgumentException($"{energyKwh} kWh cannot be delivered at {maxPowerKw} kW within {windowEndSlot - windowStartSlot} slots", nameof(energyKwh));
        }
        EnergyKwh = energyKwh;
        WindowStartSlot = windowStartSlot;
        WindowEndSlot = windowEndSlot;
        MaxPowerKw = maxPowerKw;
        SlotLength = slotLength;
        PreferredStartSlot = Math.Clamp(preferredStartSlot ?? windowStartSlot, windowStartSlot, LatestStartSlot);
    }

    public double EnergyKwh { get; }
    public int WindowStartSlot { get; }

    /// <summary>First slot after the window: the job must be done by its start.</summary>
    public int WindowEndSlot { get; }

    public double MaxPowerKw { get; }
    public TimeSpan SlotLength { get; }
    public int PreferredStartSlot { get; }

    /// <summary>Slots the job needs at full power (the last one possibly partial).</summary>
    public int RunSlots => (int)Math.Ceiling(EnergyKwh / (MaxPowerKw * SlotLength.TotalHours) - 1e-9);

    /// <summary>The latest slot a full-power run can start and still finish by the end of the window.</summary>
    public int LatestStartSlot => WindowEndSlot - RunSlots;

    /// <summary>True when a full-power run starting at <paramref name="startSlot"/> fits the window.</summary>
    public bool AcceptsShift(int startSlot) => startSlot >= WindowStartSlot && startSlot <= LatestStartSlot;

    /// <summary>The demand per slot (kW) of a full-power run from <paramref name="startSlot"/>, indexed from <see cref="WindowStartSlot"/>.</summary>
    public double[] ScheduleStartingAt(int startSlot)
    {
        if (!AcceptsShift(startSlot))
        {
            throw new ArgumentOutOfRangeException(nameof(startSlot), startSlot, $"start must be within {WindowStartSlot}..{LatestStartSlot}");
        }
        var schedule = new double[WindowEndSlot - WindowStartSlot];
        var left = EnergyKwh;
        for (var s = startSlot - WindowStartSlot; left > 1e-12; s++)
        {
            var kw = Math.Min(MaxPowerKw, left / SlotLength.TotalHours);
            schedule[s] = kw;
            left -= kw * SlotLength.TotalHours;
        }
        return schedule;
    }

    /// <summary>The owner's habitual schedule: full power from <see cref="PreferredStartSlot"/>.</summary>
    public double[] BaselineScheduleKw() => ScheduleStartingAt(PreferredStartSlot);

    /// <summary>
    /// True when <paramref name="scheduleKw"/> (one value per window slot, from <see cref="WindowStartSlot"/>) stays within
    /// 0..max power and delivers the whole energy to within 1e-6 kWh.
    /// </summary>
    public bool Accepts(ReadOnlySpan<double> scheduleKw)
    {
        if (scheduleKw.Length != WindowEndSlot - WindowStartSlot)
        {
            return false;
        }
        var total = 0.0;
        foreach (var kw in scheduleKw)
        {
            if (!(kw >= 0 && kw <= MaxPowerKw + 1e-9))
            {
                return false;
            }
            total += kw * SlotLength.TotalHours;
        }
        return Math.Abs(total - EnergyKwh) <= 1e-6;
    }

    /// <summary>Demand that must be taken in <paramref name="slot"/> given <paramref name="deliveredKwh"/> so far, kW.</summary>
    public double MinimumDemandKw(int slot, double deliveredKwh)
    {
        if (slot < WindowStartSlot || slot >= WindowEndSlot)
        {
            return 0.0;
        }
        var hours = SlotLength.TotalHours;
        var later = (WindowEndSlot - slot - 1) * MaxPowerKw * hours;
        return Math.Clamp((EnergyKwh - deliveredKwh - later) / hours, 0.0, MaxPowerKw);
    }

    /// <summary>Demand that can at most be taken in <paramref name="slot"/>, kW.</summary>
    public double MaximumDemandKw(int slot, double deliveredKwh) =>
        slot < WindowStartSlot || slot >= WindowEndSlot ? 0.0 : Math.Clamp((EnergyKwh - deliveredKwh) / SlotLength.TotalHours, 0.0, MaxPowerKw);

    /// <summary>Applies a requested demand for one slot; returns the demand taken, the clipped part and the energy delivered so far.</summary>
    public FlexibleLoadStep Apply(int slot, double deliveredKwh, double requestedDemandKw)
    {
        UnitArguments.RequireFinite(requestedDemandKw, nameof(requestedDemandKw));
        var actual = Math.Clamp(requestedDemandKw, MinimumDemandKw(slot, deliveredKwh), MaximumDemandKw(slot, deliveredKwh));
        var delivered = Math.Min(EnergyKwh, deliveredKwh + actual * SlotLength.TotalHours);
        return new FlexibleLoadStep(actual, requestedDemandKw - actual, delivered);
    }

    /// <summary>Energy still owed, kWh: after the window closes, the energy not served.</summary>
    public double UnservedKwh(double deliveredKwh) => Math.Max(0.0, EnergyKwh - deliveredKwh);
}

/// <summary>One flexible-load slot: demand taken (kW), clipped part of the request (requested - actual, kW), energy delivered so far (kWh).</summary>
public sealed record FlexibleLoadStep(double ActualDemandKw, double ClippedKw, double DeliveredKwh);
