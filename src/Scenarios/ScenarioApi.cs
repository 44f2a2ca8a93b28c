using MicroMarket.Scenarios.Model;

namespace MicroMarket.Scenarios;

/// <summary>One problem in a scenario file: where (file, 1-based line and column, field path) and what was expected.</summary>
/// <param name="Path">The field, e.g. <c>units[3].soc.min</c>.</param>
public sealed record ScenarioError(string File, int Line, int Column, string Path, string Message)
{
    /// <summary>An error about the file as a whole (syntax, encoding) has no field, hence no empty path segment.</summary>
    public override string ToString() => Path.Length == 0 ? $"{File}:{Line}:{Column}: {Message}" : $"{File}:{Line}:{Column}: {Path}: {Message}";
}

/// <summary>A scenario (or node configuration) file has errors; all of them are listed, in file order.</summary>
public sealed class ScenarioValidationException(IReadOnlyList<ScenarioError> errors)
    : Exception($"{errors.Count} error(s) in {(errors.Count > 0 ? errors[0].File : "the file")}:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}")
{
    public IReadOnlyList<ScenarioError> Errors { get; } = errors;
}
