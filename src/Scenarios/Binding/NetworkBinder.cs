using MicroMarket.Grid.Model;
using MicroMarket.Grid.Networks;
using MicroMarket.Grid.Solve;
using MicroMarket.Scenarios.Model;
using MicroMarket.Scenarios.Yaml;

namespace MicroMarket.Scenarios.Binding;

/// <summary>Binds <c>network</c>: a built-in network by name or a feeder file, and loads it for the checks that follow.</summary>
internal static class NetworkBinder
{
    /// <summary>Buses above this line-to-line voltage are the transformer's MV side, where no unit connects.</summary>
    public const double LowVoltageLimitKv = 1.0;

    /// <summary>The choice as written and the loaded network; the network is null when it could not be loaded (reported).</summary>
    public static (NetworkChoice? Choice, Network? Network) Bind(YamlMap? network, string folder)
    {
        if (network is null)
        {
            return (null, null);
        }
        var key = network.OneOf("name", "file");
        NetworkChoice? choice = null;
        if (key == "name")
        {
            var name = network.Text("name");
            if (network.AllValid("name") && !NetworkLibrary.BuiltInNames.Contains(name))
            {
                network.Error("name", $"expected one of {string.Join(", ", NetworkLibrary.BuiltInNames)}, found '{name}'{Suggestion.DidYouMean(name, NetworkLibrary.BuiltInNames)} (or give a feeder file with 'file')");
            }
            choice = new NetworkChoice(name, null);
        }
        else if (key == "file")
        {
            choice = new NetworkChoice(null, UnitContext.ExistingFile(network, "file", folder));
        }
        network.RejectUnknownKeys();
        if (choice is null || !network.AllValid("name", "file"))
        {
            return (choice, null);
        }
        try
        {
            var loaded = NetworkLibrary.Load(choice.NameOrPath);
            // Compiling a solver checks what loading does not: a radial tree, every bus reached from the source.
            _ = new PowerFlowSolver(loaded);
            return (choice, loaded);
        }
        catch (Exception e) when (e is NetworkFormatException or InvalidNetworkException or IOException)
        {
            network.Error(key!, $"the network does not load: {e.Message}");
            return (choice, null);
        }
    }
}
