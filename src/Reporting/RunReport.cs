using MicroMarket.Reporting.Figures;
using MicroMarket.Reporting.Html;
using MicroMarket.Reporting.Input;
using MicroMarket.Reporting.Monthly;
using MicroMarket.RunFormat;

namespace MicroMarket.Reporting;

/// <summary>What a report wrote, as full paths: its page, its tables (a run's monthly.csv) and its figure PNGs.</summary>
public sealed record ReportOutput(string ReportPath, IReadOnlyList<string> TablePaths, IReadOnlyList<string> FigurePaths);

/// <summary>
/// The reporting layer's entry point for a run: reads RUN_DIR, renders every figure into RUN_DIR/figures/, writes the
/// KPIs per month as RUN_DIR/monthly.csv and the page as RUN_DIR/report.html. Running it again on the same run rewrites
/// the same bytes.
/// </summary>
public static class RunReport
{
    /// <exception cref="RunFormatException">RUN_DIR or one of its files is missing or malformed.</exception>
    public static ReportOutput Write(string runDirectory) => Write(runDirectory, ReportOptions.Default);

    /// <exception cref="RunFormatException">RUN_DIR or one of its files is missing or malformed, or the run delivered no slot.</exception>
    /// <exception cref="ReportOptionsException">The options name a slot the run does not have.</exception>
    public static ReportOutput Write(string runDirectory, ReportOptions options)
    {
        var run = RunDataReader.Load(runDirectory, options.MeritOrderSlot);
        if (run.Slots.Count == 0)
        {
            // A run that failed or was stopped before its first slot ended: its tables are headers only.
            throw new RunFormatException($"{run.Directory}: the run delivered no slot, so there is nothing to draw");
        }
        var figures = FigureSet.Render(run);
        var figurePaths = FigureSet.Write(figures, run.Directory);
        var months = MonthlySummary.Rows(run);
        var monthlyPath = MonthlySummary.Write(months, run.Directory);
        var reportPath = Path.Combine(run.Directory, RunDirectory.Report);
        File.WriteAllText(reportPath, ReportWriter.Render(run, months, figures), new System.Text.UTF8Encoding(false));
        return new ReportOutput(reportPath, [monthlyPath], figurePaths);
    }
}
