namespace MicroMarket.Grid.Forecasting;

/// <summary>The shape of a forecast error, always scaled to zero mean and unit variance before the horizon's sigma.</summary>
public enum ErrorDistribution
{
    /// <summary>Gaussian.</summary>
    Normal,

    /// <summary>Double exponential: heavier tails, the usual fit for wind and PV forecast errors.</summary>
    Laplace,

    /// <summary>Uniform on [-sqrt 3, sqrt 3].</summary>
    Uniform,
}

/// <summary>What the error's sigma is a fraction of.</summary>
public enum ErrorScale
{
    /// <summary>Of the unit's capacity (kWp, rated kW): the usual normalised RMSE of wind and load forecasts.</summary>
    Capacity,

    /// <summary>Of the actual value: zero error when the actual is zero (PV at night), proportional otherwise.</summary>
    Actual,
}

/// <summary>
/// Forecast = actual + error, with error = sigma(h) x scale x e. The horizon h is the time from issuing the forecast to
/// the start of its target slot, and sigma(h) = SigmaLongHorizon + (SigmaShortHorizon - SigmaLongHorizon) exp(-h / TimeConstant)
/// grows from SigmaShortHorizon to SigmaLongHorizon, so a day-ahead forecast (h of 12..36 h) is worse than an intra-day one (h about 1 h).
/// Within one issue, e follows AR(1) over consecutive target slots, e_k = rho e_(k-1) + sqrt(1 - rho^2) z_k, so errors come in
/// runs as real forecast errors do.
/// Typical sigma (normalised RMSE): PV day-ahead 0.3..0.5 of the actual (0.08..0.12 of capacity), intra-day 0.1..0.2;
/// household load day-ahead 0.2..0.4; wind day-ahead 0.10..0.15 of capacity.
/// </summary>
public sealed record ForecastErrorModel(
    double SigmaShortHorizon,
    double SigmaLongHorizon,
    TimeSpan TimeConstant,
    ErrorDistribution Distribution = ErrorDistribution.Normal,
    ErrorScale Scale = ErrorScale.Capacity,
    double TargetCorrelation = 0.8)
{
    /// <summary>Sigma at horizon <paramref name="horizon"/>, as a fraction of the scale.</summary>
    public double SigmaAt(TimeSpan horizon)
    {
        if (horizon < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(horizon), "a forecast cannot target the past");
        }
        return SigmaLongHorizon + (SigmaShortHorizon - SigmaLongHorizon) * Math.Exp(-horizon / TimeConstant);
    }

    public void Validate()
    {
        if (!(SigmaShortHorizon >= 0 && SigmaLongHorizon >= SigmaShortHorizon && TimeConstant > TimeSpan.Zero && TargetCorrelation is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(SigmaShortHorizon), "need 0 <= sigma short <= sigma long, time constant > 0, 0 <= correlation < 1");
        }
    }
}
