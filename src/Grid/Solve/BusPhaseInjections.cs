using MicroMarket.Grid.Model;

namespace MicroMarket.Grid.Solve;

/// <summary>
/// The constant-PQ power injected at each bus and phase, in the generator convention: positive kW/kvar flow
/// into the network (a PV inverter, a discharging battery), negative ones out of it (a load). A caller-owned,
/// reusable buffer: clear it and add the slot's set-points before every solve.
/// Arrays are indexed bus * 3 + (int)phase with buses in <see cref="Network.Buses"/> order.
/// </summary>
public sealed class BusPhaseInjections
{
    public BusPhaseInjections(Network network)
    {
        Network = network;
        ActivePowerKw = new double[3 * network.Buses.Count];
        ReactivePowerKvar = new double[3 * network.Buses.Count];
    }

    public Network Network { get; }
    public double[] ActivePowerKw { get; }
    public double[] ReactivePowerKvar { get; }

    public void Clear()
    {
        Array.Clear(ActivePowerKw);
        Array.Clear(ReactivePowerKvar);
    }

    /// <summary>Adds an injection on one phase of a bus (phase to neutral).</summary>
    public void Add(int bus, Phase phase, double powerKw, double reactivePowerKvar)
    {
        var i = 3 * bus + (int)phase;
        ActivePowerKw[i] += powerKw;
        ReactivePowerKvar[i] += reactivePowerKvar;
    }

    /// <summary>Adds an injection split equally over <paramref name="phases"/> (one phase, or balanced over three).</summary>
    public void Add(int bus, Phases phases, double powerKw, double reactivePowerKvar)
    {
        var n = phases.Count();
        if (n == 0)
        {
            throw new ArgumentException("no phase given", nameof(phases));
        }
        for (var p = Phase.A; p <= Phase.C; p++)
        {
            if (phases.Contains(p))
            {
                Add(bus, p, powerKw / n, reactivePowerKvar / n);
            }
        }
    }

    /// <summary>Adds a unit's injection at its connection point.</summary>
    public void Add(UnitConnection unit, double powerKw, double reactivePowerKvar) =>
        Add(Network.BusIndex(unit.Bus), unit.Phases, powerKw, reactivePowerKvar);

    /// <summary>Adds a consumption (load convention): the same as an injection of -<paramref name="powerKw"/>.</summary>
    public void AddLoad(UnitConnection unit, double powerKw, double reactivePowerKvar) =>
        Add(unit, -powerKw, -reactivePowerKvar);

    /// <summary>Sum of all active injections, kW (generation minus consumption).</summary>
    public double TotalPowerKw => ActivePowerKw.Sum();

    /// <summary>Sum of all reactive injections, kvar.</summary>
    public double TotalReactivePowerKvar => ReactivePowerKvar.Sum();
}
