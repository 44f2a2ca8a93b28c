using MicroMarket.Agents.Running;
using MicroMarket.Node.Deployment;
using MicroMarket.Simulation.Running;

namespace MicroMarket.Node;

/// <summary>
/// Where each unit runs, decided by the configuration alone so that every node agrees without
/// talking: the balance-responsible party (the island's grid-forming slack, or the upstream
/// supplier) with the market on the operator's node, since the grid cannot go on without it; the
/// Pi units on their Pis; the others dealt round-robin over the sim nodes in registry order (shard
/// k hosts the k-th, (k + n)-th, ... of them).
/// </summary>
public static class UnitPlacement
{
    public static IReadOnlyList<PlannedUnit> MarketShare(ScenarioPlan plan, NodeConfig config) =>
        plan.Units.Where(u => config.PiUnit(u.Id) is null && u.Agent.IsBalanceResponsible).ToList();

    public static IReadOnlyList<PlannedUnit> SimShare(ScenarioPlan plan, NodeConfig config, int shard)
    {
        if (shard < 0 || shard >= config.Cluster.SimNodes)
        {
            throw new NodeConfigurationException($"--shard {shard}: the configuration has {config.Cluster.SimNodes} sim node(s), shards 0..{config.Cluster.SimNodes - 1}");
        }
        return plan.Units.Where(u => config.PiUnit(u.Id) is null && !u.Agent.IsBalanceResponsible).Where((_, i) => i % config.Cluster.SimNodes == shard).ToList();
    }

    /// <summary>Every Pi unit must be a unit of the scenario, and not the balance-responsible party.</summary>
    public static void CheckPiUnits(ScenarioPlan plan, NodeConfig config)
    {
        var unknown = config.PiUnits.Where(p => plan.Units.All(u => u.Id != p.Unit)).Select(p => p.Unit).ToList();
        if (unknown.Count > 0)
        {
            throw new NodeConfigurationException($"{config.SourcePath}: pi_units name units the scenario does not have: {string.Join(", ", unknown)}");
        }
        var brp = config.PiUnits.Where(p => plan.Unit(p.Unit).Agent.IsBalanceResponsible).Select(p => p.Unit).ToList();
        if (brp.Count > 0)
        {
            throw new NodeConfigurationException($"{config.SourcePath}: {string.Join(", ", brp)} is the balance-responsible party (slack or upstream supplier), which runs with the market");
        }
    }
}
