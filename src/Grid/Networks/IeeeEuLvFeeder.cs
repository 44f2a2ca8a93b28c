using System.Globalization;
using MicroMarket.Grid.Model;
using MicroMarket.RunFormat;

namespace MicroMarket.Grid.Networks;

/// <summary>
/// The IEEE European LV Test Feeder (IEEE PES DSAS Test Feeder Working Group, 2015), read from its published
/// CSVs (Data/ieee-eu-lv, see its README for sources and licence): 906 LV buses at 0.416 kV, 905 three-phase
/// cable segments, an 11/0.416 kV 800 kVA Dyn transformer, the 11 kV source (1.05 pu, ISC3 = 3000 A,
/// ISC1 = 5 A, X/R = 4 as OpenDSS defaults it) and 55 single-phase constant-PQ loads, LOAD1..LOAD55,
/// of 1 kW x household profile n at power factor 0.95 lagging.
/// </summary>
public static class IeeeEuLvFeeder
{
    public const string Name = "ieee-eu-lv";
    private const string Folder = "ieee-eu-lv/network/";

    public static Network Load()
    {
        var lineCodes = EmbeddedData.ReadCsv(Folder + "LineCodes.csv")
            .Require("Name", "R1", "X1", "R0", "X0", "Units").Rows
            .Select(r =>
            {
                if (!string.Equals(r.Text("Units"), "km", StringComparison.OrdinalIgnoreCase))
                {
                    throw r.Error("Units", "expected km");
                }
                return new LineCode(r.Text("Name"), r.Number("R1", 0), r.Number("X1"), r.Number("R0", 0), r.Number("X0"));
            })
            .ToList();

        var lines = EmbeddedData.ReadCsv(Folder + "Lines.csv")
            .Require("Name", "Bus1", "Bus2", "Phases", "Length", "Units", "LineCode").Rows
            .Select(r =>
            {
                if (r.Text("Phases") != "ABC" || r.Text("Units") != "m")
                {
                    throw r.Error("Phases", "expected three-phase (ABC) lines with lengths in m");
                }
                return new Line(r.Text("Name"), r.Text("Bus1"), r.Text("Bus2"), r.Number("Length", 0), r.Text("LineCode"));
            })
            .ToList();

        var tr = EmbeddedData.ReadCsv(Folder + "Transformer.csv")
            .Require("Name", "bus1", "bus2", "kV_pri", "kV_sec", "MVA", "Conn_pri", "Conn_sec", "%XHL", "% resistance").Rows.Single();
        if (!tr.Text("Conn_pri").Equals("Delta", StringComparison.OrdinalIgnoreCase) || !tr.Text("Conn_sec").Equals("Wye", StringComparison.OrdinalIgnoreCase))
        {
            throw tr.Error("Conn_pri", "expected a Delta / grounded-Wye transformer");
        }
        var transformer = new Transformer(tr.Text("Name"), tr.Text("bus1"), tr.Text("bus2"), tr.Number("MVA", 0) * 1000.0,
            tr.Number("kV_pri", 0), tr.Number("kV_sec", 0), tr.Number("% resistance", 0), tr.Number("%XHL", 0), PhaseShiftDeg: 30.0);

        var source = ReadSource(transformer.HvBus);

        var buses = new List<Bus> { new(source.Bus, source.NominalVoltageKv) };
        buses.AddRange(EmbeddedData.ReadCsv(Folder + "Buscoords.csv").Require("Busname", "x", "y").Rows
            .Select(r => new Bus(r.Text("Busname"), transformer.LvVoltageKv, r.Number("x"), r.Number("y"))));

        var shapes = EmbeddedData.ReadCsv(Folder + "LoadShapes.csv").Require("Name", "File", "useactual").Rows
            .ToDictionary(r => r.Text("Name"), r => ProfileName(r));
        var units = EmbeddedData.ReadCsv(Folder + "Loads.csv")
            .Require("Name", "Bus", "phases", "Model", "Connection", "kW", "PF", "Yearly").Rows
            .Select(r =>
            {
                if (r.Text("Model") != "1" || !r.Text("Connection").Equals("wye", StringComparison.OrdinalIgnoreCase))
                {
                    throw r.Error("Model", "expected constant-PQ (model 1) wye loads");
                }
                if (!PhaseExtensions.TryParse(r.Text("phases"), out var phases))
                {
                    throw r.Error("phases", $"'{r.Text("phases")}' is not a phase");
                }
                var shape = r.Text("Yearly");
                return new UnitConnection(r.Text("Name"), r.Text("Bus"), phases, UnitKind.Load, r.Number("kW", 0), r.Number("PF", 0, 1),
                    shapes.TryGetValue(shape, out var profile) ? profile : throw r.Error("Yearly", $"unknown load shape '{shape}'"));
            })
            .ToList();

        return new Network(Name, buses, lineCodes, lines, [transformer], source, units);
    }

    private static string ProfileName(CsvRow shape)
    {
        // "Load_profile_17.csv" with useactual = TRUE: the multiplier is the real kW of household profile 17.
        var file = shape.Text("File");
        const string prefix = "Load_profile_";
        if (!file.StartsWith(prefix, StringComparison.Ordinal) || !int.TryParse(file[prefix.Length..^4], CultureInfo.InvariantCulture, out var n))
        {
            throw shape.Error("File", $"unexpected profile file '{file}'");
        }
        if (!shape.Text("useactual").Equals("TRUE", StringComparison.OrdinalIgnoreCase))
        {
            throw shape.Error("useactual", "expected TRUE (multipliers in kW)");
        }
        return Profiles.LoadProfiles.ProfileName(n);
    }

    private static Source ReadSource(string bus)
    {
        // Source.csv is "key=value unit" lines, not a table.
        const string file = Folder + "Source.csv";
        var values = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        var number = 0;
        foreach (var raw in CsvRows.SplitLines(EmbeddedData.ReadText(file)))
        {
            number++;
            var line = raw.Trim();
            var eq = line.IndexOf('=');
            if (line.StartsWith('#') || line.StartsWith('[') || eq < 0)
            {
                continue;
            }
            var key = line[..eq].Trim();
            var text = line[(eq + 1)..].Trim().Split(' ')[0];
            values[key] = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                ? v
                : throw new NetworkFormatException(file, number, key, $"'{text}' is not a number");
        }
        double Get(string key) => values.TryGetValue(key, out var v) ? v : throw new NetworkFormatException(file, 0, key, "missing");
        return new Source(bus, Get("Voltage"), Get("pu"), 0.0, new ShortCircuitLevel(Get("ISC3"), Get("ISC1")));
    }
}
