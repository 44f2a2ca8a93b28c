using System.Runtime.Versioning;
using MicroMarket.RunFormat;

namespace MicroMarket.Cli.Tests;

/// <summary>
/// The program as a user gets it: packed as a .NET tool (once: the pack is most of the time), installed from that
/// package alone into a tool path of its own, and run from a folder outside the repository, where only what the
/// package carries (the program, its Anvil, the example scenarios) can be found. Linux only, as the package.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class ToolPackageTests : IDisposable
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("micromarket-tool-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task The_installed_tool_names_its_commit_and_runs_the_quickstart_outside_the_repository()
    {
        var packages = Path.Combine(_dir.FullName, "packages");
        // The same configuration as the tests' own build, whose outputs the pack then reuses; no build servers left behind.
        await Dotnet(Repository.Root, ["pack", Path.Combine("src", "Cli"), "-c", Configuration, "-o", packages, "--disable-build-servers"]);
        var config = Path.Combine(_dir.FullName, "nuget.config");
        File.WriteAllText(config, $"""
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{packages}" />
              </packageSources>
            </configuration>
            """);
        var tools = Path.Combine(_dir.FullName, "tools");
        // From the package just made and nothing else: a source list of that folder alone.
        await Dotnet(_dir.FullName, ["tool", "install", "MicroMarket.Cli", "--tool-path", tools, "--configfile", config]);

        // The Anvil the tool ships, executable: on this machine the repository's would otherwise stand in for it unseen.
        var anvil = Assert.Single(Directory.GetFiles(tools, "anvil", SearchOption.AllDirectories));
        Assert.Equal("anvil", Path.GetFileName(Path.GetDirectoryName(anvil)));
        Assert.True(File.GetUnixFileMode(anvil).HasFlag(UnixFileMode.UserExecute), $"{anvil} is not executable");

        var work = _dir.CreateSubdirectory("work").FullName;
        var version = await Micromarket(tools, work, "--version");
        Assert.Equal(MicroMarketApp.Version, version.Stdout.Trim());
        Assert.EndsWith($"+{await ExternalProcess.CommitAsync()}", MicroMarketApp.Version, StringComparison.Ordinal);

        await Micromarket(tools, work, "scenarios");
        var run = await Micromarket(tools, work, "run", "scenarios/quickstart.yaml", "--out", "quickstart", "--quiet");

        Assert.Contains("run complete", run.Stdout, StringComparison.Ordinal);
        Assert.True(run.Stderr.Length == 0, $"--quiet, yet on stderr:{Environment.NewLine}{run.Stderr}");
        var summary = RunJson.Read<RunSummary>(Path.Combine(work, "quickstart"), RunDirectory.Summary);
        Assert.True(summary.Complete);
        Assert.Equal(96, summary.SlotsDelivered);
    }

    private static async Task Dotnet(string workingDirectory, string[] args)
    {
        var result = await ExternalProcess.DotnetAsync(workingDirectory, args, PackTimeout);
        Assert.True(result.ExitCode == 0, $"dotnet {string.Join(' ', args)}: exit {result.ExitCode}{Environment.NewLine}{result.Stdout}{result.Stderr}");
    }

    /// <summary>The installed command, with no MICROMARKET_ANVIL: the tool must find the Anvil it ships.</summary>
    private static async Task<CliProcess.Result> Micromarket(string tools, string workingDirectory, params string[] args)
    {
        var result = await ExternalProcess.RunAsync(workingDirectory, Path.Combine(tools, "micromarket"), args, RunTimeout,
            new Dictionary<string, string?> { ["MICROMARKET_ANVIL"] = null });
        Assert.True(result.ExitCode == 0, $"micromarket {string.Join(' ', args)}: exit {result.ExitCode}{Environment.NewLine}{result.Stdout}{result.Stderr}");
        return result;
    }
}
