using System.Device.Gpio;
using MicroMarket.Hardware.Configuration;

namespace MicroMarket.Hardware.Fakes;

/// <summary>
/// The electrical side of a unit in fake mode: it draws (or, negative, exports)
/// <see cref="PowerWhenOnW"/> while its relay is closed and nothing while open, and keeps the
/// simulated meter chip's inputs in step, so the real meter driver reads what a real unit would.
/// The relay state is taken from the fake GPIO line itself, not from the relay object.
/// </summary>
public sealed class SimulatedUnit
{
    private readonly object _gate = new();
    private readonly HardwareOptions _options;
    private readonly PinValue _onLevel;
    private double _powerWhenOnW;
    private double _supplyVoltageV;
    private AcState _ac = new(0, 0, 0);

    internal SimulatedUnit(FakeGpioDriver gpio, HardwareOptions options, SimulatedIna219? ina219, SimulatedIna236? ina236, SimulatedMcp3008? mcp3008)
    {
        Gpio = gpio;
        _options = options;
        Ina219 = ina219;
        Ina236 = ina236;
        Mcp3008 = mcp3008;
        _onLevel = options.RelayActiveLow ? PinValue.Low : PinValue.High;
        _supplyVoltageV = mcp3008 is null ? options.FakeDcBusVoltageV : options.Ct.NominalVoltageV;
        if (mcp3008 is not null)
        {
            WireAcInputs(mcp3008);
        }

        gpio.PinWritten += (_, write) =>
        {
            if (write.Pin == options.RelayPin)
            {
                Apply();
            }
        };
        Apply();
    }

    /// <summary>The fake GPIO chip the relay is on.</summary>
    public FakeGpioDriver Gpio { get; }

    /// <summary>The simulated INA219, when that is the meter.</summary>
    public SimulatedIna219? Ina219 { get; }

    /// <summary>The simulated INA236, when that is the meter.</summary>
    public SimulatedIna236? Ina236 { get; }

    /// <summary>The simulated MCP3008, when the CT meter is fitted.</summary>
    public SimulatedMcp3008? Mcp3008 { get; }

    /// <summary>True while the relay line is at its "on" level.</summary>
    public bool RelayClosed => Gpio.IsOpen(_options.RelayPin) && Gpio.LevelOf(_options.RelayPin) == _onLevel;

    /// <summary>Power with the relay closed: positive = import, negative = export.</summary>
    public double PowerWhenOnW
    {
        get => _powerWhenOnW;
        set
        {
            lock (_gate)
            {
                _powerWhenOnW = value;
            }

            Apply();
        }
    }

    /// <summary>Supply voltage: DC bus for the INA chips, RMS mains for the CT meter.</summary>
    public double SupplyVoltageV
    {
        get => _supplyVoltageV;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            lock (_gate)
            {
                _supplyVoltageV = value;
            }

            Apply();
        }
    }

    /// <summary>The power flowing now.</summary>
    public double PresentPowerW => RelayClosed ? _powerWhenOnW : 0;

    private void Apply()
    {
        lock (_gate)
        {
            double power = PresentPowerW;
            double current = power / _supplyVoltageV;
            Ina219?.SetLoad(current, _options.ShuntOhms, _supplyVoltageV);
            Ina236?.SetLoad(current, _options.ShuntOhms, _supplyVoltageV);

            // i(t) = I√2 sin(ωt − θ), lagging by θ = acos(PF); export is the same turned by π.
            double rms = Math.Abs(power) / (_supplyVoltageV * _options.Ct.PowerFactor);
            double phase = Math.Acos(_options.Ct.PowerFactor) + (power < 0 ? Math.PI : 0);
            _ac = new AcState(rms * Math.Sqrt(2), phase, _supplyVoltageV * Math.Sqrt(2));
        }
    }

    private void WireAcInputs(SimulatedMcp3008 adc)
    {
        var ct = _options.Ct;
        double bias = adc.ReferenceVolts / 2;
        double omega = 2 * Math.PI * ct.MainsFrequencyHz;
        double burdenVoltsPerAmp = ct.BurdenOhms / ct.CtTurnsRatio / ct.CurrentCalibration * (ct.InvertCurrent ? -1 : 1);
        adc.SetInput(ct.ReferenceChannel, bias);
        adc.SetInput(ct.CurrentChannel, t =>
        {
            AcState s = _ac;
            return bias + (s.CurrentPeakA * Math.Sin((omega * t.TotalSeconds) - s.PhaseRad) * burdenVoltsPerAmp);
        });
        if (ct.VoltageChannel is int voltageChannel)
        {
            adc.SetInput(voltageChannel, t => bias + (_ac.VoltagePeakV * Math.Sin(omega * t.TotalSeconds) / ct.VoltageScale));
        }
    }

    private sealed record AcState(double CurrentPeakA, double PhaseRad, double VoltagePeakV);
}
