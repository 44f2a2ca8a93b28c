using MicroMarket.Grid.Model;
using MicroMarket.Grid.Networks;
using MicroMarket.Grid.Profiles;
using MicroMarket.Grid.Results;
using MicroMarket.Grid.Solve;

namespace MicroMarket.Grid.Bench;

/// <summary>
/// The IEEE European LV feeder's day as a simulator runs it: one solver, one injection buffer and one result reused,
/// each minute's 55 constant-PQ loads written from precomputed profile arrays, then one solve.
/// </summary>
public sealed class IeeeDay
{
    private readonly (int Bus, Phase Phase, double[] Kw, double TanPhi)[] _loads;

    public IeeeDay(PowerFlowOptions? options = null)
    {
        Network = NetworkLibrary.Load(IeeeEuLvFeeder.Name);
        Solver = new PowerFlowSolver(Network, options);
        Injections = Solver.CreateInjections();
        Result = Solver.CreateResult();
        _loads = [.. Network.Units.Select(u =>
        {
            LoadProfiles.TryParseProfileName(u.Profile!, out var n);
            var phase = (Phase)System.Numerics.BitOperations.TrailingZeroCount((int)u.Phases);
            var kw = LoadProfiles.Get(n).Values.ToArray().Select(v => v * u.RatedPowerKw).ToArray();
            return (Network.BusIndex(u.Bus), phase, kw, Math.Tan(Math.Acos(u.PowerFactor)));
        })];
    }

    public Network Network { get; }
    public PowerFlowSolver Solver { get; }
    public BusPhaseInjections Injections { get; }
    public PowerFlowResult Result { get; }

    /// <summary>Sets the loads of minute <paramref name="minute"/> (1..1440) and solves; returns the sweeps used.</summary>
    public int SolveMinute(int minute)
    {
        Injections.Clear();
        foreach (var (bus, phase, kw, tanPhi) in _loads)
        {
            var p = kw[minute - 1];
            Injections.Add(bus, phase, -p, -p * tanPhi);
        }
        Solver.Solve(Injections, PowerFlowMode.GridConnected, Result);
        return Result.Iterations;
    }

    /// <summary>Solves all 1440 minutes in order; returns the total number of sweeps.</summary>
    public int SolveDay()
    {
        var sweeps = 0;
        for (var minute = 1; minute <= LoadProfiles.MinutesPerDay; minute++)
        {
            sweeps += SolveMinute(minute);
        }
        return sweeps;
    }
}
