using MicroMarket.Cli.Bench;

namespace MicroMarket.Reporting.Tests;

/// <summary>
/// A run directory a test may write into: the island fixture or a synthetic run, in a fresh temporary directory
/// that is deleted afterwards.
/// </summary>
internal sealed class RunFixture : IDisposable
{
    private RunFixture(string directory) => Directory = directory;

    public string Directory { get; }

    public static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>A copy of the one-day island run the simulator wrote (Fixtures/island-day).</summary>
    public static RunFixture IslandDay()
    {
        var fixture = new RunFixture(NewDirectory("island-day"));
        foreach (var file in System.IO.Directory.GetFiles(FixturePath("island-day")))
        {
            File.Copy(file, Path.Combine(fixture.Directory, Path.GetFileName(file)));
        }
        return fixture;
    }

    /// <summary>A synthetic grid-connected run of <paramref name="days"/> days whose slot 0 starts at <paramref name="startUtc"/> (a local midnight; June 15 by default).</summary>
    public static RunFixture Synthetic(int days, int houses = 12, int evs = 2, DateTimeOffset? startUtc = null)
    {
        var fixture = new RunFixture(NewDirectory($"synthetic-{days}d"));
        SyntheticRun.Write(fixture.Directory, days, houses, evs, startUtc: startUtc);
        return fixture;
    }

    public string PathOf(string file) => Path.Combine(Directory, file);

    /// <summary>Overwrites one cell of one of the run's CSV files (whose cells hold no commas), line numbers from 1 = the header.</summary>
    public void ReplaceCell(string file, int lineNumber, string column, string value)
    {
        var path = PathOf(file);
        var lines = File.ReadAllLines(path);
        var index = Array.IndexOf(lines[0].Split(','), column);
        var cells = lines[lineNumber - 1].Split(',');
        cells[index] = value;
        lines[lineNumber - 1] = string.Join(',', cells);
        File.WriteAllLines(path, lines);
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary directory is harmless; failing the test over it would hide its real outcome.
        }
    }

    private static string NewDirectory(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), "micromarket-report-tests", $"{name}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(path);
        return path;
    }
}
