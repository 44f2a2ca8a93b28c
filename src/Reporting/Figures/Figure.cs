namespace MicroMarket.Reporting.Figures;

/// <summary>A rendered figure: its file name under figures/, title and caption for the report, and the PNG bytes.</summary>
public sealed record Figure(string FileName, string Title, string Caption, byte[] Png);
