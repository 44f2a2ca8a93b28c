using BenchmarkDotNet.Attributes;

namespace MicroMarket.Grid.Bench;

/// <summary>BenchmarkDotNet view of the same workloads as the Stopwatch harness.</summary>
[MemoryDiagnoser]
public class PowerFlowBenchmarks
{
    private IeeeDay _warm = null!;
    private IeeeDay _cold = null!;
    private int _minute;

    [GlobalSetup]
    public void Setup()
    {
        _warm = new IeeeDay();
        _cold = new IeeeDay();
        _warm.SolveDay();
    }

    /// <summary>The whole 1440-minute day, warm-started minute to minute.</summary>
    [Benchmark]
    public int FullDay() => _warm.SolveDay();

    /// <summary>One warm solve, walking through the day so that each solve starts from the previous minute.</summary>
    [Benchmark]
    public int WarmSolve()
    {
        _minute = _minute % 1440 + 1;
        return _warm.SolveMinute(_minute);
    }

    /// <summary>One solve at the peak (minute 566) from a flat start.</summary>
    [Benchmark]
    public int ColdSolveAtPeak()
    {
        _cold.Solver.ResetWarmStart();
        return _cold.SolveMinute(566);
    }
}
