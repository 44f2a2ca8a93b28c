using System.Text.Json;
using static MicroMarket.Cli.Tests.InProcessCli;

namespace MicroMarket.Cli.Tests;

/// <summary>`micromarket powerflow` run in-process with the console redirected: the JSON contract and the exit codes.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class PowerFlowCommandTests
{
    [Fact]
    public async Task Json_at_the_peak_carries_the_published_figures()
    {
        var (exit, output, _) = await Run("powerflow", "ieee-eu-lv", "--minute", "566", "--json");
        Assert.Equal(MicroMarketApp.ExitOk, exit);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal(["minute", "converged", "iterations", "phases", "substation", "losses_kw"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(566, root.GetProperty("minute").GetInt32());
        Assert.True(root.GetProperty("converged").GetBoolean());
        Assert.InRange(root.GetProperty("iterations").GetInt32(), 1, 100);
        var phases = root.GetProperty("phases");
        // Feeder document Table III (OpenDSS) at 09:26.
        Assert.InRange(phases.GetProperty("B").GetProperty("vmin").GetDouble(), 238.367 - 0.01, 238.367 + 0.01);
        Assert.InRange(phases.GetProperty("C").GetProperty("vmax").GetDouble(), 254.730 - 0.01, 254.730 + 0.01);
        Assert.InRange(phases.GetProperty("A").GetProperty("vmin").GetDouble(), 245.577 - 0.01, 245.577 + 0.01);
        var p = root.GetProperty("substation").GetProperty("p_kw");
        Assert.InRange(p.GetProperty("A").GetDouble(), 17.9072 - 0.01, 17.9072 + 0.01);
        Assert.InRange(p.GetProperty("B").GetDouble(), 35.2927 - 0.01, 35.2927 + 0.01);
        Assert.InRange(p.GetProperty("C").GetDouble(), 6.1837 - 0.01, 6.1837 + 0.01);
        var q = root.GetProperty("substation").GetProperty("q_kvar");
        Assert.InRange(q.EnumerateObject().Sum(x => x.Value.GetDouble()), 19.1196 - 0.01, 19.1196 + 0.01);
        Assert.InRange(root.GetProperty("losses_kw").GetDouble(), 2.0, 2.06);
    }

    [Theory]
    [InlineData("cigre-lv")]
    [InlineData("Feeders/example-10bus.feeder")]
    public async Task Other_networks_solve_too(string network)
    {
        var path = network.Contains('/') ? Path.Combine(AppContext.BaseDirectory, network) : network;
        var (exit, output, _) = await Run("powerflow", path, "--minute", "1100");
        Assert.Equal(MicroMarketApp.ExitOk, exit);
        Assert.Contains("converged", output);
    }

    [Theory]
    [InlineData("--minute 0", "outside")]
    [InlineData("--minute 1441", "1..1440")]
    [InlineData("--minute x", "whole minute")]
    [InlineData("", "--minute M is required")]
    [InlineData("--minute 5 --nope", "Unknown option 'nope'")]
    public async Task Bad_minutes_exit_with_2(string minute, string message)
    {
        var args = new[] { "powerflow", "ieee-eu-lv" }.Concat(minute.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        var (exit, output, error) = await Run(args);
        Assert.Equal(MicroMarketApp.ExitBadInput, exit);
        Assert.Contains(message.Replace("outside", "1..1440"), error);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task An_unknown_network_or_bad_file_exits_with_2()
    {
        var (exit, _, error) = await Run("powerflow", "no-such-net", "--minute", "5");
        Assert.Equal(MicroMarketApp.ExitBadInput, exit);
        Assert.Contains("neither a built-in network", error);

        var bad = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.feeder");
        var example = Path.Combine(AppContext.BaseDirectory, "Feeders", "example-10bus.feeder");
        try
        {
            await File.WriteAllTextAsync(bad, "[buses]\nname, voltage_kv\nB1, zero\n");
            (exit, _, error) = await Run("powerflow", bad, "--minute", "5");
            Assert.Equal(MicroMarketApp.ExitBadInput, exit);
            Assert.Contains($"{bad}:3: [buses] voltage_kv: 'zero' is not a number", error);

            // A well-formed file whose lines close a loop fails when the solver checks the topology.
            var looped = (await File.ReadAllTextAsync(example)).Replace("L9,   B9,       B10,    40,       4c_35", "L9,   B9,       B10,    40,       4c_35\nL10,  B10,      B5,     40,       4c_35");
            await File.WriteAllTextAsync(bad, looped);
            (exit, _, error) = await Run("powerflow", bad, "--minute", "5");
            Assert.Equal(MicroMarketApp.ExitBadInput, exit);
            Assert.Contains("closes a loop", error);
        }
        finally
        {
            File.Delete(bad);
        }
    }
}
