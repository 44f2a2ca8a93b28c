using YamlDotNet.Core;

namespace MicroMarket.Scenarios.Yaml;

/// <summary>
/// Collects every problem found in one scenario file, so that a user sees them all at once rather than one per run.
/// </summary>
internal sealed class Diagnostics(string file)
{
    private readonly List<ScenarioError> _errors = [];

    public string File { get; } = file;

    public bool HasErrors => _errors.Count > 0;

    /// <summary>What was reported so far, in the order found.</summary>
    public IReadOnlyList<ScenarioError> Errors => _errors;

    /// <summary>How many problems were reported so far: a binder compares it to tell whether a part read cleanly.</summary>
    public int Count => _errors.Count;

    public void Add(Mark at, string path, string message) =>
        _errors.Add(new ScenarioError(File, (int)at.Line, (int)at.Column, path, message));

    /// <summary>Throws when anything was reported: the errors in file order (a stable sort keeps same-position errors as found).</summary>
    public void ThrowIfAny()
    {
        if (HasErrors)
        {
            throw new ScenarioValidationException([.. _errors.OrderBy(e => e.Line).ThenBy(e => e.Column)]);
        }
    }
}
