using Iot.Device.Adc;

namespace MicroMarket.Hardware.Meters;

/// <summary>
/// The INA219 calibration for one shunt, worked out as in datasheet SBOS448G section 8.5.1
/// "Programming the Calibration Register": Equation 2 gives the smallest current LSB
/// (I_max / 2^15), we round it up to the 1-2-5 series, and Equation 1 gives
/// Cal = trunc(0.04096 / (Current_LSB × R_shunt)). The PGA is the smallest range holding
/// I_max × R_shunt (8.3.1.2 "PGA Function"); the bus range is 16 V when that is enough.
/// </summary>
public sealed record Ina219Calibration
{
    /// <summary>Equation 1's internal scaling constant, 0.04096 = 4096 × 10 µV.</summary>
    public const double ScalingConstant = 0.04096;

    /// <summary>Shunt register LSB (8.6.3.1).</summary>
    public const double ShuntVoltageLsbV = 10e-6;

    /// <summary>Bus register LSB (8.6.3.2).</summary>
    public const double BusVoltageLsbV = 4e-3;

    /// <summary>Power register LSB as a multiple of the current LSB (Equation 3).</summary>
    public const double PowerLsbPerCurrentLsb = 20;

    private Ina219Calibration(double shuntOhms, ushort register, Ina219PgaSensitivity pga, Ina219BusVoltageRange busRange, double fullScaleShuntV)
    {
        ShuntOhms = shuntOhms;
        Register = register;
        Pga = pga;
        BusRange = busRange;
        FullScaleShuntV = fullScaleShuntV;
    }

    /// <summary>Shunt resistance, ohms.</summary>
    public double ShuntOhms { get; }

    /// <summary>The value for the calibration register (05h).</summary>
    public ushort Register { get; }

    /// <summary>The programmable gain: the shunt full-scale range.</summary>
    public Ina219PgaSensitivity Pga { get; }

    /// <summary>The bus voltage full-scale range.</summary>
    public Ina219BusVoltageRange BusRange { get; }

    /// <summary>The shunt full-scale voltage of <see cref="Pga"/>.</summary>
    public double FullScaleShuntV { get; }

    /// <summary>
    /// The current LSB the chip actually applies with <see cref="Register"/>: 0.04096 / (Cal × R).
    /// Equal to the chosen round LSB unless the truncation in Equation 1 bit.
    /// </summary>
    public double CurrentLsbA => ScalingConstant / (Register * ShuntOhms);

    /// <summary>Power register LSB, 20 × Current_LSB (Equation 3).</summary>
    public double PowerLsbW => PowerLsbPerCurrentLsb * CurrentLsbA;

    /// <summary>The largest current the shunt range can show, V_FS / R.</summary>
    public double FullScaleCurrentA => FullScaleShuntV / ShuntOhms;

    /// <summary>Works out the calibration for a shunt and the largest current expected through it.</summary>
    /// <param name="shuntOhms">Shunt resistance (0.1 Ω on the common breakout boards).</param>
    /// <param name="maxExpectedCurrentA">Largest current magnitude, either direction.</param>
    /// <param name="maxBusVoltageV">Largest bus voltage; 16 V range at or below 16 V, else 32 V.</param>
    /// <param name="currentLsbA">An explicit current LSB; by default I_max / 2^15 rounded up to 1-2-5.</param>
    public static Ina219Calibration For(double shuntOhms, double maxExpectedCurrentA, double maxBusVoltageV = 32, double? currentLsbA = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shuntOhms);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExpectedCurrentA);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBusVoltageV);
        if (maxBusVoltageV > 32.0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxBusVoltageV), $"a bus voltage of {maxBusVoltageV} V is beyond the INA219's 32 V range");
        }

        // 3.2 A × 0.1 Ω is 0.32000000000000006 V in doubles; a part per billion is not a range change.
        double maxShuntV = maxExpectedCurrentA * shuntOhms * (1 - 1e-9);
        (Ina219PgaSensitivity pga, double fullScale) = maxShuntV switch
        {
            <= 0.040 => (Ina219PgaSensitivity.PlusOrMinus40mv, 0.040),
            <= 0.080 => (Ina219PgaSensitivity.PlusOrMinus80mv, 0.080),
            <= 0.160 => (Ina219PgaSensitivity.PlusOrMinus160mv, 0.160),
            <= 0.320 => (Ina219PgaSensitivity.PlusOrMinus320mv, 0.320),
            _ => throw new ArgumentOutOfRangeException(
                nameof(maxExpectedCurrentA),
                $"{maxExpectedCurrentA} A through {shuntOhms} Ω drops {maxShuntV * 1000:0.#} mV, beyond the INA219's ±320 mV shunt range."),
        };

        double lsb = currentLsbA ?? ShuntCalibration.RoundUpToOneTwoFive(ShuntCalibration.MinimumCurrentLsbA(maxExpectedCurrentA));
        if (lsb * (ShuntCalibration.CurrentRegisterSpan - 1) < maxExpectedCurrentA)
        {
            throw new ArgumentOutOfRangeException(nameof(currentLsbA), $"A current LSB of {lsb} A cannot hold {maxExpectedCurrentA} A in 15 bits.");
        }

        // Bit 0 of the calibration register is not used by the chip (8.6.4.1), so keep it even.
        long cal = ShuntCalibration.Truncate(ScalingConstant / (lsb * shuntOhms)) & ~1L;
        if (cal is < 2 or > 0xFFFE)
        {
            throw new ArgumentOutOfRangeException(nameof(shuntOhms), $"Calibration value {cal} is out of the register's range; choose another current LSB.");
        }

        var busRange = maxBusVoltageV <= 16 ? Ina219BusVoltageRange.Range16v : Ina219BusVoltageRange.Range32v;
        return new Ina219Calibration(shuntOhms, (ushort)cal, pga, busRange, fullScale);
    }
}
