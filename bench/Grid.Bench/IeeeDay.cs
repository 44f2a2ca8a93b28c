using MicroMarket.Grid.Model;
using MicroMarket.Grid.Networks;
using MicroMarket.Grid.Profiles;
using MicroMarket.Grid.Results;
using MicroMarket.Grid.Solve;

namespace MicroMarket.Grid.Bench;

/// <summary>
/// The IEEE European LV feeder's day as a simulator runs it: one solver, one injection buffer and one result reused;
/// each minute the 55 loads are written from their profiles (<see cref="ProfiledLoads"/>), then one solve.
/// </summary>
public sealed class IeeeDay
{
    public IeeeDay(PowerFlowOptions? options = null)
    {
        Network = NetworkLibrary.Load(IeeeEuLvFeeder.Name);
        Solver = new PowerFlowSolver(Network, options);
        Injections = Solver.CreateInjections();
        Result = Solver.CreateResult();
        // Setup, not timed work: parse the 55 household profiles once, as a simulator would before its first slot.
        ProfiledLoads.Apply(Injections, 1);
        Injections.Clear();
    }

    public Network Network { get; }
    public PowerFlowSolver Solver { get; }
    public BusPhaseInjections Injections { get; }
    public PowerFlowResult Result { get; }

    /// <summary>Sets the loads of minute <paramref name="minute"/> (1..1440) and solves; returns the sweeps used.</summary>
    public int SolveMinute(int minute)
    {
        Injections.Clear();
        ProfiledLoads.Apply(Injections, minute);
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
