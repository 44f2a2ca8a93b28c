using MicroMarket.Scenarios.Model;

namespace MicroMarket.Scenarios.Experiments;

/// <summary>
/// An experiment as loaded, validated and expanded (format: docs/experiments.md): a base scenario, the levels its
/// overrides take, the seeds each level runs with, and every run's resolved scenario. Same file, same runs.
/// </summary>
/// <param name="Name">Short name, used for the sweep's folder.</param>
/// <param name="SourcePath">The experiment file.</param>
/// <param name="ScenarioPath">The base scenario file (absolute).</param>
/// <param name="Overrides">Every overridden scenario field, as the experiment writes it (<c>units[battery].capacity_kwh</c>), in file order.</param>
/// <param name="VariedSeeds">The seeds the experiment varies (<c>seed</c> and stream names, <see cref="SeedStreams.Names"/>), in file order.</param>
/// <param name="Kpis">The KPIs of interest (keys of <see cref="RunFormat.KpiValues"/>), in file order.</param>
/// <param name="Levels">Every combination of override values, in file order (cases, then the grid's last key fastest).</param>
/// <param name="BaselineLevel">The level every other is compared with, over common seeds.</param>
/// <param name="Runs">Every run: each level with each seed combination, level by level.</param>
public sealed record Experiment(
    string Name,
    string SourcePath,
    string ScenarioPath,
    IReadOnlyList<string> Overrides,
    IReadOnlyList<string> VariedSeeds,
    IReadOnlyList<string> Kpis,
    IReadOnlyList<ExperimentLevel> Levels,
    int BaselineLevel,
    IReadOnlyList<ExperimentRun> Runs);

/// <summary>One combination of override values.</summary>
/// <param name="Name">Its values in a few characters, e.g. <c>capacity_kwh-50</c>; <c>base</c> with no overrides.</param>
/// <param name="Values">Each override's value as written (a mapping or list in flow style), aligned with
/// <see cref="Experiment.Overrides"/>; null where this level leaves the scenario's own value.</param>
public sealed record ExperimentLevel(int Index, string Name, IReadOnlyList<string?> Values);

/// <summary>One run of the experiment.</summary>
/// <param name="Id">Its folder name in the sweep: the level's name and the varied seeds, e.g. <c>capacity_kwh-50_seed-3</c>.</param>
/// <param name="Level">Index into <see cref="Experiment.Levels"/>.</param>
/// <param name="Seeds">The varied seeds' values, aligned with <see cref="Experiment.VariedSeeds"/>: runs of different levels
/// with equal seeds are a pair.</param>
/// <param name="Scenario">The base scenario with the level's values and the seeds applied, resolved.</param>
public sealed record ExperimentRun(string Id, int Level, IReadOnlyList<int> Seeds, Scenario Scenario);
