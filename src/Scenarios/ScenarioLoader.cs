using MicroMarket.Scenarios.Binding;
using MicroMarket.Scenarios.Model;
using MicroMarket.Scenarios.Yaml;

namespace MicroMarket.Scenarios;

/// <summary>Loads scenario files (format: docs/scenarios.md; editor schema: scenarios/scenario.schema.json).</summary>
public static class ScenarioLoader
{
    /// <summary>
    /// Reads, validates and resolves the scenario at <paramref name="path"/>: every default applied, every
    /// <c>populate</c> unit generated, relative paths made absolute against the file's folder, the network loaded
    /// and checked against the units.
    /// </summary>
    /// <param name="seedOverride">Replaces the file's <c>seed</c> (which is still validated), e.g. for a seed sweep; &gt;= 0.</param>
    /// <exception cref="FileNotFoundException">there is no file at <paramref name="path"/>.</exception>
    /// <exception cref="ScenarioValidationException">the file has errors: all of them, in file order, each with line, column and field path.</exception>
    public static Scenario Load(string path, int? seedOverride = null)
    {
        if (seedOverride is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(seedOverride), seedOverride, "a seed is >= 0");
        }
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"scenario file '{fullPath}' does not exist", fullPath);
        }
        var diagnostics = new Diagnostics(fullPath);
        var document = YamlSource.Read(YamlFileKind.Scenario, diagnostics);
        var scenario = document is null ? null : ScenarioBinder.Bind(document, fullPath, seedOverride, diagnostics);
        diagnostics.ThrowIfAny();
        return scenario ?? throw new InvalidOperationException($"{fullPath}: the scenario was not resolved, yet no error was reported");
    }
}
