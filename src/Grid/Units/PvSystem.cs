namespace MicroMarket.Grid.Units;

/// <summary>
/// A PV array with its inverter. The resource (a measured profile or the clear-sky model, see
/// <see cref="ClearSkyPv"/>) gives the potential AC power per kWp before the inverter limit; then
/// <list type="bullet">
/// <item>available = min(kWp x potential per kWp, inverter limit): the excess is inverter clipping;</item>
/// <item>output = min(available, curtailment set-point): the excess is curtailment, ordered by the market or operator.</item>
/// </list>
/// Typical values: rooftop 3..10 kWp, inverter sized at 0.7..1.0 of kWp (DC/AC ratio 1.0..1.4).
/// </summary>
public sealed record PvSystem
{
    public PvSystem(double peakPowerKwp, double inverterLimitKw)
    {
        if (!(peakPowerKwp > 0 && inverterLimitKw > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(peakPowerKwp), "peak power and inverter limit must be > 0");
        }
        PeakPowerKwp = peakPowerKwp;
        InverterLimitKw = inverterLimitKw;
    }

    public double PeakPowerKwp { get; }
    public double InverterLimitKw { get; }

    /// <summary>
    /// Output for one interval. <paramref name="potentialKwPerKwp"/> is the resource (&gt;= 0, e.g. a measured
    /// profile's value); <paramref name="curtailmentSetpointKw"/> caps the output when given.
    /// </summary>
    public PvOutput Output(double potentialKwPerKwp, double? curtailmentSetpointKw = null)
    {
        UnitArguments.RequireFinite(potentialKwPerKwp, nameof(potentialKwPerKwp));
        var potential = PeakPowerKwp * Math.Max(0.0, potentialKwPerKwp);
        var available = Math.Min(potential, InverterLimitKw);
        var setpoint = Math.Max(0.0, curtailmentSetpointKw ?? double.PositiveInfinity);
        var output = Math.Min(available, setpoint);
        return new PvOutput(output, available, potential - available, available - output);
    }
}

/// <summary>
/// One PV interval, kW: <paramref name="PowerKw"/> delivered, <paramref name="AvailableKw"/> before curtailment,
/// <paramref name="InverterClippedKw"/> lost to the inverter limit, <paramref name="CurtailedKw"/> withheld by the set-point.
/// </summary>
public sealed record PvOutput(double PowerKw, double AvailableKw, double InverterClippedKw, double CurtailedKw);
