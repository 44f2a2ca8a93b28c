using System.Device.I2c;

namespace MicroMarket.Hardware.Fakes;

/// <summary>
/// The analog side of a simulated INA2xx shunt monitor (<see cref="SimulatedIna219"/>,
/// <see cref="SimulatedIna236"/>): the voltage across the shunt and on the bus, set in volts by a
/// test or by the simulated bench, from which each chip computes its registers; and a brown-out.
/// </summary>
public abstract class SimulatedShuntMonitor : SimulatedRegisterDevice
{
    /// <summary>Creates the chip at a bus and address.</summary>
    protected SimulatedShuntMonitor(I2cConnectionSettings settings)
        : base(settings)
    {
    }

    /// <summary>Volts across the shunt (IN+ minus IN−); negative when current flows back.</summary>
    protected double ShuntV { get; private set; }

    /// <summary>Volts on the bus (IN− to GND).</summary>
    protected double BusV { get; private set; }

    /// <summary>Sets the voltage across the shunt (IN+ minus IN−); negative when current flows back.</summary>
    public void SetShuntVoltage(double volts)
    {
        Locked(() => ShuntV = volts);
    }

    /// <summary>Sets the bus voltage (IN− to GND).</summary>
    public void SetBusVoltage(double volts)
    {
        Locked(() => BusV = volts);
    }

    /// <summary>Sets a load: <paramref name="currentA"/> (negative = export) through <paramref name="shuntOhms"/> at <paramref name="busVoltageV"/>.</summary>
    public void SetLoad(double currentA, double shuntOhms, double busVoltageV)
    {
        Locked(() =>
        {
            ShuntV = currentA * shuntOhms;
            BusV = busVoltageV;
        });
    }

    /// <summary>A brown-out: every register back to its power-on value.</summary>
    public void PowerCycle()
    {
        Locked(ResetRegisters);
    }

    /// <summary>Every register back to its power-on value (a reset bit or a brown-out).</summary>
    protected abstract void ResetRegisters();
}
