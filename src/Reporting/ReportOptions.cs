namespace MicroMarket.Reporting;

/// <summary>Choices for a run's report. <see cref="MeritOrderSlot"/>: the slot whose order books are drawn (default: the busiest day-ahead slot).</summary>
public sealed record ReportOptions(int? MeritOrderSlot = null)
{
    public static ReportOptions Default { get; } = new();
}

/// <summary>Report options that do not fit the run, such as a merit-order slot the run does not have.</summary>
public sealed class ReportOptionsException(string message) : Exception(message);
