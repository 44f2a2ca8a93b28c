namespace MicroMarket.Grid.Units;

/// <summary>
/// A turbine power curve P(v), v the hub-height wind speed in m/s. Either parametric (<see cref="Parametric"/>):
/// <list type="bullet">
/// <item>v &lt; cut-in or v &gt;= cut-out: 0 (below cut-in it does not turn; at cut-out it shuts down for safety);</item>
/// <item>cut-in &lt;= v &lt; rated: P_rated (v^3 - v_ci^3) / (v_r^3 - v_ci^3), the cubic rise of the wind's power;</item>
/// <item>rated &lt;= v &lt; cut-out: P_rated.</item>
/// </list>
/// or a manufacturer's table (<see cref="FromTable"/>), linear between points, 0 outside the table.
/// Typical small turbines: 2..50 kW, cut-in 2.5..3.5 m/s, rated 10..13 m/s, cut-out 20..25 m/s.
/// </summary>
public sealed class PowerCurve
{
    private readonly double[] _speedsMs;
    private readonly double[] _powersKw;
    private readonly (double CutIn, double Rated, double CutOut)? _parametric;

    private PowerCurve(double[] speedsMs, double[] powersKw, (double, double, double)? parametric, double ratedKw)
    {
        _speedsMs = speedsMs;
        _powersKw = powersKw;
        _parametric = parametric;
        RatedPowerKw = ratedKw;
    }

    public double RatedPowerKw { get; }

    public static PowerCurve Parametric(double ratedPowerKw, double cutInMs, double ratedMs, double cutOutMs)
    {
        if (!(ratedPowerKw > 0 && cutInMs >= 0 && ratedMs > cutInMs && cutOutMs > ratedMs))
        {
            throw new ArgumentOutOfRangeException(nameof(ratedPowerKw), "need P > 0 and 0 <= cut-in < rated < cut-out");
        }
        return new PowerCurve([], [], (cutInMs, ratedMs, cutOutMs), ratedPowerKw);
    }

    /// <summary>A tabulated curve: strictly increasing speeds (m/s) with their powers (kW, &gt;= 0).</summary>
    public static PowerCurve FromTable(IReadOnlyList<double> speedsMs, IReadOnlyList<double> powersKw)
    {
        if (speedsMs.Count < 2 || speedsMs.Count != powersKw.Count || powersKw.Any(p => !(p >= 0))
            || speedsMs.Zip(speedsMs.Skip(1)).Any(s => !(s.Second > s.First)))
        {
            throw new ArgumentException("a power curve table needs >= 2 strictly increasing speeds and as many powers >= 0");
        }
        return new PowerCurve([.. speedsMs], [.. powersKw], null, powersKw.Max());
    }

    /// <summary>Electrical output at hub-height speed <paramref name="speedMs"/>, kW.</summary>
    public double PowerKw(double speedMs)
    {
        if (!(speedMs >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(speedMs), speedMs, "wind speed must be >= 0");
        }
        if (_parametric is var (cutIn, rated, cutOut))
        {
            return speedMs < cutIn || speedMs >= cutOut ? 0.0
                : speedMs >= rated ? RatedPowerKw
                : RatedPowerKw * (Math.Pow(speedMs, 3) - Math.Pow(cutIn, 3)) / (Math.Pow(rated, 3) - Math.Pow(cutIn, 3));
        }
        if (speedMs < _speedsMs[0] || speedMs > _speedsMs[^1])
        {
            return 0.0;
        }
        var i = Array.BinarySearch(_speedsMs, speedMs);
        if (i >= 0)
        {
            return _powersKw[i];
        }
        var hi = ~i;
        var t = (speedMs - _speedsMs[hi - 1]) / (_speedsMs[hi] - _speedsMs[hi - 1]);
        return _powersKw[hi - 1] + t * (_powersKw[hi] - _powersKw[hi - 1]);
    }
}

/// <summary>
/// Vertical wind profile to carry a measured speed from the anemometer height to the hub height:
/// power law v_hub = v_ref (h_hub / h_ref)^alpha (alpha 1/7 = 0.143 over open terrain, 0.2..0.3 over suburbs), or
/// log law v_hub = v_ref ln(h_hub / z0) / ln(h_ref / z0) with roughness length z0 (0.03 m open, 0.5..1 m suburbs).
/// </summary>
public sealed record WindShear(double ReferenceHeightM, double HubHeightM, double? PowerLawExponent = 1.0 / 7.0, double? RoughnessLengthM = null)
{
    /// <summary>Log-law shear with roughness length <paramref name="roughnessLengthM"/>.</summary>
    public static WindShear LogLaw(double referenceHeightM, double hubHeightM, double roughnessLengthM) =>
        new(referenceHeightM, hubHeightM, null, roughnessLengthM);

    /// <summary>The speed at hub height for a speed measured at the reference height, m/s.</summary>
    public double ToHubHeight(double measuredMs)
    {
        if (!(ReferenceHeightM > 0 && HubHeightM > 0))
        {
            throw new InvalidOperationException("heights must be > 0 m");
        }
        if (RoughnessLengthM is { } z0)
        {
            if (!(z0 > 0 && z0 < Math.Min(ReferenceHeightM, HubHeightM)))
            {
                throw new InvalidOperationException("roughness length must be > 0 and below both heights");
            }
            return measuredMs * Math.Log(HubHeightM / z0) / Math.Log(ReferenceHeightM / z0);
        }
        return measuredMs * Math.Pow(HubHeightM / ReferenceHeightM, PowerLawExponent ?? 1.0 / 7.0);
    }
}

/// <summary>
/// A wind turbine: a measured speed, corrected to hub height by <see cref="Shear"/>, through <see cref="Curve"/>,
/// with an optional curtailment set-point. Apply it at the measurement resolution and average the power to the slot:
/// averaging speeds first would understate the cubic curve.
/// </summary>
public sealed record WindTurbine(PowerCurve Curve, WindShear Shear)
{
    /// <summary>Output for one interval of measured speed <paramref name="measuredSpeedMs"/>.</summary>
    public WindOutput Output(double measuredSpeedMs, double? curtailmentSetpointKw = null)
    {
        var available = Curve.PowerKw(Shear.ToHubHeight(measuredSpeedMs));
        var output = Math.Min(available, Math.Max(0.0, curtailmentSetpointKw ?? double.PositiveInfinity));
        return new WindOutput(output, available, available - output);
    }
}

/// <summary>One wind interval, kW: delivered, available before curtailment, curtailed.</summary>
public sealed record WindOutput(double PowerKw, double AvailableKw, double CurtailedKw);
