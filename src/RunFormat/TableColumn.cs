namespace MicroMarket.RunFormat;

/// <summary>What a column holds: the CSV prints every kind as text, Parquet stores each as its own type.</summary>
public enum CellType
{
    /// <summary>A 32-bit whole number (slots, indices, counts).</summary>
    Int,

    /// <summary>A 64-bit whole number (energies in Wh, gas, order ids).</summary>
    Long,

    /// <summary>A double (energies in kWh, powers, ratios), to 1e-6 in either format.</summary>
    Double,

    /// <summary>Money and prices: an exact decimal to the nano-token (Parquet DECIMAL(28, 9)), so sums stay exact.</summary>
    Decimal,
    Text,
    Bool,

    /// <summary>A UTC instant: ISO text in the CSV, a UTC-adjusted millisecond timestamp in Parquet.</summary>
    Time,
}

/// <summary>One column of a run table: its name and what it holds. Every cell may be empty ("not applicable").</summary>
public sealed record TableColumn(string Name, CellType Type);

/// <summary>The two encodings of the per-slot tables (README, "The run directory").</summary>
public enum TableFormat
{
    Csv,
    Parquet,
}

/// <summary>
/// Which encoding a run writes its per-slot tables in: the one forced (<c>run --format csv|parquet</c>), or, left to
/// the run (<c>auto</c>), Parquet once the run is longer than <paramref name="ParquetAfterDays"/> days, where a year's
/// units.csv would be hundreds of MB.
/// </summary>
public sealed record TableFormatChoice(TableFormat? Forced = null, int ParquetAfterDays = TableFormatChoice.DefaultParquetAfterDays)
{
    /// <summary>A month's CSV stays a few tens of MB; beyond it Parquet.</summary>
    public const int DefaultParquetAfterDays = 31;

    public static TableFormatChoice Auto { get; } = new();

    public TableFormat For(int days) => Forced ?? (days > ParquetAfterDays ? TableFormat.Parquet : TableFormat.Csv);
}
