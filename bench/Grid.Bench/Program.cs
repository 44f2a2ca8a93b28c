using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Running;
using MicroMarket.Grid.Bench;

if (args.Length > 0 && args[0] == "bdn")
{
    BenchmarkRunner.Run<PowerFlowBenchmarks>(args: args[1..]);
    return;
}

// Stopwatch harness: the figures quoted in docs/benchmarks-grid.md.
const int Days = 30;
const int ColdSolves = 300;
var inv = CultureInfo.InvariantCulture;

// A fresh process: loading the embedded network and profiles, compiling, and JIT-compiling the first solve.
var process = Stopwatch.StartNew();
var day = new IeeeDay();
var loaded = process.Elapsed.TotalMilliseconds;
day.SolveMinute(566);
var firstEver = process.Elapsed.TotalMilliseconds - loaded;
day.Solver.ResetWarmStart();
var firstDay = Stopwatch.StartNew();
day.SolveDay();
var firstDaySeconds = firstDay.Elapsed.TotalSeconds;
day.SolveDay(); // let tiered compilation settle

var dayTimes = new List<double>();
long sweeps = 0;
for (var d = 0; d < Days; d++)
{
    var watch = Stopwatch.StartNew();
    sweeps += day.SolveDay();
    dayTimes.Add(watch.Elapsed.TotalSeconds);
}
dayTimes.Sort();

var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
day.SolveDay();
var allocatedPerSolve = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / 1440.0;

var cold = new IeeeDay();
cold.SolveMinute(566);
var coldTimes = new List<double>();
var coldSweeps = 0;
for (var i = 0; i < ColdSolves; i++)
{
    cold.Solver.ResetWarmStart();
    var watch = Stopwatch.StartNew();
    coldSweeps = cold.SolveMinute(566);
    coldTimes.Add(watch.Elapsed.TotalMilliseconds);
}
coldTimes.Sort();

// The very first solve of a fresh process: network load, compile and JIT included.
var first = Stopwatch.StartNew();
var fresh = new IeeeDay();
var built = first.Elapsed.TotalMilliseconds;
fresh.SolveMinute(566);
var firstSolve = first.Elapsed.TotalMilliseconds - built;

Console.WriteLine(string.Create(inv, $"""
    IEEE European LV feeder, 906 buses, 55 loads, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSArchitecture}, {Environment.ProcessorCount} cores
    full 1440-minute day, warm-started: median {dayTimes[Days / 2]:F3} s, best {dayTimes[0]:F3} s, worst {dayTimes[^1]:F3} s over {Days} days
    warm solve: {dayTimes[Days / 2] / 1440 * 1000:F4} ms per solve (median day / 1440), {sweeps / (double)(Days * 1440):F2} sweeps per solve on average
    cold solve at the peak (minute 566, flat start, {coldSweeps} sweeps): median {coldTimes[ColdSolves / 2]:F4} ms, best {coldTimes[0]:F4} ms
    first solve in a fresh solver of a warmed-up process: {firstSolve:F3} ms (network compile {built:F1} ms before it)
    fresh process: network and profiles loaded in {loaded:F0} ms, first solve (JIT) {firstEver:F1} ms, first full day {firstDaySeconds:F3} s
    allocated per warm solve: {allocatedPerSolve:F1} bytes
    """));
