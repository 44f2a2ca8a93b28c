using System.ComponentModel;
using MicroMarket.Node;
using MicroMarket.Node.Pi;
using Spectre.Console.Cli;

namespace MicroMarket.Cli.Commands;

/// <summary>`micromarket keys new [--operator] --out FILE`: a fresh trading key and meter key for a unit (or the market operator's key), in a file only its owner can read. Prints the addresses, never the keys.</summary>
public sealed class KeysNewCommand : Command<KeysNewCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--out <FILE>")]
        [Description("the key file to create (refused if it exists)")]
        public string Out { get; init; } = "";

        [CommandOption("--operator")]
        [Description("the market operator's key (market.operator_key) instead of a unit's trading and meter keys")]
        public bool Operator { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Out.Length == 0)
        {
            throw new BadInputException("keys new: give --out FILE");
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
            var keys = KeyFile.Create(settings.Out);
            Console.Out.WriteLine($"trader {keys.Trader.Address}");
            Console.Out.WriteLine($"meter  {keys.Meter.Address}");
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
