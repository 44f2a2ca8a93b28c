using System.ComponentModel;
using MicroMarket.Reporting;
using MicroMarket.Reporting.Html;
using MicroMarket.RunFormat;
using Spectre.Console.Cli;

namespace MicroMarket.Cli.Commands;

/// <summary>
/// `micromarket compare RUN_A RUN_B [...] --out DIR`: one HTML page (DIR/comparison.html) with the runs' KPIs side
/// by side and their prices and bills overlaid (DIR/figures/), for comparing market designs; prints what it wrote.
/// </summary>
public sealed class CompareCommand : Command<CompareCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<RUN_DIRS>")]
        [Description("two or more run directories written by `micromarket run`, RUN_A RUN_B ...")]
        public string[] RunDirectories { get; init; } = [];

        [CommandOption("--out <DIR>")]
        [Description("the directory to write comparison.html and figures/ into (created if missing)")]
        public string? Out { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.RunDirectories.Length < 2)
        {
            throw new BadInputException($"compare: needs at least two run directories, got {settings.RunDirectories.Length}");
        }
        if (string.IsNullOrWhiteSpace(settings.Out))
        {
            throw new BadInputException("compare: --out DIR is required");
        }
        ReportOutput output;
        try
        {
            output = ComparisonWriter.Write(settings.RunDirectories, settings.Out);
        }
        catch (RunFormatException e)
        {
            throw new BadInputException($"compare: {e.Message}");
        }
        Console.Out.WriteLine(output.ReportPath);
        foreach (var figure in output.FigurePaths)
        {
            Console.Out.WriteLine(figure);
        }
        return MicroMarketApp.ExitOk;
    }
}
