using System.Text.Json;

namespace MicroMarket.Cli.Tests;

/// <summary>
/// The program as the README starts it, through `dotnet run`: its standard output is the command's result alone,
/// whatever the restore and the build have to say (NU1603 warnings once went to stdout on every call, so the JSON
/// could not be piped into a reader). In a collection that runs alone: `dotnet run` builds the program the other
/// tests are running (a no-op when it is up to date, as it is after the test build).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class DotnetRunTests
{
    [Fact]
    public async Task Dotnet_run_powerflow_json_prints_nothing_but_json_on_stdout()
    {
        var dotnet = await ExternalProcess.RunAsync(Repository.Root, "dotnet",
            ["run", "--project", Path.Combine(Repository.Root, "src", "Cli"), "--", "powerflow", "ieee-eu-lv", "--minute", "600", "--json"], TimeSpan.FromMinutes(5));

        Assert.True(dotnet.ExitCode == 0, dotnet.Stderr);
        using var json = JsonDocument.Parse(dotnet.Stdout);
        Assert.Equal(600, json.RootElement.GetProperty("minute").GetInt32());
    }
}
