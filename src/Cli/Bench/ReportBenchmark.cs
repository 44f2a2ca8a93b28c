using System.Diagnostics;
using MicroMarket.Reporting;
using MicroMarket.RunFormat;

namespace MicroMarket.Cli.Bench;

/// <summary>
/// What `bench report` measured: the synthetic run's size, the time and peak working set of writing it (issue 15's "a
/// year within 4 GiB" goes through the same writers as a run), and each report's wall time, with the peak working set
/// seen while reporting.
/// </summary>
public sealed record ReportBenchResult(int Days, int Units, long UnitRows, long OrderRows, double ParquetMegabytes, TimeSpan Writing, long WritingPeakWorkingSetBytes,
    IReadOnlyList<TimeSpan> Reports, long PeakWorkingSetBytes)
{
    public TimeSpan Mean => TimeSpan.FromTicks((long)Reports.Average(r => r.Ticks));

    public TimeSpan Min => Reports.Min();

    public TimeSpan Max => Reports.Max();
}

/// <summary>
/// `micromarket bench report`: issue 15's "the report stays under 10 s for a year". Writes a synthetic run of the
/// requested size (<see cref="SyntheticRun"/>: values of the right shape, not a simulation) as Parquet, as `run --format
/// auto` writes a year, through the run format's own writers; then times <see cref="RunReport.Write(string)"/> over it
/// with a Stopwatch, every run counted (the first pays the JIT, as a user's `micromarket report` does), and samples the
/// process's working set while it reports. The generator's buffers are collected before the first report, so the peak
/// is the report's own.
/// </summary>
public sealed class ReportBenchmark(TextWriter log)
{
    /// <summary>How often the working set is sampled during a report: often enough to catch a peak that lasts a column read.</summary>
    private static readonly TimeSpan SampleEvery = TimeSpan.FromMilliseconds(20);

    /// <summary>One EV per this many units, as the IEEE prosumers' feeder has about one per ten households.</summary>
    private const int UnitsPerEv = 10;

    public ReportBenchResult Run(int days, int units, int runs, CancellationToken cancellationToken)
    {
        var evs = units / UnitsPerEv;
        var houses = units - SyntheticRun.OtherUnits - evs;
        var scratch = Directory.CreateTempSubdirectory("micromarket-bench-report-").FullName;
        try
        {
            log.WriteLine($"bench report: writing a synthetic run of {days} days x {units} units ({houses} houses, {evs} EVs and {SyntheticRun.OtherUnits} others) as Parquet");
            var clock = Stopwatch.StartNew();
            long writingPeak;
            using (var sampler = new WorkingSetSampler(SampleEvery))
            {
                SyntheticRun.Write(scratch, days, houses, evs, format: TableFormat.Parquet);
                writingPeak = sampler.Stop();
            }
            var writing = clock.Elapsed;
            log.WriteLine($"bench report: written in {writing.TotalSeconds:0.0} s, peak working set {writingPeak / 1e9:0.00} GB");
            var unitRows = ParquetRows(scratch, RunDirectory.Units, UnitsCsv.Slot);
            var orderRows = ParquetRows(scratch, RunDirectory.Orders, OrdersCsv.Slot);
            var megabytes = RunDirectory.PerSlotTables.Sum(t => new FileInfo(Path.Combine(scratch, RunDirectory.TableFile(t, TableFormat.Parquet))).Length) / 1e6;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            var reports = new List<TimeSpan>();
            var peak = 0L;
            for (var i = 0; i < runs; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var sampler = new WorkingSetSampler(SampleEvery);
                clock.Restart();
                RunReport.Write(scratch);
                reports.Add(clock.Elapsed);
                peak = Math.Max(peak, sampler.Stop());
                log.WriteLine($"bench report: report {i + 1}/{runs}: {reports[^1].TotalSeconds:0.00} s, peak working set {peak / 1e9:0.00} GB");
            }
            return new ReportBenchResult(days, units, unitRows, orderRows, megabytes, writing, writingPeak, reports, peak);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>The rows of a per-slot Parquet table, decoding one of its columns only.</summary>
    private static long ParquetRows(string directory, string table, string column) =>
        ParquetTableReader.Open(Path.Combine(directory, RunDirectory.TableFile(table, TableFormat.Parquet)), column).Records().LongCount();

    /// <summary>The largest working set of this process seen between its start and <see cref="Stop"/>, read every <c>every</c> on a thread of its own.</summary>
    private sealed class WorkingSetSampler : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Thread _thread;
        private long _peak;

        public WorkingSetSampler(TimeSpan every)
        {
            _thread = new Thread(() =>
            {
                using var process = Process.GetCurrentProcess();
                do
                {
                    process.Refresh();
                    _peak = Math.Max(_peak, process.WorkingSet64);
                }
                while (!_stop.Token.WaitHandle.WaitOne(every));
            }) { IsBackground = true, Name = "bench report: working set" };
            _thread.Start();
        }

        public long Stop()
        {
            _stop.Cancel();
            _thread.Join();
            return _peak;
        }

        /// <summary>Stops the thread first: a report that failed must not leave it waiting on a disposed handle.</summary>
        public void Dispose()
        {
            Stop();
            _stop.Dispose();
        }
    }
}
