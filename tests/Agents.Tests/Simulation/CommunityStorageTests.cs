using MicroMarket.Agents.Running;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios;
using Xunit.Abstractions;

namespace MicroMarket.Agents.Tests.Simulation;

/// <summary>
/// Issue 13, requirement 2c, end to end on Anvil: two June days of a small grid-connected feeder (a 10 kWp roof and six
/// households on the example feeder), run without a battery, with a 10 kWh, 5 kW battery doing arbitrage, and with
/// the same battery serving the community. The community battery raises the feeder's self-sufficiency more than the
/// arbitrage one, which charges at full power whatever the surplus and discharges at full power into a deficit of a
/// few kW, importing to charge and exporting what it discharges. Measured (seed 11): none 37.18 %, arbitrage 41.64 %
/// (battery net revenue 0.91 tokens), community 55.25 % (5.21 tokens: it buys near the feed-in tariff and sells near
/// retail, where the arbitrage one bids around its expected price); the test holds it to 5 points above arbitrage.
/// </summary>
public sealed class CommunityStorageTests(ITestOutputHelper output) : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("micromarket-community-");

    [Fact]
    public async Task A_community_battery_raises_self_sufficiency_more_than_an_arbitrage_one()
    {
        var none = await Run("none", battery: null);
        var arbitrage = await Run("arbitrage", "{ kind: arbitrage }");
        var community = await Run("community", "{ kind: community }");

        output.WriteLine($"self-sufficiency: none {none.SelfSufficiency:P2}, arbitrage {arbitrage.SelfSufficiency:P2} (battery net revenue {arbitrage.Revenue}), "
            + $"community {community.SelfSufficiency:P2} (battery net revenue {community.Revenue})");
        Assert.True(community.SelfSufficiency > none.SelfSufficiency + 0.01, $"community {community.SelfSufficiency:P2} against none {none.SelfSufficiency:P2}");
        Assert.True(community.SelfSufficiency > arbitrage.SelfSufficiency + 0.05, $"community {community.SelfSufficiency:P2} against arbitrage {arbitrage.SelfSufficiency:P2}");
    }

    private async Task<(double SelfSufficiency, decimal Revenue)> Run(string name, string? battery)
    {
        var directory = Path.Combine(_root.FullName, name);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "scenario.yaml");
        File.WriteAllText(path, Scenario(name, battery));
        var scenario = ScenarioLoader.Load(path);
        var run = await SimulationRunner.RunAsync(scenario, new RunOptions(Path.Combine(directory, "run")), CancellationToken.None);

        Assert.True(run.Complete, run.Failure);
        Assert.True(run.Verification.Holds, run.Verification.ToString());
        RunDirectoryChecks.EnergyBalances(run.OutputDirectory);
        RunDirectoryChecks.Kpis(run.OutputDirectory, scenario);
        var revenue = run.Kpis.Bills.Where(b => b.Unit == "battery").Select(b => -b.NetBill).SingleOrDefault();
        return (run.Kpis.SelfSufficiency ?? throw new InvalidOperationException("no self-sufficiency"), revenue);
    }

    private static string Scenario(string name, string? battery)
    {
        var feeder = Path.Combine(Repository.Root, "scenarios", "feeders", "example-10bus.feeder").Replace('\\', '/');
        var houses = string.Join("\n", Enumerable.Range(1, 6).Select(i =>
            $"  - {{ id: house-{i}, kind: load, bus: B{i + 1}, phase: {"ABC"[i % 3]}, profile: {{ ieee: {i} }} }}"));
        var storage = battery is null ? "" : $$"""
              - { id: battery, kind: battery, bus: B4, capacity_kwh: 10, charge_kw: 5, soc: { initial: 0.5, min: 0.1, max: 0.9 }, strategy: {{battery}} }
            """;
        return $$"""
            name: community-{{name}}
            seed: 11
            time: { start: 2026-06-15, days: 2, slot_minutes: 15, time_zone: Europe/London }
            mode: { kind: grid-connected, retail_price: 0.30, feed_in_price: 0.06 }
            network: { file: "{{feeder}}" }
            units:
              - { id: pv-roof, kind: pv, bus: B3, peak_kw: 10, forecast: { day_ahead_sigma: 0.2, intraday_sigma: 0.05, scale: actual } }
            {{storage}}
            {{houses}}
            """;
    }

    public void Dispose() => _root.Delete(recursive: true);
}
