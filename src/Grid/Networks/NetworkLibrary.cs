using MicroMarket.Grid.Model;

namespace MicroMarket.Grid.Networks;

/// <summary>Loads a network by its built-in name or from a user's feeder file.</summary>
public static class NetworkLibrary
{
    /// <summary>The built-in networks: "ieee-eu-lv" and "cigre-lv".</summary>
    public static IReadOnlyList<string> BuiltInNames { get; } = [IeeeEuLvFeeder.Name, CigreLvNetwork.Name];

    /// <summary>
    /// A built-in network by name, otherwise the feeder file at <paramref name="nameOrPath"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">neither a built-in name nor an existing file.</exception>
    /// <exception cref="NetworkFormatException">the file is malformed (the message names file, line and field).</exception>
    public static Network Load(string nameOrPath) => nameOrPath switch
    {
        IeeeEuLvFeeder.Name => IeeeEuLv.Value,
        CigreLvNetwork.Name => CigreLv.Value,
        _ when File.Exists(nameOrPath) => FeederFile.Load(nameOrPath),
        _ => throw new FileNotFoundException(
            $"'{nameOrPath}' is neither a built-in network ({string.Join(", ", BuiltInNames)}) nor an existing feeder file", nameOrPath),
    };

    // Networks are immutable, so each built-in one is parsed once per process.
    private static readonly Lazy<Network> IeeeEuLv = new(IeeeEuLvFeeder.Load);
    private static readonly Lazy<Network> CigreLv = new(CigreLvNetwork.Load);
}
