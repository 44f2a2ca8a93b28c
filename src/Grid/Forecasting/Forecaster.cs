namespace MicroMarket.Grid.Forecasting;

/// <summary>
/// Deterministic forecasts of one unit's series. The innovation for (issue slot, target slot) is drawn from a hash of
/// the seed, the unit's stream id and both slots (SplitMix64), so a forecast does not depend on the order or number
/// of calls: the same seed gives the same forecasts byte for byte, in any run and on any thread.
/// </summary>
public sealed class Forecaster
{
    private readonly ulong _seed;

    public Forecaster(ForecastErrorModel model, TimeSpan slotLength, ulong seed, ulong streamId = 0)
    {
        model.Validate();
        if (slotLength <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(slotLength), "slot length must be positive");
        }
        Model = model;
        SlotLength = slotLength;
        _seed = Mix(seed ^ Mix(streamId + 0x5851F42D4C957F2DUL));
    }

    public ForecastErrorModel Model { get; }
    public TimeSpan SlotLength { get; }

    /// <summary>
    /// Forecasts target slots <paramref name="firstTargetSlot"/> .. + <paramref name="forecastKw"/>.Length - 1 as issued at the
    /// start of slot <paramref name="issueSlot"/> (targets must not precede it).
    /// </summary>
    /// <param name="actualKw">the actual series, indexed by absolute slot (it must cover the targets).</param>
    /// <param name="capacityKw">the unit's capacity, the error scale for <see cref="ErrorScale.Capacity"/>.</param>
    /// <param name="minKw">physical lower bound the forecast is clipped to (0 for PV and load).</param>
    /// <param name="maxKw">physical upper bound (the capacity for PV and wind).</param>
    /// <param name="forecastKw">caller-owned output.</param>
    public void Forecast(ReadOnlySpan<double> actualKw, int issueSlot, int firstTargetSlot, double capacityKw, double minKw, double maxKw, Span<double> forecastKw)
    {
        if (firstTargetSlot < issueSlot)
        {
            throw new ArgumentOutOfRangeException(nameof(firstTargetSlot), "targets must not precede the issue slot");
        }
        if (firstTargetSlot + forecastKw.Length > actualKw.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(forecastKw), "the actual series does not cover the targets");
        }
        // Run the AR(1) from the issue slot so that each target's error is the same whatever window is asked for.
        var rho = Model.TargetCorrelation;
        var innovationWeight = Math.Sqrt(1 - rho * rho);
        var e = 0.0;
        for (var target = issueSlot; target < firstTargetSlot + forecastKw.Length; target++)
        {
            var z = Innovation(issueSlot, target);
            e = target == issueSlot ? z : rho * e + innovationWeight * z;
            if (target < firstTargetSlot)
            {
                continue;
            }
            var actual = actualKw[target];
            var scale = Model.Scale == ErrorScale.Capacity ? capacityKw : Math.Abs(actual);
            var sigma = Model.SigmaAt(SlotLength * (target - issueSlot));
            forecastKw[target - firstTargetSlot] = Math.Clamp(actual + sigma * scale * e, minKw, maxKw);
        }
    }

    /// <summary>One target's forecast (see <see cref="Forecast(ReadOnlySpan{double}, int, int, double, double, double, Span{double})"/>).</summary>
    public double Forecast(ReadOnlySpan<double> actualKw, int issueSlot, int targetSlot, double capacityKw, double minKw, double maxKw)
    {
        Span<double> one = stackalloc double[1];
        Forecast(actualKw, issueSlot, targetSlot, capacityKw, minKw, maxKw, one);
        return one[0];
    }

    private double Innovation(int issueSlot, int targetSlot)
    {
        var h = Mix(_seed ^ Mix(((ulong)(uint)issueSlot << 32) | (uint)targetSlot));
        var u1 = ToUnit(h);
        var u2 = ToUnit(Mix(h));
        return Model.Distribution switch
        {
            // Box-Muller.
            ErrorDistribution.Normal => Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2),
            // Inverse CDF of a Laplace with variance 1 (scale 1 / sqrt 2).
            ErrorDistribution.Laplace => -Math.Sign(u1 - 0.5) * Math.Log(1 - 2 * Math.Abs(u1 - 0.5)) / Math.Sqrt(2.0),
            _ => (2 * u1 - 1) * Math.Sqrt(3.0),
        };
    }

    /// <summary>A uniform in the open interval (0, 1) from the top 53 bits, so no logarithm below sees 0.</summary>
    private static double ToUnit(ulong bits) => ((bits >> 11) + 0.5) * (1.0 / (1UL << 53));

    /// <summary>SplitMix64's finaliser (Steele, Lea, Flood 2014): a bijective, well-mixed 64-bit hash.</summary>
    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
