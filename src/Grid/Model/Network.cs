namespace MicroMarket.Grid.Model;

/// <summary>
/// A feeder as element tables (the pandapower "net"): buses, line codes, lines, switches, transformers, the
/// source and the unit connection points. Immutable and validated on construction; the solver compiles it to
/// arrays once (<see cref="Solve.PowerFlowSolver"/>). Load one with <see cref="Networks.NetworkLibrary"/>.
/// </summary>
public sealed class Network
{
    private readonly Dictionary<string, int> _busIndex;
    private readonly Dictionary<string, int> _lineIndex;
    private readonly Dictionary<string, int> _unitIndex;
    private readonly Dictionary<string, int> _codeIndex;

    public Network(
        string name,
        IReadOnlyList<Bus> buses,
        IReadOnlyList<LineCode> lineCodes,
        IReadOnlyList<Line> lines,
        IReadOnlyList<Transformer> transformers,
        Source source,
        IReadOnlyList<UnitConnection> units,
        IReadOnlyList<Switch>? switches = null)
    {
        Name = name;
        Buses = buses;
        LineCodes = lineCodes;
        Lines = lines;
        Transformers = transformers;
        Source = source;
        Units = units;
        Switches = switches ?? [];

        _busIndex = IndexByName(buses, b => b.Name, "bus");
        _lineIndex = IndexByName(lines, l => l.Name, "line");
        _unitIndex = IndexByName(units, u => u.Name, "unit");
        _codeIndex = IndexByName(lineCodes, c => c.Name, "line code");
        Validate();
    }

    public string Name { get; }
    public IReadOnlyList<Bus> Buses { get; }
    public IReadOnlyList<LineCode> LineCodes { get; }
    public IReadOnlyList<Line> Lines { get; }
    public IReadOnlyList<Switch> Switches { get; }
    public IReadOnlyList<Transformer> Transformers { get; }
    public Source Source { get; }
    public IReadOnlyList<UnitConnection> Units { get; }

    /// <summary>Index of a bus in <see cref="Buses"/>; throws <see cref="KeyNotFoundException"/> naming the bus.</summary>
    public int BusIndex(string name) =>
        _busIndex.TryGetValue(name, out var i) ? i : throw new KeyNotFoundException($"network '{Name}' has no bus '{name}'");

    public bool TryGetBusIndex(string name, out int index) => _busIndex.TryGetValue(name, out index);

    /// <summary>Index of a line in <see cref="Lines"/>.</summary>
    public int LineIndex(string name) =>
        _lineIndex.TryGetValue(name, out var i) ? i : throw new KeyNotFoundException($"network '{Name}' has no line '{name}'");

    /// <summary>A unit connection point by name.</summary>
    public UnitConnection Unit(string name) =>
        _unitIndex.TryGetValue(name, out var i) ? Units[i] : throw new KeyNotFoundException($"network '{Name}' has no unit '{name}'");

    /// <summary>The line code a line is built from.</summary>
    public LineCode LineCodeOf(Line line) => LineCodes[_codeIndex[line.LineCode]];

    private static Dictionary<string, int> IndexByName<T>(IReadOnlyList<T> items, Func<T, string> name, string what)
    {
        var index = new Dictionary<string, int>(items.Count, StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            if (!index.TryAdd(name(items[i]), i))
            {
                throw new InvalidNetworkException($"duplicate {what} name '{name(items[i])}'");
            }
        }
        return index;
    }

    private void Validate()
    {
        foreach (var bus in Buses)
        {
            Require(bus.NominalVoltageKv > 0, $"bus '{bus.Name}': nominal voltage must be > 0 kV");
        }
        foreach (var code in LineCodes)
        {
            Require(code.R1OhmPerKm >= 0 && code.R0OhmPerKm >= 0, $"line code '{code.Name}': resistances must be >= 0");
            Require(code.R1OhmPerKm + Math.Abs(code.X1OhmPerKm) > 0, $"line code '{code.Name}': Z1 must not be zero");
            Require(code.AmpacityA is null or > 0, $"line code '{code.Name}': ampacity must be > 0 A");
        }
        foreach (var line in Lines)
        {
            RequireBus(line.FromBus, $"line '{line.Name}'");
            RequireBus(line.ToBus, $"line '{line.Name}'");
            Require(line.FromBus != line.ToBus, $"line '{line.Name}' connects bus '{line.FromBus}' to itself");
            Require(line.LengthM > 0, $"line '{line.Name}': length must be > 0 m");
            Require(_codeIndex.ContainsKey(line.LineCode), $"line '{line.Name}': unknown line code '{line.LineCode}'");
        }
        foreach (var sw in Switches)
        {
            RequireBus(sw.Bus, $"switch '{sw.Name}'");
            RequireBus(sw.OtherBus, $"switch '{sw.Name}'");
        }
        foreach (var t in Transformers)
        {
            RequireBus(t.HvBus, $"transformer '{t.Name}'");
            RequireBus(t.LvBus, $"transformer '{t.Name}'");
            Require(t.RatedKva > 0 && t.HvVoltageKv > 0 && t.LvVoltageKv > 0, $"transformer '{t.Name}': rating and voltages must be > 0");
            Require(t.ResistancePercent >= 0 && t.ReactancePercent >= 0 && t.ResistancePercent + t.ReactancePercent > 0,
                $"transformer '{t.Name}': impedance must be > 0 %");
        }
        RequireBus(Source.Bus, "source");
        Require(Source.NominalVoltageKv > 0 && Source.VoltagePu > 0, "source: voltage must be > 0");
        Require(Source.ShortCircuit is null || Source.ShortCircuit.ThreePhaseCurrentA > 0, "source: ISC3 must be > 0 A");
        foreach (var u in Units)
        {
            RequireBus(u.Bus, $"unit '{u.Name}'");
            Require(u.Phases.Count() is 1 or 3, $"unit '{u.Name}': connect to one phase or to all three");
            Require(u.PowerFactor is > 0 and <= 1, $"unit '{u.Name}': power factor must be in (0, 1]");
        }
    }

    private void RequireBus(string bus, string where) =>
        Require(_busIndex.ContainsKey(bus), $"{where}: unknown bus '{bus}'");

    private static void Require(bool ok, string message)
    {
        if (!ok)
        {
            throw new InvalidNetworkException(message);
        }
    }
}

/// <summary>A network whose tables are inconsistent or out of range; the message names the element.</summary>
public sealed class InvalidNetworkException(string message) : Exception(message);
