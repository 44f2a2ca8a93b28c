using MicroMarket.Grid.Model;
using MicroMarket.Grid.Networks;
using MicroMarket.Grid.Solve;
using MicroMarket.RunFormat;
using Xunit;

namespace MicroMarket.Grid.Tests.Networks;

/// <summary>The user feeder format: the committed example parses and solves; bad files name file, line and field.</summary>
public sealed class FeederFileTests
{
    private static readonly string ExamplePath = Path.Combine(AppContext.BaseDirectory, "Feeders", "example-10bus.feeder");
    private static readonly string Example = File.ReadAllText(ExamplePath);

    [Fact]
    public void The_example_feeder_loads_by_path_and_solves()
    {
        var network = NetworkLibrary.Load(ExamplePath);
        Assert.Equal("example-10bus", network.Name);
        Assert.Equal((11, 9, 1, 18), (network.Buses.Count, network.Lines.Count, network.Transformers.Count, network.Units.Count));
        Assert.Equal(UnitKind.Ev, network.Unit("ev9").Kind);
        Assert.Equal(Phases.Abc, network.Unit("battery1").Phases);
        Assert.Equal(355.0, network.LineCodes[0].AmpacityA);

        var solver = new PowerFlowSolver(network);
        var injections = solver.CreateInjections();
        foreach (var unit in network.Units.Where(u => u.Kind == UnitKind.Load))
        {
            injections.AddLoad(unit, 5.0, 1.6);
        }
        var result = solver.Solve(injections, PowerFlowMode.GridConnected);
        Assert.Equal(55.0 + result.LossesKw, result.SourcePowerTotalKw, 9);
        Assert.NotNull(result.LineLoading(network.LineIndex("L1")));
        Assert.InRange(result.TransformerLoading(0), 0.2, 0.3);
    }

    [Fact]
    public void A_feeder_without_transformer_is_fed_at_LV_through_its_short_circuit_impedance()
    {
        // Drop the transformer and the MV bus: a 0.416 kV source with ISC3 = 10 kA, ISC1 = 8 kA at bus B1.
        var start = Example.IndexOf("[source]", StringComparison.Ordinal);
        var end = Example.IndexOf("[buses]", StringComparison.Ordinal);
        var text = Example.Remove(start, end - start).Replace("MV,   11,         0,   0\n", "")
            + "\n[source]\nbus, voltage_kv, isc3_a, isc1_a\nB1, 0.416, 10000, 8000\n";
        var network = FeederFile.Parse("lv.feeder", text);
        Assert.Empty(network.Transformers);
        var solver = new PowerFlowSolver(network);
        var injections = solver.CreateInjections();
        injections.AddLoad(network.Unit("house1"), 10.0, 0.0); // single-phase: zero-sequence current flows through the source
        var result = solver.Solve(injections, PowerFlowMode.GridConnected);
        var b1 = network.BusIndex("B1");
        Assert.True(result.VoltageMagnitudeV(b1, Phase.A) < 416 / Math.Sqrt(3));
        Assert.Equal(result.SourcePowerTotalKw, result.ExternalGridPowerKw, 12);
        Assert.Equal(10.0 + result.LossesKw, result.SourcePowerTotalKw, 9);
    }

    [Fact]
    public void A_bad_number_names_file_line_and_field()
    {
        var text = Example.Replace("L3,   B3,       B4,     40,", "L3,   B3,       B4,     forty,");
        var e = Assert.Throws<NetworkFormatException>(() => FeederFile.Parse("my.feeder", text));
        Assert.Equal("my.feeder", e.File);
        Assert.Equal(LineOf(text, "L3,"), e.Line);
        Assert.Equal("[lines] length_m", e.Field);
        Assert.Contains("'forty' is not a number", e.Message);
    }

    [Fact]
    public void An_unknown_bus_is_reported_where_it_is_used()
    {
        var text = Example.Replace("L9,   B9,       B10,", "L9,   B9,       B11,");
        var e = Assert.Throws<NetworkFormatException>(() => FeederFile.Parse("my.feeder", text));
        Assert.Equal(LineOf(text, "L9,"), e.Line);
        Assert.Equal("[lines] to_bus", e.Field);
        Assert.Contains("unknown bus 'B11'", e.Message);
    }

    [Theory]
    [InlineData("r1_ohm_per_km, x1_ohm_per_km", "r1_ohm_per_km, xx_ohm_per_km", "[line_codes] x1_ohm_per_km", "missing column")]
    [InlineData("[source]", "[sauce]", "[sauce]", "unknown section")]
    [InlineData("house1,   B2,  A,      load,", "house1,   B2,  D,      load,", "[units] phases", "not A, B, C or ABC")]
    [InlineData("house1,   B2,  A,      load,", "house1,   B2,  A,      fridge,", "[units] kind", "is not one of")]
    [InlineData("ieee-eu-lv:1\n", "ieee-eu-lv:101\n", "[units] profile", "not a known profile")]
    [InlineData("house1,   B2,  A,      load,", "house1,   B2,  A,      4,", "[units] kind", "is not one of")]
    [InlineData("house2,", "house1,", "[units] name", "duplicate name 'house1'")]
    [InlineData("L2,   B2,", "L1,   B2,", "[lines] name", "duplicate name 'L1'")]
    public void Malformed_files_are_rejected_with_the_field(string find, string replace, string field, string problem)
    {
        var e = Assert.Throws<NetworkFormatException>(() => FeederFile.Parse("my.feeder", Example.Replace(find, replace)));
        Assert.Equal(field, e.Field);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void A_missing_section_is_named()
    {
        var start = Example.IndexOf("[source]", StringComparison.Ordinal);
        var end = Example.IndexOf("[transformers]", StringComparison.Ordinal);
        var e = Assert.Throws<NetworkFormatException>(() => FeederFile.Parse("my.feeder", Example.Remove(start, end - start)));
        Assert.Equal("[source]", e.Field);
        Assert.Contains("section is missing", e.Message);
    }

    [Fact]
    public void A_loop_is_rejected_when_the_solver_is_built()
    {
        var network = FeederFile.Parse("loop.feeder", Example.Replace("L9,   B9,       B10,    40,       4c_35", "L9,   B9,       B10,    40,       4c_35\nL10,  B10,      B5,     40,       4c_35"));
        var e = Assert.Throws<InvalidNetworkException>(() => new PowerFlowSolver(network));
        Assert.Contains("loop", e.Message);
    }

    [Fact]
    public void A_missing_file_is_a_clear_error()
    {
        var e = Assert.Throws<FileNotFoundException>(() => NetworkLibrary.Load("no-such-feeder.feeder"));
        Assert.Contains("ieee-eu-lv", e.Message);
    }

    private static int LineOf(string text, string start) =>
        text.Split('\n').Select((l, i) => (l, i)).First(x => x.l.StartsWith(start, StringComparison.Ordinal)).i + 1;
}
