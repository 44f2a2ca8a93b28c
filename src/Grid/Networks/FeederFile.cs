using MicroMarket.Grid.Model;
using MicroMarket.Grid.Profiles;
using MicroMarket.RunFormat;

namespace MicroMarket.Grid.Networks;

/// <summary>
/// Reads a user's radial feeder from one text file of CSV sections (format documented in docs/grid.md, example
/// in scenarios/feeders/). Each section starts with a "[name]" line, then a header line, then rows; '#' starts
/// a comment line. Sections: [feeder] (optional: name), [source], [transformers] (optional), [buses],
/// [line_codes], [lines], [switches] (optional), [units] (optional). Every error names file, line and field.
/// </summary>
public static class FeederFile
{
    private static readonly string[] Known = ["feeder", "source", "transformers", "buses", "line_codes", "lines", "switches", "units"];

    /// <summary>
    /// The feeder format's names of the unit kinds a connection point can hold (docs/grid.md): snake case, as the
    /// rest of the file, matched ignoring case and underscores. The upstream grid is the [source], not a unit.
    /// </summary>
    private static readonly (string Name, UnitKind Kind)[] UnitKindNames =
    [
        ("load", UnitKind.Load),
        ("flexible_load", UnitKind.FlexibleLoad),
        ("pv", UnitKind.Pv),
        ("wind", UnitKind.Wind),
        ("battery", UnitKind.Battery),
        ("electric_vehicle", UnitKind.Ev),
        ("slack", UnitKind.Slack),
    ];

    private static bool SameKindName(string name, string text) =>
        string.Equals(name.Replace("_", "", StringComparison.Ordinal), text.Replace("_", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);

    public static Network Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"feeder file '{path}' does not exist", path);
        }
        return Parse(path, File.ReadAllText(path));
    }

    /// <summary>Parses feeder text; <paramref name="file"/> is the name used in error messages.</summary>
    public static Network Parse(string file, string text)
    {
        var sections = Split(file, text);
        CsvRows Section(string name) => sections.TryGetValue(name, out var t)
            ? t
            : throw new NetworkFormatException(file, 0, $"[{name}]", "section is missing");
        CsvRows? OptionalSection(string name) => sections.GetValueOrDefault(name);

        var name = OptionalSection("feeder")?.Require("name").Rows.FirstOrDefault()?.Text("name") ?? Path.GetFileNameWithoutExtension(file);

        foreach (var table in sections.Values.Where(t => t.HasColumn("name")))
        {
            RequireUniqueNames(table);
        }

        var buses = Section("buses").Require("name", "voltage_kv").Rows
            .Select(r => new Bus(r.Text("name"), r.Number("voltage_kv", 1e-3, 1000), r.OptionalNumber("x"), r.OptionalNumber("y")))
            .ToList();
        var busNames = buses.Select(b => b.Name).ToHashSet(StringComparer.Ordinal);
        string BusRef(CsvRow r, string column)
        {
            var bus = r.Text(column);
            return busNames.Contains(bus) ? bus : throw r.Error(column, $"unknown bus '{bus}'");
        }

        var codes = Section("line_codes").Require("name", "r1_ohm_per_km", "x1_ohm_per_km", "r0_ohm_per_km", "x0_ohm_per_km").Rows
            .Select(r => new LineCode(r.Text("name"), r.Number("r1_ohm_per_km", 0), r.Number("x1_ohm_per_km"),
                r.Number("r0_ohm_per_km", 0), r.Number("x0_ohm_per_km"), r.OptionalNumber("ampacity_a", 1e-3)))
            .ToList();
        var codeNames = codes.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);

        var lines = Section("lines").Require("name", "from_bus", "to_bus", "length_m", "line_code").Rows
            .Select(r =>
            {
                var code = r.Text("line_code");
                return new Line(r.Text("name"), BusRef(r, "from_bus"), BusRef(r, "to_bus"), r.Number("length_m", 1e-3),
                    codeNames.Contains(code) ? code : throw r.Error("line_code", $"unknown line code '{code}'"));
            })
            .ToList();

        var source = Section("source").Require("bus", "voltage_kv").Rows switch
        {
            [var r] => new Source(BusRef(r, "bus"), r.Number("voltage_kv", 1e-3, 1000), r.OptionalNumber("voltage_pu", 0.5, 1.5) ?? 1.0,
                r.OptionalNumber("angle_deg", -360, 360) ?? 0.0,
                r.OptionalNumber("isc3_a", 1e-3) is { } isc3
                    ? new ShortCircuitLevel(isc3, r.OptionalNumber("isc1_a", 1e-3), r.OptionalNumber("x_over_r", 0, 1000) ?? 4.0)
                    : null),
            var rows => throw new NetworkFormatException(file, rows.Count > 0 ? rows[1].Line : 0, "[source]", "exactly one source row expected"),
        };

        var transformers = (OptionalSection("transformers")?.Require("name", "hv_bus", "lv_bus", "rated_kva", "hv_kv", "lv_kv", "r_percent", "x_percent").Rows ?? [])
            .Select(r => new Transformer(r.Text("name"), BusRef(r, "hv_bus"), BusRef(r, "lv_bus"), r.Number("rated_kva", 1e-3),
                r.Number("hv_kv", 1e-3), r.Number("lv_kv", 1e-3), r.Number("r_percent", 0, 100), r.Number("x_percent", 0, 100),
                r.OptionalNumber("phase_shift_deg", -180, 180) ?? 30.0))
            .ToList();

        var switches = (OptionalSection("switches")?.Require("name", "bus", "other_bus", "closed").Rows ?? [])
            .Select(r => new Switch(r.Text("name"), BusRef(r, "bus"), BusRef(r, "other_bus"), r.Flag("closed")))
            .ToList();

        var units = (OptionalSection("units")?.Require("name", "bus", "phases", "kind").Rows ?? [])
            .Select(r => ReadUnit(r, BusRef(r, "bus")))
            .ToList();

        try
        {
            return new Network(name, buses, codes, lines, transformers, source, units, switches);
        }
        catch (InvalidNetworkException e)
        {
            throw new NetworkFormatException(file, 0, "network", e.Message);
        }
    }

    private static void RequireUniqueNames(CsvRows table)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in table.Rows)
        {
            var name = row.Text("name");
            if (!seen.Add(name))
            {
                throw row.Error("name", $"duplicate name '{name}'");
            }
        }
    }

    private static UnitConnection ReadUnit(CsvRow r, string bus)
    {
        if (!PhaseExtensions.TryParse(r.Text("phases"), out var phases))
        {
            throw r.Error("phases", $"'{r.Text("phases")}' is not A, B, C or ABC");
        }
        var kindText = r.Text("kind");
        var kind = Array.FindIndex(UnitKindNames, k => SameKindName(k.Name, kindText)) is var found and >= 0
            ? UnitKindNames[found].Kind
            : throw r.Error("kind", $"'{kindText}' is not one of {string.Join(", ", UnitKindNames.Select(k => k.Name))}");
        var profile = r.Optional("profile");
        if (profile is not null && !LoadProfiles.TryParseProfileName(profile, out _))
        {
            throw r.Error("profile", $"'{profile}' is not a known profile (use ieee-eu-lv:1 .. ieee-eu-lv:{LoadProfiles.Count})");
        }
        return new UnitConnection(r.Text("name"), bus, phases, kind, r.OptionalNumber("rated_kw", 0) ?? 0.0,
            r.OptionalNumber("power_factor", 1e-3, 1) ?? 1.0, profile);
    }

    private static Dictionary<string, CsvRows> Split(string file, string text)
    {
        var sections = new Dictionary<string, CsvRows>(StringComparer.OrdinalIgnoreCase);
        string? current = null;
        var currentLine = 0;
        var body = new List<(int, string)>();
        void Close()
        {
            if (current is not null)
            {
                sections[current] = CsvRows.FromLines(file, $"[{current}] ", body, currentLine);
            }
            body = [];
        }
        var number = 0;
        foreach (var raw in CsvRows.SplitLines(text))
        {
            number++;
            var line = raw.Trim();
            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                Close();
                current = line[1..^1].Trim().ToLowerInvariant();
                currentLine = number;
                if (!Known.Contains(current))
                {
                    throw new NetworkFormatException(file, number, line, $"unknown section (known: {string.Join(", ", Known.Select(k => $"[{k}]"))})");
                }
                if (sections.ContainsKey(current))
                {
                    throw new NetworkFormatException(file, number, line, "section appears twice");
                }
                continue;
            }
            if (current is null)
            {
                if (line.Length > 0 && !line.StartsWith('#'))
                {
                    throw new NetworkFormatException(file, number, "section", "data before the first [section] line");
                }
                continue;
            }
            body.Add((number, raw));
        }
        Close();
        return sections;
    }
}
