using System.ComponentModel;
using MicroMarket.Cli.Bench;
using Spectre.Console.Cli;

namespace MicroMarket.Cli.Commands;

/// <summary>`micromarket bench report [--days N] [--units N] [--runs N]`: writing a synthetic year, then the report's wall time and peak memory on it.</summary>
public sealed class BenchReportCommand : Command<BenchReportCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--days <N>")]
        [Description("days of the synthetic run; default 365")]
        public int Days { get; init; } = 365;

        [CommandOption("--units <N>")]
        [Description("units of the synthetic run; default 100")]
        public int Units { get; init; } = 100;

        [CommandOption("--runs <N>")]
        [Description("timed reports; default 3")]
        public int Runs { get; init; } = 3;
    }

    /// <summary>The generator's fixed units and a house.</summary>
    private const int MinUnits = SyntheticRun.OtherUnits + 1;

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Days is < 1 or > 366 || settings.Units < MinUnits || settings.Runs < 1)
        {
            throw new BadInputException($"bench report: --days must be 1 to 366, --units at least {MinUnits} and --runs at least 1");
        }
        var r = new ReportBenchmark(GlobalOptions.Info).Run(settings.Days, settings.Units, settings.Runs, cancellationToken);
        Console.Out.WriteLine(FormattableString.Invariant(
            $"synthetic run (values of the right shape, not simulated): {r.Days} days x {r.Units} units, Parquet, {r.UnitRows:N0} unit rows, {r.OrderRows:N0} order steps, {r.ParquetMegabytes:0} MB"));
        Console.Out.WriteLine(FormattableString.Invariant(
            $"written through the run's table writers in {r.Writing.TotalSeconds:0.0} s, peak working set {r.WritingPeakWorkingSetBytes / 1e9:0.00} GB"));
        Console.Out.WriteLine();
        Console.Out.WriteLine("| run | reports | report, mean (min - max) | peak working set |");
        Console.Out.WriteLine("|---|---:|---:|---:|");
        Console.Out.WriteLine(FormattableString.Invariant(
            $"| {r.Days} days x {r.Units} units | {r.Reports.Count} | {r.Mean.TotalSeconds:0.00} s ({r.Min.TotalSeconds:0.00} - {r.Max.TotalSeconds:0.00}) | {r.PeakWorkingSetBytes / 1e9:0.00} GB |"));
        return MicroMarketApp.ExitOk;
    }
}
