using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using MicroMarket.Cli.Bench;
using Spectre.Console.Cli;

namespace MicroMarket.Cli.Commands;

/// <summary>`micromarket bench market`: gas of every market operation and the client's end-to-end tx/s on a fresh Anvil.</summary>
public sealed class BenchMarketCommand : AsyncCommand<BenchMarketCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--transactions <N>")]
        [Description("participants (each signing one transaction) per throughput round; default 4000")]
        public int Transactions { get; init; } = 4000;

        [CommandOption("--rounds <R>")]
        [Description("timed throughput rounds after one warm-up round; default 5")]
        public int Rounds { get; init; } = 5;

        [CommandOption("--throughput-only")]
        [Description("skip the gas measurements")]
        public bool ThroughputOnly { get; init; }

        [CommandOption("--grown")]
        [Description("measure on a grown chain: twice RING_DAYS participant-days first (the storage a run of any length leaves), then the throughput")]
        public bool Grown { get; init; }

        [CommandOption("--json <FILE>")]
        [Description("also write the figures as JSON")]
        public string? Json { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Transactions < 2 || settings.Rounds < 1)
        {
            throw new BadInputException("bench market: --transactions must be at least 2 and --rounds at least 1");
        }
        if (settings.Grown && settings.ThroughputOnly)
        {
            throw new BadInputException("bench market: --grown and --throughput-only exclude each other (--grown measures the throughput on the grown chain)");
        }
        GlobalOptions.Info.WriteLine("micromarket bench market: starting Anvil and deploying the contracts");
        var figures = await new MarketBenchmark(GlobalOptions.Info).RunAsync(settings.Transactions, settings.Rounds, settings.ThroughputOnly, settings.Grown, cancellationToken);
        Console.Out.WriteLine($"| figure | value | unit | note |");
        Console.Out.WriteLine($"|---|---:|---|---|");
        foreach (var f in figures)
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {f.Name} | {f.Value:N0} | {f.Unit} | {f.Note} |"));
        }
        if (settings.Json is { } path)
        {
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(figures, new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
        }
        return MicroMarketApp.ExitOk;
    }
}
