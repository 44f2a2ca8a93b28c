using MicroMarket.Hardware.Configuration;
using MicroMarket.Agents.Running;
using MicroMarket.Scenarios;
using MicroMarket.Node.Deployment;
using MicroMarket.Simulation.Running;

namespace MicroMarket.Node.Tests;

/// <summary>
/// Where each unit runs, from the configuration alone: the balance-responsible party with the
/// market, the Pi units on their Pis, the rest dealt round-robin over the sim nodes, so that every
/// node works out the same placement without asking the others.
/// </summary>
public sealed class UnitPlacementTests
{
    private static readonly Lazy<ScenarioPlan> Quickstart = new(() => PlanOf("quickstart.yaml"));
    private static readonly Lazy<ScenarioPlan> Prosumers = new(() => PlanOf("ieee-eu-lv-prosumers.yaml"));

    private static ScenarioPlan PlanOf(string scenario) => new(ScenarioLoader.Load(Repo.Path($"scenarios/{scenario}")));

    private const string ConfigPath = "/srv/micromarket/node.yaml";

    private static NodeConfig Config(int simNodes, params string[] piUnits) => new(
        ConfigPath,
        Repo.Path("scenarios/quickstart.yaml"),
        Seed: null,
        new ClusterSettings("micromarket", ["127.0.0.1:4053"], simNodes, TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(60), TimeSpan.FromMinutes(2)),
        new MarketNodeSettings("/srv/micromarket/runs/cluster", Chain: null, "127.0.0.1", Live: null),
        [.. piUnits.Select(id => new PiUnitSettings(id, KeysFile: null, MeterKeyFile: null, PowerScale: 1, TimeSpan.FromSeconds(1),
            new HardwareOptions()))]);

    private static List<string> Ids(IEnumerable<PlannedUnit> units) => [.. units.Select(u => u.Id)];

    private static List<List<string>> SimShares(ScenarioPlan plan, NodeConfig config) =>
        [.. Enumerable.Range(0, config.Cluster.SimNodes).Select(shard => Ids(UnitPlacement.SimShare(plan, config, shard)))];

    [Fact]
    public void The_island_diesel_forming_the_grid_runs_with_the_market()
    {
        Assert.Equal(["diesel"], Ids(UnitPlacement.MarketShare(Quickstart.Value, Config(2))));
    }

    [Fact]
    public void The_upstream_supplier_of_a_grid_connected_feeder_runs_with_the_market()
    {
        Assert.Equal(["grid"], Ids(UnitPlacement.MarketShare(Prosumers.Value, Config(3))));
    }

    [Fact]
    public void The_quickstart_units_are_dealt_round_robin_in_registry_order()
    {
        var shares = SimShares(Quickstart.Value, Config(2));

        Assert.Equal(["pv-roof", "wind", "ev-2", "house-2", "washer"], shares[0]);
        Assert.Equal(["battery", "ev-1", "house-1", "house-3"], shares[1]);
    }

    [Fact]
    public void A_pi_unit_is_in_no_share_and_the_others_are_dealt_as_if_it_were_not_there()
    {
        var config = Config(2, "house-1");

        var shares = SimShares(Quickstart.Value, config);

        Assert.Equal(["pv-roof", "wind", "ev-2", "house-3"], shares[0]);
        Assert.Equal(["battery", "ev-1", "house-2", "washer"], shares[1]);
        Assert.Equal(["diesel"], Ids(UnitPlacement.MarketShare(Quickstart.Value, config)));
    }

    [Fact]
    public void One_sim_node_hosts_every_unit_but_the_balance_responsible_party()
    {
        var plan = Quickstart.Value;

        Assert.Equal(Ids(plan.Units.Where(u => u.Id != "diesel")), Ids(UnitPlacement.SimShare(plan, Config(1), 0)));
    }

    public static TheoryData<int, string[]> Deals => new()
    {
        { 1, [] },
        { 2, [] },
        { 3, ["LOAD7"] },
        { 4, ["LOAD1", "LOAD55"] },
        { 7, [] },
        { 64, ["LOAD20"] },
    };

    [Theory]
    [MemberData(nameof(Deals))]
    public void The_sim_shares_partition_the_units_that_are_neither_the_market_s_nor_on_a_pi(int simNodes, string[] piUnits)
    {
        var plan = Prosumers.Value;
        var config = Config(simNodes, piUnits);

        var shares = SimShares(plan, config);

        var dealt = shares.SelectMany(s => s).ToList();
        Assert.Equal(dealt.Count, dealt.Distinct().Count());
        var expected = Ids(plan.Units).Except(Ids(UnitPlacement.MarketShare(plan, config))).Except(piUnits).ToList();
        Assert.Equal(expected.Order(StringComparer.Ordinal), dealt.Order(StringComparer.Ordinal));
        Assert.DoesNotContain("grid", dealt);
        Assert.All(piUnits, pi => Assert.DoesNotContain(pi, dealt));
        // Dealt, not chunked: no node has more than one unit more than another.
        Assert.InRange(shares.Max(s => s.Count) - shares.Min(s => s.Count), 0, 1);
    }

    [Fact]
    public void Every_node_works_out_the_same_shares_from_its_own_copy_of_the_scenario_whatever_order_they_start_in()
    {
        var config = Config(3, "house-2");
        var inOrder = Enumerable.Range(0, 3).ToDictionary(shard => shard, shard => Ids(UnitPlacement.SimShare(Quickstart.Value, config, shard)));

        // Each node loads the scenario itself, and the last shard may well come up first.
        var reversed = new[] { 2, 0, 1 }.ToDictionary(shard => shard, shard => Ids(UnitPlacement.SimShare(PlanOf("quickstart.yaml"), config, shard)));

        Assert.All(inOrder, share => Assert.Equal(share.Value, reversed[share.Key]));
        Assert.Equal(["pv-roof", "ev-1", "house-3"], inOrder[0]);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    public void A_shard_outside_the_configured_sim_nodes_is_refused(int shard)
    {
        var e = Assert.Throws<NodeConfigurationException>(() => UnitPlacement.SimShare(Quickstart.Value, Config(3), shard));

        Assert.Equal($"--shard {shard}: the configuration has 3 sim node(s), shards 0..2", e.Message);
    }

    [Fact]
    public void Pi_units_that_are_units_of_the_scenario_pass_the_check()
    {
        UnitPlacement.CheckPiUnits(Quickstart.Value, Config(2, "house-1", "ev-2", "battery"));
        UnitPlacement.CheckPiUnits(Quickstart.Value, Config(2));
    }

    [Fact]
    public void Pi_units_the_scenario_does_not_have_are_named()
    {
        var e = Assert.Throws<NodeConfigurationException>(() => UnitPlacement.CheckPiUnits(Quickstart.Value, Config(2, "house-9", "house-1", "pv-attic")));

        Assert.Equal($"{ConfigPath}: pi_units name units the scenario does not have: house-9, pv-attic", e.Message);
    }

    [Theory]
    [InlineData("quickstart.yaml", "diesel")]
    [InlineData("ieee-eu-lv-prosumers.yaml", "grid")]
    public void The_balance_responsible_party_cannot_be_a_pi_unit(string scenario, string brp)
    {
        var plan = scenario == "quickstart.yaml" ? Quickstart.Value : Prosumers.Value;

        var e = Assert.Throws<NodeConfigurationException>(() => UnitPlacement.CheckPiUnits(plan, Config(2, brp)));

        Assert.Equal($"{ConfigPath}: {brp} is the balance-responsible party (slack or upstream supplier), which runs with the market", e.Message);
    }
}
