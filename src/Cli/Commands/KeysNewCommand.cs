using System.ComponentModel;
using MicroMarket.Node;
using MicroMarket.Node.Pi;
using Spectre.Console.Cli;

namespace MicroMarket.Cli.Commands;

/// <summary>
/// `micromarket keys new [--meter | --operator] --out FILE`: a fresh key in a file only its owner can
/// read: a unit's trading key, its meter's key (a file of its own, for the metering side alone), or
/// the market operator's key. Prints the address, never the key.
/// </summary>
public sealed class KeysNewCommand : Command<KeysNewCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--out <FILE>")]
        [Description("the key file to create (refused if it exists)")]
        public string Out { get; init; } = "";

        [CommandOption("--meter")]
        [Description("a unit's meter key (pi_units[[]].meter_key) instead of its trading key (pi_units[[]].keys)")]
        public bool Meter { get; init; }

        [CommandOption("--operator")]
        [Description("the market operator's key (market.operator_key) instead of a unit's trading key")]
        public bool Operator { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Out.Length == 0)
        {
            throw new BadInputException("keys new: give --out FILE");
        }
        if (settings.Meter && settings.Operator)
        {
            throw new BadInputException("keys new: --meter and --operator exclude each other: one key per file");
        }
        if (File.Exists(settings.Out))
        {
            throw new BadInputException($"keys new: {settings.Out} exists; keys are never overwritten");
        }
        try
        {
            if (settings.Operator)
            {
                Console.Out.WriteLine($"operator {KeyFile.CreateOperator(settings.Out).Address}");
                return MicroMarketApp.ExitOk;
            }
            Console.Out.WriteLine(settings.Meter ? $"meter {KeyFile.CreateMeter(settings.Out).Address}" : $"trader {KeyFile.CreateTrader(settings.Out).Address}");
            return MicroMarketApp.ExitOk;
        }
        catch (NodeConfigurationException ex)
        {
            throw new BadInputException($"keys new: {ex.Message}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"keys new: cannot write {settings.Out}: {ex.Message}");
        }
    }
}
