using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using MicroMarket.Reporting.Tests;

namespace MicroMarket.Cli.Tests;

/// <summary>
/// The program as a user mistypes it: every bad invocation ends with one line on stderr naming the path or value and
/// what to do, exit 2, nothing written, and never a .NET exception's name or a stack frame.
/// </summary>
public sealed class BadInvocationTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("micromarket-bad-");
    private readonly RunFixture _run = RunFixture.IslandDay();
    private readonly RunFixture _other = RunFixture.IslandDay();

    private static string Quickstart => Path.Combine(Repository.Root, "scenarios", "quickstart.yaml");

    /// <summary>Invocations with {file} (an existing file), {dir} (a scratch folder), {run} and {other} (run directories), {book} (100 000 orders).</summary>
    public static TheoryData<string, string> Invocations => new()
    {
        { "run {quickstart} --out {file}", "--out {file}: is a file, not a directory" },
        { "run {quickstart} --out {file}/under", "--out {file}/under: cannot write there" },
        { "run {quickstart} --out /proc/micromarket-run", "--out /proc/micromarket-run: cannot write there" },
        { "run {quickstart} --out {run}", "--out {run}: holds a run of" },
        { "run {quickstart} --out {dir}/x --seed -3", "--seed -3: a seed is a whole number >= 0" },
        { "run {quickstart} --out {dir}/x --seed abc", "--seed abc: not a whole number" },
        { "run {quickstart} --out {dir}/x --chain ftp://127.0.0.1", "--chain 'ftp://127.0.0.1' is neither 'anvil' nor an http(s) URL" },
        { "run {quickstart} --out {dir}/x --chain http://127.0.0.1:9", "--chain http://127.0.0.1:9/: no Ethereum JSON-RPC node answered" },
        { "run {dir}/missing.yaml --out {dir}/x", "missing.yaml" },
        { "run {quickstart} --out {dir}/x --nope", "nope" },
        { "report {dir}/missing", "missing" },
        { "report {run} --slot x", "--slot 'x'" },
        { "compare {run} {other} --out /proc/micromarket-compare", "--out /proc/micromarket-compare: cannot write there" },
        { "compare {run} {other} --out {file}/under", "--out {file}/under: cannot write there" },
        { "compare {run} {other} --out {file}", "--out {file}: is a file" },
        { "compare {run} {other} --out {other}", "is a run directory" },
        { "compare {run} --out {dir}/x", "at least two run directories" },
        { "clear --book {book} --on-chain", "the contract registers at most 640" },
        { "clear --book {dir}/missing.csv", "missing.csv: no such CSV order book" },
        { "node --role nope --config {file}", "--role 'nope'" },
        { "node --role market --config {dir}/missing.yaml", "missing.yaml" },
        { "bench market --transactions x", "--transactions x: not a whole number" },
        { "bench market --grown --throughput-only", "--grown and --throughput-only exclude each other" },
        { "powerflow nowhere --minute 600", "nowhere" },
        { "optimal {quickstart} --time-limit soon", "--time-limit soon: not a number" },
        { "optimal {quickstart} --out /proc/micromarket-optimal", "--out /proc/micromarket-optimal: cannot write there" },
        { "keys new --out /proc/micromarket-key", "cannot write /proc/micromarket-key" },
        { "keys new --out {file}", "exists; keys are never overwritten" },
    };

    [Theory]
    [MemberData(nameof(Invocations))]
    public async Task A_bad_invocation_is_one_located_line_and_exit_2_with_no_trace(string invocation, string expected)
    {
        var file = Path.Combine(_dir.FullName, "a-file.txt");
        File.WriteAllText(file, "not a directory\n");
        var book = Path.Combine(_dir.FullName, "big-book.csv");
        File.WriteAllText(book, BigBook(100_000));
        string Fill(string text) => text.Replace("{quickstart}", Quickstart).Replace("{file}", file).Replace("{dir}", _dir.FullName)
            .Replace("{run}", _run.Directory).Replace("{other}", _other.Directory).Replace("{book}", book);
        var before = Snapshot();

        var clock = Stopwatch.StartNew();
        var result = await CliProcess.RunAsync(Fill(invocation).Split(' '));

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}\nSTDOUT\n{result.Stdout}\nSTDERR\n{result.Stderr}");
        Assert.Contains(Fill(expected), result.Stderr);
        CliAssert.NoTrace(result.Stdout + result.Stderr);
        Assert.Equal(before, Snapshot());
        // Even a chain that does not answer is reported in seconds, not after the 30 s a run waits for one that stalls.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task With_debug_the_trace_is_shown_after_the_line()
    {
        var file = Path.Combine(_dir.FullName, "a-file.txt");
        File.WriteAllText(file, "not a directory\n");

        var result = await CliProcess.RunAsync("run", Quickstart, "--out", file, "--debug");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"micromarket: --out {file}: is a file", result.Stderr);
        Assert.Contains("   at ", result.Stderr);
    }

    /// <summary>Every file under the scratch folder and the run directories, with its size: what a refused invocation must leave as it was.</summary>
    private string Snapshot() => string.Join("\n", new[] { _dir.FullName, _run.Directory, _other.Directory }
        .SelectMany(d => Directory.EnumerateFileSystemEntries(d, "*", SearchOption.AllDirectories))
        .Order(StringComparer.Ordinal)
        .Select(p => File.Exists(p) ? $"{p} {new FileInfo(p).Length}" : p));

    private static string BigBook(int orders)
    {
        var csv = new StringBuilder("id,side,price,quantity\n");
        for (var i = 1; i <= orders; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"{i},{(i % 2 == 0 ? "buy" : "sell")},{100_000 + i % 1000},{100 + i % 50}\n");
        }
        return csv.ToString();
    }

    public void Dispose()
    {
        _run.Dispose();
        _other.Dispose();
        _dir.Delete(recursive: true);
    }
}

internal static class CliAssert
{
    /// <summary>No .NET exception type name and no stack frame: what a user must never see.</summary>
    public static void NoTrace(string output)
    {
        Assert.DoesNotMatch(new Regex(@"\b[A-Z]\w*Exception\b"), output);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }
}
