namespace MicroMarket.Grid.Units;

/// <summary>
/// A stationary battery with its inverter, as an energy reservoir with separate charge and discharge efficiencies.
/// <list type="bullet">
/// <item>Power in the generator convention: positive discharges into the grid, negative charges from it.</item>
/// <item>Stored energy E (kWh) evolves over a slot of h hours at constant AC power P:
/// charging (P &lt; 0) E' = E + |P| eta_c h; discharging (P &gt; 0) E' = E - P h / eta_d.</item>
/// <item>E stays within [SocMin, SocMax] x capacity, always: a request is clipped first to the power limits,
/// then to the energy left to the bound, and the clipped part is reported.</item>
/// </list>
/// Typical values: home 5..15 kWh at 3..10 kW, community 50..500 kWh; one-way efficiencies 0.92..0.98
/// (round trip 0.85..0.95); SoC window 0.05..0.95 or 0.1..0.9.
/// </summary>
public sealed record Battery
{
    public Battery(
        double capacityKwh,
        double maxChargeKw,
        double maxDischargeKw,
        double chargeEfficiency = 0.95,
        double dischargeEfficiency = 0.95,
        double minStateOfCharge = 0.1,
        double maxStateOfCharge = 0.9)
    {
        Require(capacityKwh > 0, nameof(capacityKwh), "capacity must be > 0 kWh");
        Require(maxChargeKw >= 0 && maxDischargeKw >= 0, nameof(maxChargeKw), "power limits must be >= 0 kW");
        Require(chargeEfficiency is > 0 and <= 1 && dischargeEfficiency is > 0 and <= 1, nameof(chargeEfficiency), "efficiencies must be in (0, 1]");
        Require(minStateOfCharge >= 0 && minStateOfCharge < maxStateOfCharge && maxStateOfCharge <= 1, nameof(minStateOfCharge), "need 0 <= SoC min < SoC max <= 1");
        CapacityKwh = capacityKwh;
        MaxChargeKw = maxChargeKw;
        MaxDischargeKw = maxDischargeKw;
        ChargeEfficiency = chargeEfficiency;
        DischargeEfficiency = dischargeEfficiency;
        MinStateOfCharge = minStateOfCharge;
        MaxStateOfCharge = maxStateOfCharge;
    }

    public double CapacityKwh { get; }
    public double MaxChargeKw { get; }
    public double MaxDischargeKw { get; }
    public double ChargeEfficiency { get; }
    public double DischargeEfficiency { get; }
    public double MinStateOfCharge { get; }
    public double MaxStateOfCharge { get; }

    public double MinEnergyKwh => MinStateOfCharge * CapacityKwh;
    public double MaxEnergyKwh => MaxStateOfCharge * CapacityKwh;

    /// <summary>Round-trip efficiency eta_c x eta_d.</summary>
    public double RoundTripEfficiency => ChargeEfficiency * DischargeEfficiency;

    /// <summary>The largest discharge power (kW, &gt;= 0) the battery can hold for a whole slot from stored energy <paramref name="energyKwh"/>.</summary>
    public double AvailableDischargeKw(double energyKwh, TimeSpan slot) =>
        Math.Min(MaxDischargeKw, Math.Max(0.0, energyKwh - MinEnergyKwh) * DischargeEfficiency / UnitArguments.Hours(slot));

    /// <summary>The largest charge power (kW, &gt;= 0) the battery can take for a whole slot from stored energy <paramref name="energyKwh"/>.</summary>
    public double AvailableChargeKw(double energyKwh, TimeSpan slot) =>
        Math.Min(MaxChargeKw, Math.Max(0.0, MaxEnergyKwh - energyKwh) / ChargeEfficiency / UnitArguments.Hours(slot));

    /// <summary>
    /// Applies a requested power for one slot from stored energy <paramref name="energyKwh"/>.
    /// </summary>
    /// <param name="energyKwh">stored energy at the start of the slot, within the SoC bounds.</param>
    /// <param name="requestedKw">requested AC power, positive to discharge, negative to charge.</param>
    /// <param name="slot">slot length.</param>
    public BatteryStep Apply(double energyKwh, double requestedKw, TimeSpan slot)
    {
        UnitArguments.RequireFinite(requestedKw, nameof(requestedKw));
        // A tolerance of 1e-9 kWh admits a state written by a previous step; anything further out is a caller bug.
        if (!(energyKwh >= MinEnergyKwh - 1e-9 && energyKwh <= MaxEnergyKwh + 1e-9))
        {
            throw new ArgumentOutOfRangeException(nameof(energyKwh), energyKwh, $"stored energy must be within {MinEnergyKwh}..{MaxEnergyKwh} kWh");
        }
        var hours = UnitArguments.Hours(slot);
        double actualKw, after, lossKwh;
        if (requestedKw >= 0)
        {
            var limitKw = AvailableDischargeKw(energyKwh, slot);
            actualKw = Math.Min(requestedKw, limitKw);
            // At the energy bound, land exactly on it rather than a rounding error beyond it.
            after = actualKw == limitKw && limitKw < MaxDischargeKw ? MinEnergyKwh : energyKwh - actualKw * hours / DischargeEfficiency;
            lossKwh = actualKw * hours * (1.0 / DischargeEfficiency - 1.0);
        }
        else
        {
            var limitKw = AvailableChargeKw(energyKwh, slot);
            actualKw = -Math.Min(-requestedKw, limitKw);
            after = -actualKw == limitKw && limitKw < MaxChargeKw ? MaxEnergyKwh : energyKwh - actualKw * hours * ChargeEfficiency;
            lossKwh = -actualKw * hours * (1.0 - ChargeEfficiency);
        }
        after = Math.Clamp(after, MinEnergyKwh, MaxEnergyKwh);
        return new BatteryStep(actualKw, requestedKw - actualKw, after, after / CapacityKwh, lossKwh);
    }

    private static void Require(bool ok, string name, string message)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, message);
        }
    }
}

/// <summary>
/// One battery slot: the power actually delivered (kW, + discharge), the part of the request that was
/// clipped (requested - actual, kW), the stored energy and state of charge at the end of the slot, and the
/// conversion loss in the slot (kWh).
/// </summary>
public sealed record BatteryStep(double ActualKw, double ClippedKw, double EnergyKwh, double StateOfCharge, double LossKwh);
