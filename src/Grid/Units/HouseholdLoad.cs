using MicroMarket.Grid.Profiles;

namespace MicroMarket.Grid.Units;

/// <summary>
/// A price-inelastic household demand following a measured profile: demand(slot) = scale x profile(slot), kW,
/// with Q = P tan(acos pf) (lagging). The profile is one day repeated (slot indices wrap around it).
/// Typical household: 0.1..10 kW peaks, 3..15 kWh a day, pf 0.9..1.
/// </summary>
public sealed record HouseholdLoad
{
    public HouseholdLoad(TimeSeries profileKw, double scale = 1.0, double powerFactor = 0.95)
    {
        if (!(scale >= 0) || !(powerFactor is > 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), "scale must be >= 0 and power factor in (0, 1]");
        }
        ProfileKw = profileKw;
        Scale = scale;
        PowerFactor = powerFactor;
    }

    /// <summary>IEEE household profile <paramref name="number"/> (1..100) averaged to the slot length.</summary>
    public static HouseholdLoad FromIeeeProfile(int number, TimeSpan slot, double scale = 1.0, double powerFactor = 0.95) =>
        new(LoadProfiles.Get(number, slot), scale, powerFactor);

    public TimeSeries ProfileKw { get; }
    public double Scale { get; }
    public double PowerFactor { get; }

    /// <summary>Active demand in slot <paramref name="slot"/>, kW (load convention, &gt;= 0).</summary>
    public double DemandKw(int slot) => Scale * ProfileKw.Cyclic(slot);

    /// <summary>Reactive demand in slot <paramref name="slot"/>, kvar.</summary>
    public double ReactiveDemandKvar(int slot) => DemandKw(slot) * Math.Tan(Math.Acos(PowerFactor));

    /// <summary>Energy consumed in the slot, kWh.</summary>
    public double EnergyKwh(int slot) => DemandKw(slot) * ProfileKw.Step.TotalHours;
}
