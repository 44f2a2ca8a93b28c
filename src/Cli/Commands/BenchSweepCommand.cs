using System.ComponentModel;
using MicroMarket.Cli.Bench;
using Spectre.Console.Cli;

namespace MicroMarket.Cli.Commands;

/// <summary>`micromarket bench sweep [--runs N] [--repeats N]`: an experiment of N runs loaded, and its tables written over N finished runs, timed.</summary>
public sealed class BenchSweepCommand : Command<BenchSweepCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--runs <N>")]
        [Description("runs of the experiment; default 1000")]
        public int Runs { get; init; } = 1000;

        [CommandOption("--repeats <N>")]
        [Description("timed writings of the tables; default 5")]
        public int Repeats { get; init; } = 5;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Runs is < 1 or > Scenarios.Experiments.ExperimentLoader.MaxSeedCount || settings.Repeats < 1)
        {
            throw new BadInputException($"bench sweep: --runs must be 1 to {Scenarios.Experiments.ExperimentLoader.MaxSeedCount} and --repeats at least 1");
        }
        var r = new SweepBenchmark(GlobalOptions.Info).Run(settings.Runs, settings.Repeats, cancellationToken);
        Console.Out.WriteLine("| runs | experiment loaded (every scenario bound) | tables written, mean (min - max) |");
        Console.Out.WriteLine("|---:|---:|---:|");
        Console.Out.WriteLine(FormattableString.Invariant(
            $"| {r.Runs} | {r.Loading.TotalSeconds:0.00} s | {r.Mean.TotalSeconds:0.00} s ({r.Tables.Min().TotalSeconds:0.00} - {r.Tables.Max().TotalSeconds:0.00}) over {r.Tables.Count} |"));
        return MicroMarketApp.ExitOk;
    }
}
