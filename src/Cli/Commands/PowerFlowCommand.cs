using System.ComponentModel;
using System.Text.Json;
using MicroMarket.Grid.Model;
using MicroMarket.Grid.Networks;
using MicroMarket.Grid.Profiles;
using MicroMarket.Grid.Solve;
using Spectre.Console.Cli;

namespace MicroMarket.Cli.Commands;

/// <summary>
/// `micromarket powerflow NETWORK --minute M [--json]`: one three-phase power flow of a feeder with its load units at
/// minute M (constant PQ at each unit's power factor; a unit with a profile draws rated kW x profile[M], one without
/// draws its rated kW). Voltages are line-to-neutral over all LV node-phases; the substation is the transformer
/// secondary; losses_kw are the LV lines' series losses, so the substation P equals the loads plus losses_kw.
/// </summary>
public sealed class PowerFlowCommand : Command<PowerFlowCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<NETWORK>")]
        [Description("ieee-eu-lv, cigre-lv, or the path of a feeder file (see docs/grid.md)")]
        public string Network { get; init; } = "";

        [CommandOption("--minute <M>")]
        [Description("minute of the day, 1..1440 (1 = 00:00-00:01), selecting each load's profile value")]
        public string? Minute { get; init; }

        [CommandOption("--json")]
        [Description("print one JSON object instead of a table")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        // Parsed here rather than by Spectre so that a bad value gets a message naming the option and its range.
        if (settings.Minute is not { } text)
        {
            throw new BadInputException("powerflow: --minute M is required (1..1440)");
        }
        if (!int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var minute)
            || minute is < 1 or > LoadProfiles.MinutesPerDay)
        {
            throw new BadInputException($"powerflow: --minute '{text}' is not a whole minute in 1..{LoadProfiles.MinutesPerDay}");
        }
        var (network, solver) = LoadNetwork(settings.Network);
        var injections = solver.CreateInjections();
        ProfiledLoads.Apply(injections, minute);

        Grid.Results.PowerFlowResult result;
        try
        {
            result = solver.Solve(injections, PowerFlowMode.GridConnected);
        }
        catch (PowerFlowNotConvergedException e)
        {
            Console.Error.WriteLine($"micromarket: {network.Name} at minute {minute}: {e.Message}");
            return MicroMarketApp.ExitFailure;
        }

        if (settings.Json)
        {
            WriteJson(Console.Out, minute, result);
        }
        else
        {
            WriteTable(Console.Out, network, minute, result);
        }
        return MicroMarketApp.ExitOk;
    }

    private static (Network, PowerFlowSolver) LoadNetwork(string nameOrPath)
    {
        try
        {
            // Building the solver checks the topology (radial, connected), so its errors are the user's too.
            var network = NetworkLibrary.Load(nameOrPath);
            return (network, new PowerFlowSolver(network));
        }
        catch (Exception e) when (e is FileNotFoundException or NetworkFormatException or InvalidNetworkException or IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"powerflow: {e.Message}");
        }
    }

    private static void WriteJson(TextWriter output, int minute, Grid.Results.PowerFlowResult result)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("minute", minute);
            json.WriteBoolean("converged", result.Converged);
            json.WriteNumber("iterations", result.Iterations);
            json.WriteStartObject("phases");
            foreach (var phase in Phases())
            {
                var (min, max) = result.VoltageRangeV(phase);
                json.WriteStartObject(phase.Letter());
                json.WriteNumber("vmin", min);
                json.WriteNumber("vmax", max);
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteStartObject("substation");
            json.WriteStartObject("p_kw");
            foreach (var phase in Phases())
            {
                json.WriteNumber(phase.Letter(), result.SourcePowerKw(phase));
            }
            json.WriteEndObject();
            json.WriteStartObject("q_kvar");
            foreach (var phase in Phases())
            {
                json.WriteNumber(phase.Letter(), result.SourceReactivePowerKvar(phase));
            }
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteNumber("losses_kw", result.LossesKw);
            json.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void WriteTable(TextWriter output, Network network, int minute, Grid.Results.PowerFlowResult result)
    {
        output.WriteLine(FormattableString.Invariant($"{network.Name}, minute {minute}: converged in {result.Iterations} sweeps"));
        output.WriteLine("phase   Vmin (V)   Vmax (V)   substation P (kW)   Q (kvar)");
        foreach (var phase in Phases())
        {
            var (min, max) = result.VoltageRangeV(phase);
            output.WriteLine(FormattableString.Invariant($"{phase.Letter(),-5} {min,10:F3} {max,10:F3} {result.SourcePowerKw(phase),19:F4} {result.SourceReactivePowerKvar(phase),10:F4}"));
        }
        output.WriteLine(FormattableString.Invariant($"total substation {result.SourcePowerTotalKw:F4} kW / {result.SourceReactivePowerTotalKvar:F4} kvar; line losses {result.LossesKw:F4} kW; transformer losses {result.TransformerLossesKw:F4} kW"));
    }

    private static IEnumerable<Phase> Phases() => [Phase.A, Phase.B, Phase.C];
}
