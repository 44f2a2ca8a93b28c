using System.ComponentModel;
using MicroMarket.Reporting;
using MicroMarket.Reporting.Figures;
using MicroMarket.Reporting.Html;
using MicroMarket.Reporting.Input;
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

        [CommandOption("--force")]
        [Description("write into --out even if it holds other files (a run directory, say): only the comparison's own files are replaced")]
        public bool Force { get; init; }
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
            // The inputs first: a wrong run directory is named before the output is looked at.
            foreach (var run in settings.RunDirectories)
            {
                RunDataReader.RequireDirectory(run);
            }
            Claim(settings.Out, settings.Force);
            output = ComparisonWriter.Write(settings.RunDirectories, settings.Out);
        }
        catch (RunFormatException e)
        {
            throw new BadInputException($"compare: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"compare: --out {settings.Out}: cannot write there ({e.Message}): choose a directory you can write to");
        }
        Console.Out.WriteLine(output.ReportPath);
        foreach (var file in output.TablePaths.Concat(output.FigurePaths))
        {
            Console.Out.WriteLine(file);
        }
        return MicroMarketApp.ExitOk;
    }

    /// <summary>
    /// An --out that is missing, empty or an earlier comparison is the comparison's; anything else (a run directory,
    /// other files) only with --force, and then only the comparison's own files are replaced. The user is told which.
    /// </summary>
    private static void Claim(string directory, bool force)
    {
        if (File.Exists(directory))
        {
            throw new BadInputException($"compare: --out {directory}: is a file, not a directory: choose a directory");
        }
        if (!Directory.Exists(directory) || !Directory.EnumerateFileSystemEntries(directory).Any())
        {
            return;
        }
        string[] own = [ComparisonWriter.FileName, RunDirectory.Figures];
        var others = Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).Where(e => !own.Contains(e)).ToList();
        var figures = Path.Combine(directory, RunDirectory.Figures);
        var earlierComparison = File.Exists(Path.Combine(directory, ComparisonWriter.FileName)) && others.Count == 0
            && (!Directory.Exists(figures) || Directory.EnumerateFileSystemEntries(figures).All(f => ComparisonFigures.FileNames.Contains(Path.GetFileName(f))));
        if (earlierComparison)
        {
            Console.Error.WriteLine($"micromarket: replacing the earlier comparison in {directory}");
            return;
        }
        var what = File.Exists(Path.Combine(directory, RunDirectory.Summary)) || File.Exists(Path.Combine(directory, RunDirectory.ResolvedScenario))
            ? "is a run directory" : "holds other files";
        if (!force)
        {
            throw new BadInputException($"compare: --out {directory}: {what}; choose an empty directory, or add --force to write the comparison beside them");
        }
        Console.Error.WriteLine($"micromarket: --force: writing the comparison into {directory}, which {what}; only {ComparisonWriter.FileName} and {RunDirectory.Figures}/{string.Join(", ", ComparisonFigures.FileNames)} are replaced");
    }
}
