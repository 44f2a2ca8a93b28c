namespace MicroMarket.Scenarios.Tests;

/// <summary>The shipped scenarios as copied next to the test assembly (scenarios/** -> Scenarios/**).</summary>
internal static class Shipped
{
    public static string Folder { get; } = System.IO.Path.Combine(AppContext.BaseDirectory, "Scenarios");

    public static string Path(string name) => System.IO.Path.Combine(Folder, name);

    public static IReadOnlyList<string> ScenarioFiles { get; } = ["quickstart.yaml", "ieee-eu-lv-prosumers.yaml", "island-week.yaml", "island-week-diesel-only.yaml", "ieee-eu-lv-year.yaml", "community-battery.yaml"];
}

/// <summary>A scratch folder holding scenario files under test, with the shipped feeders beside them; deleted on dispose.</summary>
internal sealed class ScratchFolder : IDisposable
{
    public ScratchFolder()
    {
        Folder = Directory.CreateTempSubdirectory("micromarket-scenarios-").FullName;
        var feeders = Directory.CreateDirectory(System.IO.Path.Combine(Folder, "feeders")).FullName;
        foreach (var feeder in Directory.GetFiles(Shipped.Path("feeders")))
        {
            File.Copy(feeder, System.IO.Path.Combine(feeders, System.IO.Path.GetFileName(feeder)));
        }
    }

    public string Folder { get; }

    public string Write(string name, string text)
    {
        var path = System.IO.Path.Combine(Folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Loads <paramref name="yaml"/> written as scenario.yaml.</summary>
    public Model.Scenario Load(string yaml, int? seed = null) => ScenarioLoader.Load(Write("scenario.yaml", yaml), seed);

    /// <summary>The errors of loading <paramref name="yaml"/>; fails when it loads.</summary>
    public IReadOnlyList<ScenarioError> Errors(string yaml) =>
        Assert.Throws<ScenarioValidationException>(() => Load(yaml)).Errors;

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

/// <summary>A small valid island scenario to vary in tests: one household and a diesel on the UPC-pilot feeder.</summary>
internal static class Minimal
{
    public const string Header = """
        name: minimal
        time: { start: 2026-06-15, time_zone: Europe/Madrid }
        mode: { kind: island }
        network: { file: feeders/upc-pilot.feeder }

        """;

    public const string Diesel = """
          - { id: diesel, kind: slack, bus: B0, technology: diesel, rated_kw: 30 }

        """;

    /// <summary>The header, then <c>units:</c> with <paramref name="units"/> and the diesel.</summary>
    public static string With(string units) => Header + "units:\n" + units + Diesel;

    /// <summary>Finds the single error at <paramref name="path"/>.</summary>
    public static ScenarioError At(this IReadOnlyList<ScenarioError> errors, string path) =>
        Assert.Single(errors, e => e.Path == path);
}
