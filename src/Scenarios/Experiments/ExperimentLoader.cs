using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Binding;
using MicroMarket.Scenarios.Model;
using MicroMarket.Scenarios.Yaml;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MicroMarket.Scenarios.Experiments;

/// <summary>
/// Loads experiment files (format: docs/experiments.md; editor schema: scenarios/experiment.schema.json): reads and
/// checks the file, expands its levels and seeds into runs, and binds every run's scenario as <c>run</c> would, so a
/// value that a level gives and the scenario rejects is found before anything runs. Every error is reported at once,
/// located in the experiment file where it comes from the experiment, in the scenario file otherwise.
/// </summary>
public static class ExperimentLoader
{
    /// <summary>The most runs one experiment expands to: a typo in a seed count should not plan a year of work.</summary>
    public const int MaxRuns = 10_000;

    /// <summary>The most seeds a count asks for, per stream.</summary>
    public const int MaxSeedCount = 1_000;

    /// <summary>The keys of <c>seeds:</c>: the scenario's seed, then its streams.</summary>
    public static IReadOnlyList<string> SeedKeys { get; } = ["seed", .. SeedStreams.Names];

    /// <exception cref="FileNotFoundException">there is no file at <paramref name="path"/>.</exception>
    /// <exception cref="ScenarioValidationException">the experiment or a run's scenario has errors: all of them.</exception>
    public static Experiment Load(string path)
    {
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"experiment file '{fullPath}' does not exist", fullPath);
        }
        var diagnostics = new Diagnostics(fullPath);
        var document = YamlSource.Read(YamlFileKind.Experiment, diagnostics);
        var runErrors = new List<ScenarioError>();
        var experiment = document is null ? null : Bind(document, fullPath, diagnostics, runErrors);
        if (diagnostics.HasErrors || runErrors.Count > 0)
        {
            // A level's error shows in each of its runs, and a field's in each level that sets it: each is listed once.
            var ordered = diagnostics.Errors.Concat(runErrors).OrderBy(e => e.File != fullPath).ThenBy(e => e.File, StringComparer.Ordinal).ThenBy(e => e.Line).ThenBy(e => e.Column);
            throw new ScenarioValidationException([.. ordered.DistinctBy(e => e.ToString())]);
        }
        return experiment ?? throw new InvalidOperationException($"{fullPath}: the experiment was not resolved, yet no error was reported");
    }

    /// <summary>Whether the YAML file at <paramref name="path"/> is an experiment (it names a base <c>scenario</c>) rather than a scenario.</summary>
    public static bool IsExperiment(string path) => TopKeys(path) is { } keys && keys.Contains("scenario");

    /// <summary>Whether the YAML file at <paramref name="path"/> is a scenario (a section only scenarios have, and no base <c>scenario</c>).</summary>
    public static bool IsScenario(string path) => TopKeys(path) is { } keys && !keys.Contains("scenario") && keys.Overlaps(["time", "mode", "network", "units", "populate"]);

    private static HashSet<string>? TopKeys(string path)
    {
        var diagnostics = new Diagnostics(Path.GetFullPath(path));
        return YamlSource.Read(YamlFileKind.Experiment, diagnostics) is { } root
            ? [.. root.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "")]
            : null;
    }

    private sealed record Setting(ScenarioOverride Field, Mark At, YamlNode Value);

    private static Experiment? Bind(YamlMappingNode document, string sourcePath, Diagnostics diagnostics, List<ScenarioError> runErrors)
    {
        var root = YamlMap.Root(document, diagnostics);
        var folder = Path.GetDirectoryName(sourcePath) ?? ".";
        var name = root.Text("name", Path.GetFileNameWithoutExtension(sourcePath));
        if (root.AllValid("name") && !ScenarioBinder.IsRunFolderName(name))
        {
            root.Error("name", $"'{name}' names the sweep's folder: use up to 64 letters, digits, '-', '_' and '.', starting with a letter or digit");
        }
        var scenarioPath = UnitContext.ExistingFile(root, "scenario", folder);
        var cases = root.Maps("cases").Select(c => Settings(c, c.Entries())).ToList();
        var grid = Grid(root.Map("grid"));
        var baseline = root.Map("baseline") is { } b ? Settings(b, b.Entries()) : null;
        var seeds = Seeds(root.Map("seeds"));
        var kpis = Kpis(root);
        root.RejectUnknownKeys();

        var overrides = cases.SelectMany(c => c).Concat(grid.Select(g => g.Values[0])).Select(s => s.Field.Text).Distinct(StringComparer.Ordinal).ToList();
        var levels = Levels(root, cases, grid);
        var combinations = Combinations(seeds.Select(s => s.Values).ToList());
        if ((long)levels.Count * combinations.Count > MaxRuns)
        {
            root.Error($"{levels.Count} levels x {combinations.Count} seed combinations is more than {MaxRuns} runs: split the experiment");
        }
        var baselineLevel = baseline is null ? 0 : Baseline(root, baseline, levels, overrides);
        if (!File.Exists(scenarioPath))
        {
            return null;
        }
        // With errors in the file already, each level is bound once (with the first seeds) for what its values do to
        // the scenario: all errors at once, without binding every run of a file that cannot run anyway.
        if (diagnostics.HasErrors)
        {
            combinations = [combinations[0]];
        }

        var shown = levels.Select(l => overrides.Select(o => l.FirstOrDefault(s => s.Field.Text == o) is { } s ? ScenarioOverride.Show(s.Value) : null).ToList()).ToList();
        var names = LevelNames(overrides, shown);
        var runs = new List<ExperimentRun>();
        for (var level = 0; level < levels.Count; level++)
        {
            foreach (var combination in combinations)
            {
                var seedNames = seeds.Select((s, i) => $"{s.Key}-{combination[i]}");
                var id = string.Join("_", [names[level], .. seedNames]);
                if (BindRun(scenarioPath, levels[level], seeds.Select(s => s.Key).ToList(), combination, names[level], diagnostics, runErrors) is { } scenario)
                {
                    runs.Add(new ExperimentRun(id, level, combination, scenario));
                }
            }
        }
        if (diagnostics.HasErrors)
        {
            return null;
        }
        return new Experiment(name, sourcePath, scenarioPath, overrides, [.. seeds.Select(s => s.Key)], kpis,
            [.. names.Select((n, i) => new ExperimentLevel(i, n, shown[i]))], baselineLevel, runs);
    }

    /// <summary>Field paths with their values; a path that is not one, or names the seeds (they have their own section), is reported.</summary>
    private static List<Setting> Settings(YamlMap map, IReadOnlyList<(string Key, Mark At, YamlNode Value)> entries)
    {
        var settings = new List<Setting>();
        foreach (var (key, at, value) in entries)
        {
            if (ScenarioOverride.Parse(key, out var error) is not { } field)
            {
                map.Diagnostics.Add(at, map.PathOf(key), error);
            }
            else if (key == "seed" || key.StartsWith("seeds", StringComparison.Ordinal))
            {
                map.Diagnostics.Add(at, map.PathOf(key), "seeds are varied under seeds: (a count or a list per stream), not as overrides");
            }
            else
            {
                settings.Add(new Setting(field, at, value));
            }
        }
        return settings;
    }

    /// <summary>The grid: per field, the list of values it takes (each at least one).</summary>
    private static List<(string Key, IReadOnlyList<Setting> Values)> Grid(YamlMap? grid)
    {
        if (grid is null)
        {
            return [];
        }
        var axes = new List<(string, IReadOnlyList<Setting>)>();
        foreach (var setting in Settings(grid, grid.Entries()))
        {
            if (setting.Value is not YamlSequenceNode { Children.Count: > 0 } list)
            {
                grid.Diagnostics.Add(setting.At, grid.PathOf(setting.Field.Text), $"expected a list of the values it takes, found {YamlValue.Describe(setting.Value)}");
                continue;
            }
            axes.Add((setting.Field.Text, [.. list.Children.Select(v => setting with { Value = v })]));
        }
        return axes;
    }

    /// <summary>Every case with every combination of the grid's values (the last field fastest); one empty level without either.</summary>
    private static List<IReadOnlyList<Setting>> Levels(YamlMap root, List<List<Setting>> cases, List<(string Key, IReadOnlyList<Setting> Values)> grid)
    {
        var levels = new List<IReadOnlyList<Setting>>();
        foreach (var @case in cases.Count == 0 ? [[]] : cases)
        {
            foreach (var axis in grid.Where(a => @case.Any(s => s.Field.Text == a.Key)))
            {
                root.Diagnostics.Add(axis.Values[0].At, $"grid.{axis.Key}", "is set by a case too: give each field in the grid or in the cases, not both");
            }
            foreach (var combination in Combinations(grid.Select(a => (IReadOnlyList<Setting>)a.Values).ToList()))
            {
                levels.Add([.. @case, .. combination]);
            }
        }
        return levels;
    }

    private static int Baseline(YamlMap root, List<Setting> baseline, List<IReadOnlyList<Setting>> levels, List<string> overrides)
    {
        foreach (var setting in baseline.Where(s => !overrides.Contains(s.Field.Text)))
        {
            root.Diagnostics.Add(setting.At, $"baseline.{setting.Field.Text}", "is not overridden by the cases or the grid");
        }
        var matching = Enumerable.Range(0, levels.Count).Where(i => baseline.All(b =>
            levels[i].FirstOrDefault(s => s.Field.Text == b.Field.Text) is { } s && ScenarioOverride.Show(s.Value) == ScenarioOverride.Show(b.Value))).ToList();
        if (matching.Count != 1)
        {
            root.Error("baseline", matching.Count == 0 ? "matches no level of the cases and grid" : $"matches {matching.Count} levels: name a value for every field that varies");
            return 0;
        }
        return matching[0];
    }

    /// <summary>The varied seeds, in file order: a count N (seeds 1..N) or a list of seeds per key.</summary>
    private static List<(string Key, IReadOnlyList<int> Values)> Seeds(YamlMap? seeds)
    {
        if (seeds is null)
        {
            return [];
        }
        var varied = new List<(string, IReadOnlyList<int>)>();
        var diagnostics = seeds.Diagnostics;
        foreach (var (key, at, value) in seeds.Entries())
        {
            var path = seeds.PathOf(key);
            if (!SeedKeys.Contains(key))
            {
                var hint = Suggestion.Closest(key, SeedKeys) is { } near ? $"did you mean '{near}'?" : $"expected one of {string.Join(", ", SeedKeys)}";
                diagnostics.Add(at, path, $"unknown key; {hint}");
                continue;
            }
            switch (value)
            {
                case YamlScalarNode scalar:
                    if (YamlValue.TryInteger(scalar, path, Bounds.Closed(1, MaxSeedCount), diagnostics, out var count))
                    {
                        varied.Add((key, [.. Enumerable.Range(1, count)]));
                    }
                    break;
                case YamlSequenceNode { Children.Count: > 0 } list:
                    var values = new List<int>();
                    for (var i = 0; i < list.Children.Count; i++)
                    {
                        if (YamlValue.TryInteger(list.Children[i], $"{path}[{i}]", Bounds.Closed(0, int.MaxValue), diagnostics, out var seed))
                        {
                            values.Add(seed);
                        }
                    }
                    if (values.Distinct().Count() != values.Count)
                    {
                        diagnostics.Add(at, path, "lists a seed twice");
                    }
                    varied.Add((key, values));
                    break;
                default:
                    diagnostics.Add(value.Start, path, $"expected a count of seeds (1..{MaxSeedCount}: seeds 1..N) or a list of seeds, found {YamlValue.Describe(value)}");
                    break;
            }
        }
        return varied;
    }

    private static List<string> Kpis(YamlMap root)
    {
        var kpis = new List<string>();
        foreach (var (node, path) in root.Items("kpis"))
        {
            if (!YamlValue.TryText(node, path, root.Diagnostics, out var key))
            {
                continue;
            }
            if (!KpiValues.Keys.Contains(key))
            {
                var hint = Suggestion.Closest(key, KpiValues.Keys) is { } near ? $"did you mean '{near}'?" : "see docs/kpis.md for the keys";
                root.Diagnostics.Add(node.Start, path, $"'{key}' is not a KPI of summary.json; {hint}");
                continue;
            }
            kpis.Add(key);
        }
        return kpis.Count > 0 ? kpis : [.. KpiValues.Keys];
    }

    /// <summary>
    /// Level names from their values: the field and its value (<c>capacity_kwh-50</c>), with as many keys of the path as
    /// tell the fields apart where two end alike (<c>pv.share-0.4_ev.share-0.25</c>); unique.
    /// </summary>
    private static List<string> LevelNames(List<string> overrides, List<List<string?>> shown)
    {
        var labels = overrides.Select(o => ScenarioOverride.Parse(o, out _)!.Field).ToList();
        var keys = overrides.Select(_ => 1).ToList();
        while (labels.Select((l, i) => i).Where(i => labels.Count(l => l == labels[i]) > 1).ToList() is { Count: > 0 } alike)
        {
            foreach (var i in alike)
            {
                labels[i] = string.Join('.', overrides[i].Split('.').TakeLast(++keys[i]));
            }
        }
        var names = shown.Select(values => Slug(string.Join("_", values.Select((v, i) => v is null ? null : $"{labels[i]}-{v}").OfType<string>()))).ToList();
        names = [.. names.Select(n => n.Length == 0 ? "base" : n)];
        return names.Distinct(StringComparer.Ordinal).Count() == names.Count ? names : [.. names.Select((n, i) => $"L{i:000}-{n}")];
    }

    private static string Slug(string text)
    {
        var slug = new string([.. text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '-')]);
        return slug.Length > 120 ? slug[..120] : slug;
    }

    private static List<IReadOnlyList<T>> Combinations<T>(IReadOnlyList<IReadOnlyList<T>> axes)
    {
        var combinations = new List<IReadOnlyList<T>> { Array.Empty<T>() };
        foreach (var axis in axes)
        {
            combinations = [.. combinations.SelectMany(c => axis.Select(v => (IReadOnlyList<T>)[.. c, v]))];
        }
        return combinations;
    }

    /// <summary>
    /// The base scenario with the level's values and the seeds set, bound as <c>run</c> binds a file. An error at an
    /// overridden field is the experiment's: it is reported at the value in the experiment file; any other is the
    /// scenario's, reported where it is there, with the level it showed up in.
    /// </summary>
    private static Scenario? BindRun(string scenarioPath, IReadOnlyList<Setting> level, List<string> seedKeys, IReadOnlyList<int> seeds, string levelName,
        Diagnostics experiment, List<ScenarioError> runErrors)
    {
        var scenarioDiagnostics = new Diagnostics(scenarioPath);
        if (YamlSource.Read(YamlFileKind.Scenario, scenarioDiagnostics) is not { } document)
        {
            runErrors.AddRange(scenarioDiagnostics.Errors);
            return null;
        }
        var applied = new List<(Setting Setting, string BinderPath)>();
        foreach (var setting in level)
        {
            if (setting.Field.Apply(document, setting.Value, out var error) is { } binderPath)
            {
                applied.Add((setting, binderPath));
            }
            else
            {
                experiment.Add(setting.At, setting.Field.Text, error);
            }
        }
        for (var i = 0; i < seedKeys.Count; i++)
        {
            var field = ScenarioOverride.Parse(seedKeys[i] == "seed" ? "seed" : $"seeds.{seedKeys[i]}", out _)!;
            field.Apply(document, new YamlScalarNode(seeds[i].ToString(System.Globalization.CultureInfo.InvariantCulture)) { Style = ScalarStyle.Plain }, out _);
        }
        var scenario = ScenarioBinder.Bind(document, scenarioPath, null, scenarioDiagnostics);
        foreach (var error in scenarioDiagnostics.Errors)
        {
            if (applied.FirstOrDefault(a => IsAtOrUnder(error.Path, a.BinderPath)) is { Setting: { } setting })
            {
                var at = setting.Value.Start;
                runErrors.Add(new ScenarioError(experiment.File, (int)at.Line, (int)at.Column, setting.Field.Text,
                    $"{(error.Path == BinderPathOf(applied, setting) ? "" : error.Path + ": ")}{error.Message}"));
            }
            else
            {
                runErrors.Add(error with { Message = $"{error.Message} (in level {levelName})" });
            }
        }
        return scenarioDiagnostics.HasErrors || applied.Count < level.Count ? null : scenario;
    }

    private static string BinderPathOf(List<(Setting Setting, string BinderPath)> applied, Setting setting) => applied.First(a => a.Setting == setting).BinderPath;

    private static bool IsAtOrUnder(string path, string field) =>
        path == field || path.StartsWith(field + ".", StringComparison.Ordinal) || path.StartsWith(field + "[", StringComparison.Ordinal);
}
