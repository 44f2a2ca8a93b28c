using System.Text.Json;

namespace MicroMarket.RunFormat;

/// <summary>
/// The <c>summary.json</c> of a run that has no results to read: it was ended at once (a second Ctrl+C, SIGTERM or
/// SIGHUP while it was stopping), or it ended before the market opened. Its tables, if any, are as far as they got
/// and were never checked, so <c>"results": false</c> tells every reader not to take them for a run's results.
/// A run directory without any <c>summary.json</c> belongs to a run that was killed (SIGKILL, power lost) or is
/// still running.
/// </summary>
public sealed record RunWithoutResults(string Scenario, int Seed, bool Complete, string Failure, string? Interrupted, bool Results)
{
    private static readonly object Gate = new();
    private static readonly HashSet<string> Ended = [];

    /// <summary>
    /// Writes the run's summary with its results, unless the run was ended meanwhile (<see cref="Write"/>): the program
    /// may be ending at once while the run is still writing, and the summary must then be the one that says so.
    /// </summary>
    public static void WriteResults(string directory, RunSummary summary)
    {
        lock (Gate)
        {
            if (!Ended.Contains(Path.GetFullPath(directory)))
            {
                RunJson.Write(directory, RunDirectory.Summary, summary);
            }
        }
    }

    /// <summary>Ends the run in <paramref name="directory"/> without results: a summary saying why, unless it has written its own.</summary>
    public static void Write(string directory, string scenario, int seed, string failure, string? interrupted)
    {
        lock (Gate)
        {
            Ended.Add(Path.GetFullPath(directory));
            if (!File.Exists(Path.Combine(directory, RunDirectory.Summary)))
            {
                RunJson.Write(directory, RunDirectory.Summary, new RunWithoutResults(scenario, seed, false, failure, interrupted, Results: false));
            }
        }
    }

    /// <summary>The run's summary when it says it has no results; null when it has them (or there is no summary.json).</summary>
    /// <exception cref="RunFormatException">summary.json is not JSON.</exception>
    public static RunWithoutResults? Read(string directory)
    {
        var path = Path.Combine(directory, RunDirectory.Summary);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(path));
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("results", out var results) && results.ValueKind == JsonValueKind.False
                ? RunJson.Read<RunWithoutResults>(directory, RunDirectory.Summary)
                : null;
        }
        catch (JsonException e)
        {
            throw new RunFormatException($"{RunDirectory.Summary}:{e.LineNumber + 1}: not JSON: {e.Message}");
        }
    }

    /// <summary>One line for a reader that wanted results: what happened and what to do.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Explanation => $"the run of {Scenario} (seed {Seed}) has no results: {Failure}; run it again";
}
