using MicroMarket.Scenarios.Model;
using MicroMarket.Scenarios.Yaml;
using YamlDotNet.RepresentationModel;

namespace MicroMarket.Scenarios.Binding;

/// <summary>
/// Binds the whole file: the sections in dependency order (time, network, market, mode; then units, which need
/// all four; then populate), then the checks across units.
/// </summary>
internal static class ScenarioBinder
{
    /// <summary>The scenario, or null when anything was reported to <paramref name="diagnostics"/>.</summary>
    public static Scenario? Bind(YamlMappingNode document, string sourcePath, int? seedOverride, Diagnostics diagnostics)
    {
        var root = YamlMap.Root(document, diagnostics);
        var folder = Path.GetDirectoryName(sourcePath) ?? ".";
        var name = root.Text("name", Path.GetFileNameWithoutExtension(sourcePath));
        if (root.AllValid("name") && !IsRunFolderName(name))
        {
            root.Error("name", $"'{name}' names the run folders: use up to 64 letters, digits, '-', '_' and '.', starting with a letter or digit");
        }
        var description = root.OptionalText("description");
        var fileSeed = root.Integer("seed", 0, Bounds.Closed(0, int.MaxValue));
        var seed = seedOverride ?? fileSeed;

        var time = TimeBinder.Bind(root.Map("time", required: true));
        var (networkChoice, network) = NetworkBinder.Bind(root.Map("network", required: true), folder);
        var market = MarketBinder.Bind(root.Map("market"));
        var mode = ModeBinder.Bind(root.Map("mode", required: true), network, market, time, folder);

        var context = new UnitContext(folder, time, network, market, seed);
        var units = root.Maps("units")
            .Select(map => UnitBinder.Bind(map, context) is { } spec ? new BoundUnit(spec, map, false) : null)
            .OfType<BoundUnit>()
            .Concat(PopulateBinder.Bind(root.Map("populate"), seed, context))
            .ToList();
        root.RejectUnknownKeys();
        UnitChecks.Check(root, units, mode, network);

        if (diagnostics.HasErrors || time is null || networkChoice is null || market is null || mode is null)
        {
            return null;
        }
        return new Scenario(name, description, seed, time, mode, networkChoice, market, ValueList.From(units.Select(u => u.Spec)), sourcePath);
    }

    private static bool IsRunFolderName(string name) =>
        name.Length is > 0 and <= 64 && char.IsAsciiLetterOrDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
