namespace MicroMarket.Hardware.Meters;

/// <summary>
/// The INA236 calibration for one shunt, from datasheet SBOSA81D section 8.1.2 "Current and
/// Power Calculations": Equation 2 gives the smallest CURRENT_LSB (I_max / 2^15), which we round up
/// to the 1-2-5 series (the datasheet allows up to 8x), and Equation 1 gives
/// SHUNT_CAL = trunc(0.00512 / (CURRENT_LSB × R_shunt)) for ADCRANGE = 0 (±81.92 mV).
/// The worked example is Table 8-4 (8.2.2.5): 8 mΩ, 500 µA/LSB, SHUNT_CAL = 1280 (500h).
/// </summary>
public sealed record Ina236Calibration
{
    /// <summary>Equation 1's internal scaling constant.</summary>
    public const double ScalingConstant = 0.00512;

    /// <summary>Shunt register LSB with ADCRANGE = 0.</summary>
    public const double ShuntVoltageLsbV = 2.5e-6;

    /// <summary>Shunt full-scale with ADCRANGE = 0.</summary>
    public const double FullScaleShuntV = 0.08192;

    /// <summary>Bus register LSB.</summary>
    public const double BusVoltageLsbV = 1.6e-3;

    /// <summary>Power register LSB as a multiple of the current LSB (Equation 4).</summary>
    public const double PowerLsbPerCurrentLsb = 32;

    private Ina236Calibration(double shuntOhms, ushort register)
    {
        ShuntOhms = shuntOhms;
        Register = register;
    }

    /// <summary>Shunt resistance, ohms.</summary>
    public double ShuntOhms { get; }

    /// <summary>The SHUNT_CAL register (05h) value.</summary>
    public ushort Register { get; }

    /// <summary>The current LSB the chip applies with <see cref="Register"/>: 0.00512 / (SHUNT_CAL × R).</summary>
    public double CurrentLsbA => ScalingConstant / (Register * ShuntOhms);

    /// <summary>Power register LSB, 32 × CURRENT_LSB.</summary>
    public double PowerLsbW => PowerLsbPerCurrentLsb * CurrentLsbA;

    /// <summary>Works out SHUNT_CAL for a shunt and the largest current expected through it.</summary>
    public static Ina236Calibration For(double shuntOhms, double maxExpectedCurrentA, double? currentLsbA = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shuntOhms);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExpectedCurrentA);
        if (maxExpectedCurrentA * shuntOhms * (1 - 1e-9) > FullScaleShuntV)
        {
            throw new ArgumentOutOfRangeException(
                nameof(maxExpectedCurrentA),
                $"{maxExpectedCurrentA} A through {shuntOhms} Ω drops {maxExpectedCurrentA * shuntOhms * 1000:0.##} mV, beyond the INA236's ±81.92 mV range.");
        }

        double lsb = currentLsbA ?? ShuntCalibration.RoundUpToOneTwoFive(ShuntCalibration.MinimumCurrentLsbA(maxExpectedCurrentA));
        if (lsb * (ShuntCalibration.CurrentRegisterSpan - 1) < maxExpectedCurrentA)
        {
            throw new ArgumentOutOfRangeException(nameof(currentLsbA), $"A current LSB of {lsb} A cannot hold {maxExpectedCurrentA} A in 15 bits.");
        }

        long cal = ShuntCalibration.Truncate(ScalingConstant / (lsb * shuntOhms));
        if (cal is < 1 or > 0x7FFF)
        {
            throw new ArgumentOutOfRangeException(nameof(shuntOhms), $"SHUNT_CAL {cal} is out of range; choose another current LSB.");
        }

        return new Ina236Calibration(shuntOhms, (ushort)cal);
    }
}
