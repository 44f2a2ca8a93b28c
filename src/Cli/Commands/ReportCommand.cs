using System.ComponentModel;
using System.Globalization;
using MicroMarket.Reporting;
using MicroMarket.RunFormat;
using Spectre.Console.Cli;

namespace MicroMarket.Cli.Commands;

/// <summary>
/// `micromarket report RUN_DIR [--slot N]`: (re)draws a run's figures into RUN_DIR/figures/ and writes
/// RUN_DIR/report.html from the run's tables; prints what it wrote. A missing or malformed run directory is bad input.
/// </summary>
public sealed class ReportCommand : Command<ReportCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<RUN_DIR>")]
        [Description("a run directory written by `micromarket run`")]
        public string RunDirectory { get; init; } = "";

        [CommandOption("--slot <N>")]
        [Description("the slot whose day-ahead and intra-day order books are drawn (default: the busiest day-ahead slot)")]
        public string? Slot { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        int? slot = null;
        if (settings.Slot is { } text)
        {
            slot = int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0
                ? n
                : throw new BadInputException($"report: --slot '{text}' is not a slot number (0, 1, ...)");
        }
        ReportOutput output;
        try
        {
            output = RunReport.Write(settings.RunDirectory, new ReportOptions(slot));
        }
        catch (RunFormatException e)
        {
            throw new BadInputException($"report: {e.Message}");
        }
        catch (ReportOptionsException e)
        {
            throw new BadInputException($"report: --slot {slot}: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"report: cannot write the report into {settings.RunDirectory} ({e.Message}): copy the run directory somewhere you can write to");
        }
        Console.Out.WriteLine(output.ReportPath);
        foreach (var file in output.TablePaths.Concat(output.FigurePaths))
        {
            Console.Out.WriteLine(file);
        }
        return MicroMarketApp.ExitOk;
    }
}
