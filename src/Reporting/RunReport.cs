using MicroMarket.Reporting.Figures;
using MicroMarket.Reporting.Html;
using MicroMarket.Reporting.Input;
using MicroMarket.RunFormat;

namespace MicroMarket.Reporting;

/// <summary>What a report wrote: report.html and the figure PNGs, as full paths.</summary>
public sealed record ReportOutput(string ReportPath, IReadOnlyList<string> FigurePaths);

/// <summary>
/// The reporting layer's entry point for a run: reads RUN_DIR, renders every figure into RUN_DIR/figures/ and
/// writes RUN_DIR/report.html. Running it again on the same run rewrites the same bytes.
/// </summary>
public static class RunReport
{
    /// <exception cref="RunFormatException">RUN_DIR or one of its files is missing or malformed.</exception>
    public static ReportOutput Write(string runDirectory) => Write(runDirectory, ReportOptions.Default);

    /// <exception cref="RunFormatException">RUN_DIR or one of its files is missing or malformed.</exception>
    /// <exception cref="ReportOptionsException">The options name a slot the run does not have.</exception>
    public static ReportOutput Write(string runDirectory, ReportOptions options)
    {
        var run = RunDataReader.Load(runDirectory);
        var figures = FigureSet.Render(run, options);
        var figurePaths = FigureSet.Write(figures, run.Directory);
        var reportPath = Path.Combine(run.Directory, RunDirectory.Report);
        File.WriteAllText(reportPath, ReportWriter.Render(run, figures), new System.Text.UTF8Encoding(false));
        return new ReportOutput(reportPath, figurePaths);
    }
}
