using System.Text;
using MicroMarket.Reporting.Input;
using MicroMarket.RunFormat;
using Xunit;

namespace MicroMarket.Reporting.Tests;

/// <summary>
/// The per-slot tables as Parquet (issue 15, 5): the same cells as the CSV through one schema, read back by the
/// report as the CSV run, byte-deterministic, and chosen by the run's length.
/// </summary>
public sealed class ParquetTableTests
{
    private static readonly (string Table, IReadOnlyList<TableColumn> Schema)[] PerSlot =
        [(RunDirectory.Units, UnitsCsv.Schema), (RunDirectory.Slots, SlotsCsv.Schema), (RunDirectory.Orders, OrdersCsv.Schema), (RunDirectory.Transactions, TransactionsCsv.Schema)];

    [Fact]
    public void The_report_reads_a_parquet_run_as_its_csv_twin()
    {
        using var parquet = RunFixture.IslandDay();
        foreach (var (table, schema) in PerSlot)
        {
            ToParquet(parquet.Directory, table, schema);
            Assert.False(File.Exists(parquet.PathOf(table)));
        }

        var fromCsv = RunDataReader.Load(RunFixture.FixturePath("island-day"));
        var fromParquet = RunDataReader.Load(parquet.Directory);

        Assert.Equal(fromCsv.Slots, fromParquet.Slots);
        Assert.Equal(fromCsv.UnitSlots, fromParquet.UnitSlots);
        Assert.Equal(fromCsv.Orders, fromParquet.Orders);
        Assert.Equal(fromCsv.Transactions, fromParquet.Transactions);
        Assert.Equal(96 * 8, fromParquet.UnitSlots.Count);
    }

    [Fact]
    public void Every_cell_reads_back_as_the_csv_holds_it()
    {
        using var parquet = RunFixture.IslandDay();
        foreach (var (table, schema) in PerSlot)
        {
            ToParquet(parquet.Directory, table, schema);
            var held = Held(Path.Combine(RunFixture.FixturePath("island-day"), table), schema);
            var csv = CsvTableReader.Open(Path.Combine(RunFixture.FixturePath("island-day"), table)).Records().ToList();
            var back = TableReader.Open(parquet.Directory, table).Records().ToList();
            Assert.Equal(csv.Count, back.Count);
            for (var i = 0; i < csv.Count; i++)
            {
                // Doubles as numbers: the CSV prints a tiny negative as "-0", which Parquet stores as the 0 it rounds to.
                Assert.Equal(held.Select(c => Cell(csv[i], c)), held.Select(c => Cell(back[i], c)));
            }
        }
    }

    private static object? Cell(TableRecord record, TableColumn column) =>
        column.Type == CellType.Double ? record.NullableDouble(column.Name) : record.Text(column.Name);

    [Fact]
    public void The_same_rows_write_the_same_bytes_and_a_valid_parquet_file()
    {
        using var run = RunFixture.IslandDay();
        var first = Path.Combine(run.Directory, "first.parquet");
        var second = Path.Combine(run.Directory, "second.parquet");
        var rows = CsvTableReader.Open(run.PathOf(RunDirectory.Units)).Records().ToList();
        var schema = Held(run.PathOf(RunDirectory.Units), UnitsCsv.Schema);
        foreach (var path in new[] { first, second })
        {
            using var writer = new ParquetTableWriter(schema, path);
            rows.ForEach(r => writer.Add(Typed(r, schema)));
            writer.Complete();
        }

        var bytes = File.ReadAllBytes(first);
        Assert.Equal(bytes, File.ReadAllBytes(second));
        // Parquet's magic number opens and closes the file; the footer names the writer, never a time.
        Assert.Equal("PAR1", Encoding.ASCII.GetString(bytes, 0, 4));
        Assert.Equal("PAR1", Encoding.ASCII.GetString(bytes, bytes.Length - 4, 4));
    }

    /// <summary>DuckDB's own Parquet reader (as pandas' pyarrow and polars, not Parquet.Net) reads the tables with their types.</summary>
    [Fact]
    public void An_independent_reader_reads_the_tables_with_their_types()
    {
        using var run = RunFixture.IslandDay();
        var csvUnits = CsvTableReader.Open(run.PathOf(RunDirectory.Units)).Records().ToList();
        foreach (var (table, schema) in PerSlot)
        {
            ToParquet(run.Directory, table, schema);
        }
        using var duck = new DuckDB.NET.Data.DuckDBConnection("DataSource=:memory:");
        duck.Open();
        using var query = duck.CreateCommand();
        var units = run.PathOf(RunDirectory.TableFile(RunDirectory.Units, TableFormat.Parquet)).Replace("'", "''", StringComparison.Ordinal);
        query.CommandText = $"SELECT count(*), sum(trade_tokens), count(soc), min(time_utc)::VARCHAR, typeof(any_value(trade_tokens)), typeof(any_value(slot)), typeof(any_value(time_utc)) FROM '{units}'";
        using var reader = query.ExecuteReader();
        Assert.True(reader.Read());

        Assert.Equal(csvUnits.Count, Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(csvUnits.Sum(r => r.NullableDecimal(UnitsCsv.TradeTokens) ?? 0), reader.GetDecimal(1));
        Assert.Equal(csvUnits.Count(r => r.Text(UnitsCsv.StateOfCharge).Length > 0), Convert.ToInt32(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture));
        Assert.StartsWith("2026-06-14 22:00:00", reader.GetString(3), StringComparison.Ordinal);
        Assert.Equal(["DECIMAL(28,9)", "INTEGER", "TIMESTAMP WITH TIME ZONE"], new[] { reader.GetString(4), reader.GetString(5), reader.GetString(6) });
    }

    [Fact]
    public void A_parquet_table_decodes_only_the_columns_asked_for_and_says_so()
    {
        using var run = RunFixture.IslandDay();
        ToParquet(run.Directory, RunDirectory.Slots, SlotsCsv.Schema);

        var record = TableReader.Open(run.Directory, RunDirectory.Slots, SlotsCsv.Slot, SlotsCsv.DayAheadPrice).Records().First();
        Assert.Equal(0, record.Int(SlotsCsv.Slot));
        var error = Assert.Throws<RunFormatException>(() => record.Text(SlotsCsv.IntradayPrice));
        Assert.Equal("slots.parquet: no column 'id_price' (a Parquet table decodes only the columns its reader asked for)", error.Message);
        Assert.Throws<RunFormatException>(() => TableReader.Open(run.Directory, RunDirectory.Slots, "no_such_column"));
    }

    /// <summary>A run stopped before its first auction has no orders: its table is the header alone, in either format.</summary>
    [Fact]
    public void An_empty_table_writes_and_reads_back()
    {
        using var run = RunFixture.IslandDay();
        File.Delete(run.PathOf(RunDirectory.Orders));
        using (var empty = TableWriters.Create(TableFormat.Parquet, OrdersCsv.Schema, run.PathOf(RunDirectory.TableFile(RunDirectory.Orders, TableFormat.Parquet))))
        {
            empty.Complete();
        }

        Assert.Empty(TableReader.Open(run.Directory, RunDirectory.Orders, OrdersCsv.Price).Records());
    }

    private static readonly TableColumn[] Streamed =
        [new("slot", CellType.Int), new("unit", CellType.Text), new("wh", CellType.Long), new("kw", CellType.Double), new("tokens", CellType.Decimal), new("time_utc", CellType.Time)];

    /// <summary>Row <paramref name="i"/> of a table longer than two row groups: every kind of cell, some empty.</summary>
    private static object?[] StreamedRow(int i) =>
        [i, i % 7 == 0 ? null : $"unit-{i % 13}", (long)i * 1_000_003, i % 5 == 0 ? null : i / 3.0, i % 11 == 0 ? null : i / 7m,
            new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(15 * i)];

    private const int StreamedRows = 2 * ParquetTableWriter.RowGroupRows + 1_234;

    /// <summary>
    /// Issue 15: a table longer than a row group goes to its file a row group at a time, as a ".partial" file until it is
    /// complete, and reads back with every value in its row; two writes of the same rows are the same bytes, and the CSV
    /// stream writes the very bytes of the CSV held whole.
    /// </summary>
    [Fact]
    public void A_table_of_several_row_groups_streams_to_its_file_and_reads_back_in_order()
    {
        using var run = RunFixture.IslandDay();
        var paths = new[] { "first.parquet", "second.parquet" }.Select(f => Path.Combine(run.Directory, f)).ToList();
        foreach (var path in paths)
        {
            using var writer = TableWriters.Create(TableFormat.Parquet, Streamed, path);
            for (var i = 0; i < StreamedRows; i++)
            {
                writer.Add(StreamedRow(i));
                if (i == ParquetTableWriter.RowGroupRows)
                {
                    // The first row group is in the file already, and the table is not yet under its name.
                    Assert.True(new FileInfo(path + ".partial").Length > 100_000);
                    Assert.False(File.Exists(path));
                }
            }
            writer.Complete();
            Assert.False(File.Exists(path + ".partial"));
        }

        Assert.Equal(File.ReadAllBytes(paths[0]), File.ReadAllBytes(paths[1]));
        var back = ParquetTableReader.Open(paths[0], [.. Streamed.Select(c => c.Name)]).Records().ToList();
        Assert.Equal(StreamedRows, back.Count);
        for (var i = 0; i < StreamedRows; i++)
        {
            var expected = StreamedRow(i);
            Assert.Equal(expected[0], back[i].NullableInt("slot"));
            Assert.Equal((string?)expected[1] ?? "", back[i].Text("unit"));
            Assert.Equal(expected[2], back[i].NullableLong("wh"));
            Assert.Equal(expected[3] is double d ? Math.Round(d, 6, MidpointRounding.AwayFromZero) : null, back[i].NullableDouble("kw"));
            Assert.Equal(expected[4] is decimal m ? Math.Round(m, 9) : null, back[i].NullableDecimal("tokens"));
            Assert.Equal(expected[5], back[i].Time("time_utc"));
        }

        var streamedCsv = Path.Combine(run.Directory, "streamed.csv");
        var heldCsv = Path.Combine(run.Directory, "held.csv");
        var held = new CsvTableWriter([.. Streamed.Select(c => c.Name)]);
        using (var stream = TableWriters.Create(TableFormat.Csv, Streamed, streamedCsv))
        {
            for (var i = 0; i < StreamedRows; i++)
            {
                stream.Add(StreamedRow(i));
                held.Add(StreamedRow(i));
            }
            stream.Complete();
        }
        held.Write(heldCsv);
        Assert.Equal(File.ReadAllBytes(heldCsv), File.ReadAllBytes(streamedCsv));
    }

    /// <summary>A table whose writing stopped (the run failed while writing it) leaves neither a partial file nor one under its name.</summary>
    [Theory]
    [InlineData(TableFormat.Parquet)]
    [InlineData(TableFormat.Csv)]
    public void A_table_left_incomplete_leaves_no_file(TableFormat format)
    {
        using var run = RunFixture.IslandDay();
        var path = Path.Combine(run.Directory, RunDirectory.TableFile("stopped.csv", format));
        using (var writer = TableWriters.Create(format, Streamed, path))
        {
            for (var i = 0; i < ParquetTableWriter.RowGroupRows + 1; i++)
            {
                writer.Add(StreamedRow(i));
            }
        }

        Assert.False(File.Exists(path));
        Assert.False(File.Exists(path + ".partial"));
    }

    [Fact]
    public void A_directory_holding_a_table_in_both_formats_is_refused()
    {
        using var run = RunFixture.IslandDay();
        File.Copy(run.PathOf(RunDirectory.Slots), run.PathOf(RunDirectory.TableFile(RunDirectory.Slots, TableFormat.Parquet)));

        var error = Assert.Throws<RunFormatException>(() => RunDataReader.Load(run.Directory));
        Assert.Contains("both slots.csv and slots.parquet", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_run_length_picks_the_format_unless_one_is_forced()
    {
        Assert.Equal(TableFormat.Csv, TableFormatChoice.Auto.For(31));
        Assert.Equal(TableFormat.Parquet, TableFormatChoice.Auto.For(32));
        Assert.Equal(TableFormat.Parquet, TableFormatChoice.Auto.For(366));
        Assert.Equal(TableFormat.Parquet, new TableFormatChoice(ParquetAfterDays: 0).For(1));
        Assert.Equal(TableFormat.Csv, new TableFormatChoice(TableFormat.Csv).For(366));
        Assert.Equal(TableFormat.Parquet, new TableFormatChoice(TableFormat.Parquet).For(1));
        Assert.Equal("units.parquet", RunDirectory.TableFile(RunDirectory.Units, TableFormat.Parquet));
        Assert.All(RunDirectory.PerSlotTables, t => Assert.Contains(RunDirectory.TableFile(t, TableFormat.Parquet), RunDirectory.Reproducible));
    }

    /// <summary>The columns of <paramref name="schema"/> the CSV file holds (the fixture predates a few of today's).</summary>
    private static List<TableColumn> Held(string path, IReadOnlyList<TableColumn> schema)
    {
        var header = File.ReadLines(path).First().Split(',');
        return [.. schema.Where(c => header.Contains(c.Name))];
    }

    /// <summary>Rewrites a CSV table of <paramref name="directory"/> as its Parquet twin, as the run would have written it.</summary>
    private static void ToParquet(string directory, string table, IReadOnlyList<TableColumn> full)
    {
        var schema = Held(Path.Combine(directory, table), full);
        using (var writer = new ParquetTableWriter(schema, Path.Combine(directory, RunDirectory.TableFile(table, TableFormat.Parquet))))
        {
            foreach (var record in CsvTableReader.Open(Path.Combine(directory, table)).Records())
            {
                writer.Add(Typed(record, schema));
            }
            writer.Complete();
        }
        File.Delete(Path.Combine(directory, table));
    }

    private static object?[] Typed(TableRecord record, IReadOnlyList<TableColumn> schema) => [.. schema.Select(c => c.Type switch
    {
        CellType.Int => record.NullableInt(c.Name),
        CellType.Long => record.NullableLong(c.Name),
        CellType.Double => record.NullableDouble(c.Name),
        CellType.Decimal => record.NullableDecimal(c.Name),
        CellType.Bool => record.NullableBool(c.Name),
        CellType.Time => record.Text(c.Name).Length == 0 ? null : record.Time(c.Name),
        _ => record.Text(c.Name).Length == 0 ? null : (object)record.Text(c.Name),
    })];
}
