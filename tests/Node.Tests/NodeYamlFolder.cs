using MicroMarket.Node.Deployment;
using MicroMarket.Scenarios;

namespace MicroMarket.Node.Tests;

/// <summary>
/// A deployment folder beside the scenarios it runs, as a user lays one out (node.yaml names its scenario relative
/// to itself): deploy/node.yaml, written by each test, and scenarios/quickstart.yaml. Deleted on dispose.
/// </summary>
internal sealed class NodeYamlFolder : IDisposable
{
    public const string Scenario = "scenario: ../scenarios/quickstart.yaml\n";

    public NodeYamlFolder()
    {
        Directory.CreateDirectory(Path.Combine(Folder, "deploy"));
        Directory.CreateDirectory(Path.Combine(Folder, "scenarios"));
        File.Copy(Repo.Path("scenarios/quickstart.yaml"), Path.Combine(Folder, "scenarios", "quickstart.yaml"));
    }

    public string Folder { get; } = Directory.CreateTempSubdirectory("micromarket-nodeconfig-").FullName;

    public string ConfigPath => Path.Combine(Folder, "deploy", "node.yaml");

    public NodeConfig Load(string yaml)
    {
        File.WriteAllText(ConfigPath, yaml);
        return NodeConfigLoader.Load(ConfigPath);
    }

    public ScenarioValidationException Failure(string yaml)
    {
        File.WriteAllText(ConfigPath, yaml);
        return Assert.Throws<ScenarioValidationException>(() => NodeConfigLoader.Load(ConfigPath));
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

internal static class ScenarioErrors
{
    /// <summary>Finds the single error at <paramref name="path"/>.</summary>
    public static ScenarioError At(this IReadOnlyList<ScenarioError> errors, string path) =>
        Assert.Single(errors, e => e.Path == path);
}
