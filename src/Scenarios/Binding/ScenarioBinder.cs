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
        var fileSeed = root.Integer("seed", 0, SeedBounds);
        var seed = seedOverride ?? fileSeed;
        var streams = Streams(root.Map("seeds"), seed);

        var time = TimeBinder.Bind(root.Map("time", required: true));
        var (networkChoice, network) = NetworkBinder.Bind(root.Map("network", required: true), folder);
        var market = MarketBinder.Bind(root.Map("market"));
        var mode = ModeBinder.Bind(root.Map("mode", required: true), network, market, time, folder);

        var context = new UnitContext(folder, time, network, market, streams.Behaviour);
        var units = root.Maps("units")
            .Select(map => UnitBinder.Bind(map, context) is { } spec ? new BoundUnit(spec, map, false) : null)
            .OfType<BoundUnit>()
            .Concat(PopulateBinder.Bind(root.Map("populate"), streams.Populate, context))
            .ToList();
        root.RejectUnknownKeys();
        UnitChecks.Check(root, units, mode, network);

        if (diagnostics.HasErrors || time is null || networkChoice is null || market is null || mode is null)
        {
            return null;
        }
        return new Scenario(name, description, seed, streams, time, mode, networkChoice, market, ValueList.From(units.Select(u => u.Spec)), sourcePath);
    }

    private static readonly Bounds SeedBounds = Bounds.Closed(0, int.MaxValue);

    /// <summary>
    /// The <c>seeds</c> section: a stream named there keeps its seed whatever <c>seed</c> (or <c>--seed</c>) says, so an
    /// experiment can vary one stream and hold another; a stream not named takes <paramref name="seed"/>.
    /// </summary>
    private static SeedStreams Streams(YamlMap? seeds, int seed)
    {
        if (seeds is null)
        {
            return SeedStreams.All(seed);
        }
        var values = SeedStreams.Names.Select(stream => seeds.Integer(stream, seed, SeedBounds)).ToList();
        seeds.RejectUnknownKeys();
        return new SeedStreams(values[0], values[1], values[2], values[3]);
    }

    /// <summary>Whether <paramref name="name"/> may name a run folder (a scenario's or an experiment's name).</summary>
    public static bool IsRunFolderName(string name) =>
        name.Length is > 0 and <= 64 && char.IsAsciiLetterOrDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
