using System.ComponentModel;
using System.Runtime.InteropServices;
using MicroMarket.Market.Chain;
using MicroMarket.Node;
using MicroMarket.Node.Sweep;
using MicroMarket.Scenarios;
using MicroMarket.Node.Deployment;
using Spectre.Console.Cli;

namespace MicroMarket.Cli.Commands;

/// <summary>
/// `micromarket node --role market|sim|pi --config FILE [--seed-nodes HOST:PORT[,...]]`: one node of
/// the market cluster (docs/cluster.md). The market node writes the run directory and exits with the
/// run's status; a sim or Pi node exits when the market says the run is over. `micromarket node --role worker
/// --seed-nodes HOST:PORT [--workers N]` is a node of a sweep's cluster instead (docs/experiments.md): no configuration,
/// it runs what the sweep's coordinator hands it, N at a time, until the sweep is over.
/// </summary>
public sealed class NodeCommand : AsyncCommand<NodeCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--role <ROLE>")]
        [Description("market (the clock, the chain, the run directory), sim (a share of the simulated units), pi (one unit with its relay and meter), or worker (a sweep's runs)")]
        public string Role { get; init; } = "";

        [CommandOption("--config <FILE>")]
        [Description("the deployment's node configuration (YAML; see docs/cluster.md)")]
        public string Config { get; init; } = "";

        [CommandOption("--seed-nodes <ADDRS>")]
        [Description("seed nodes as host:port[[,host:port]] (default: cluster.seed_nodes); the market node listens on its own entry")]
        public string? SeedNodes { get; init; }

        [CommandOption("--host <HOST>")]
        [Description("the address other nodes reach this one at (default 127.0.0.1)")]
        public string Host { get; init; } = "127.0.0.1";

        [CommandOption("--port <PORT>")]
        [Description("cluster port (default: the market node's seed entry; any free port for other nodes)")]
        public int Port { get; init; }

        [CommandOption("--shard <K>")]
        [Description("a sim node's share of the simulated units, 0 .. cluster.sim_nodes - 1")]
        public int Shard { get; init; }

        [CommandOption("--unit <ID>")]
        [Description("a Pi node's unit, when pi_units lists several")]
        public string? Unit { get; init; }

        [CommandOption("--force")]
        [Description("the market node writes into market.output even if it holds another scenario's run or other files")]
        public bool Force { get; init; }

        [CommandOption("--resume <RUN_DIR>")]
        [Description("the market node takes up the run it left in RUN_DIR (killed mid-run) from its checkpoint: the same chain, its tables appended to")]
        public string? Resume { get; init; }

        [CommandOption("--workers <N>")]
        [Description("a worker node's runs at a time (default: the number of cores)")]
        public int? Workers { get; init; }

        [CommandOption("--dev-keys")]
        [Description("a Pi unit on keys derived from the scenario: development chains only")]
        public bool DevKeys { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // Every role signs (the operator, the units, a Pi's meter): a platform without libsecp256k1 is told so at once,
        // not at its first key once it has joined the cluster.
        if (EthKey.CannotSignOn(RuntimeInformation.ProcessArchitecture) is { } cannot)
        {
            throw new BadInputException($"node: {cannot}");
        }
        var role = settings.Role.ToLowerInvariant() switch
        {
            "market" => NodeRole.Market,
            "sim" => NodeRole.Sim,
            "pi" => NodeRole.Pi,
            "worker" => NodeRole.Worker,
            _ => throw new BadInputException($"node: --role '{settings.Role}' is not market, sim, pi or worker"),
        };
        if (role == NodeRole.Worker)
        {
            return await RunWorkerAsync(settings, cancellationToken);
        }
        if (settings.Resume is not null && role != NodeRole.Market)
        {
            throw new BadInputException("node: --resume is the market node's (--role market): other nodes join a resumed market as they join a new one");
        }
        var config = LoadConfig(settings.Config);
        var seeds = settings.SeedNodes?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var seed in seeds ?? [])
        {
            if (!NodeConfigLoader.TryHostPort(seed, out _, out _))
            {
                throw new BadInputException($"node: --seed-nodes: '{seed}' is not host:port");
            }
        }
        var scenario = ScenarioRuns.LoadScenario(config.ScenarioPath, config.Seed);
        Simulation.Running.MarketCheckpoint? checkpoint = null;
        if (role == NodeRole.Market)
        {
            if (config.Market.Chain is { } chain)
            {
                await ScenarioRuns.CheckChainAsync(chain, $"{config.SourcePath}: market.chain");
            }
            if (settings.Resume is { } resume)
            {
                checkpoint = ScenarioRuns.Resumable(resume, scenario, config);
                config = config with { Market = config.Market with { OutputDirectory = resume } };
            }
            else
            {
                ScenarioRuns.Prepare(config.Market.OutputDirectory, scenario, settings.Force);
            }
        }
        var options = new NodeOptions(role, config.SourcePath)
        {
            SeedNodes = seeds,
            Host = settings.Host,
            Port = settings.Port,
            Shard = settings.Shard,
            Unit = settings.Unit,
            DevKeys = settings.DevKeys,
            Resume = checkpoint,
            StopCause = () => StopSignals.Current?.First,
            LogLevel = GlobalOptions.ActorLogLevel,
        };
        NodeOutcome outcome;
        try
        {
            Task<NodeOutcome> Run() => ClusterNode.RunAsync(options, config, scenario, line => Console.Error.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {line}"), TimeProvider.System, cancellationToken);
            outcome = role == NodeRole.Market ? await ScenarioRuns.InDirectoryAsync(config.Market.OutputDirectory, scenario, Run) : await Run();
        }
        catch (NodeConfigurationException ex)
        {
            throw new BadInputException($"node: {ex.Message}");
        }
        Console.Error.WriteLine($"{role.ToString().ToLowerInvariant()} node: {outcome.Summary}");
        return outcome.Run is { } run ? ScenarioRuns.Finish(run) : outcome.Succeeded ? MicroMarketApp.ExitOk : MicroMarketApp.ExitFailure;
    }

    /// <summary>A sweep's worker node: it joins the coordinator at the one seed node and runs what it is handed.</summary>
    private static async Task<int> RunWorkerAsync(Settings settings, CancellationToken cancellationToken)
    {
        if (settings.SeedNodes?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is not [var seed] || !NodeConfigLoader.TryHostPort(seed, out _, out _))
        {
            throw new BadInputException("node: --role worker: give --seed-nodes HOST:PORT, where `micromarket sweep --listen HOST:PORT` coordinates");
        }
        if (settings.Config.Length > 0)
        {
            throw new BadInputException("node: --role worker takes no --config: the sweep's coordinator hands it each run's scenario");
        }
        var slots = settings.Workers ?? Environment.ProcessorCount;
        if (slots < 1)
        {
            throw new BadInputException($"node: --workers {slots}: at least one");
        }
        var ended = await SweepCluster.WorkAsync(seed, settings.Host, settings.Port, slots, SweepRuns.InTemporaryFolderAsync,
            line => Console.Error.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {line}"), GlobalOptions.ActorLogLevel, cancellationToken);
        Console.Error.WriteLine($"worker node: {ended}");
        return ended == SweepWorker.Over ? MicroMarketApp.ExitOk : MicroMarketApp.ExitFailure;
    }

    private static NodeConfig LoadConfig(string path)
    {
        InputFiles.Require(path, "node configuration file", "node: --config ");
        try
        {
            return NodeConfigLoader.Load(path);
        }
        catch (ScenarioValidationException ex)
        {
            throw new BadInputException($"{ex.Errors.Count} error(s) in {path}; nothing was started:{Environment.NewLine}{string.Join(Environment.NewLine, ex.Errors)}");
        }
    }
}
