using System.Numerics;
using MicroMarket.Agents.Actors;
using MicroMarket.Agents.Decisions;
using MicroMarket.Agents.Simulation;
using MicroMarket.Grid.Model;
using MicroMarket.Grid.Networks;
using MicroMarket.Market.Chain;
using MicroMarket.Scenarios.Model;

namespace MicroMarket.Agents.Running;

/// <summary>One unit of the plan: its registry index (1-based, scenario order) and its agent.</summary>
public sealed record PlannedUnit(uint Index, IUnitAgent Agent)
{
    public string Id => Agent.Spec.Id;
}

/// <summary>
/// Everything every node derives from the scenario alone, identically: the network, the calendar,
/// every unit's agent in registry order (the upstream supplier last when grid-connected), and the
/// keys of simulated units (derived from the scenario's name and seed).
/// </summary>
public sealed class ScenarioPlan
{
    /// <summary>The balance-responsible party deposits enough to pay this many slots of every other unit's full rating as long imbalance at the price cap.</summary>
    private const int BrpCoverSlots = 96;

    /// <param name="live">The market node's pace in live mode; other nodes need none (their agents follow model time).</param>
    public ScenarioPlan(Scenario scenario, LivePace? live = null)
    {
        Scenario = scenario;
        Network = NetworkLibrary.Load(scenario.Network.NameOrPath);
        Calendar = new SimulationCalendar(scenario.Time, scenario.Market, live);
        Units = new UnitAgentFactory(scenario, Network, Calendar).CreateAll().Select((a, i) => new PlannedUnit((uint)(i + 1), a)).ToList();
    }

    public Scenario Scenario { get; }

    public Network Network { get; }

    public SimulationCalendar Calendar { get; }

    public IReadOnlyList<PlannedUnit> Units { get; }

    public PlannedUnit Unit(string id) => Units.FirstOrDefault(u => u.Id == id) ?? throw new ArgumentException($"the scenario has no unit '{id}'");

    /// <summary>The reproducible keys of a simulated unit: never use them on a chain that holds value.</summary>
    public UnitKeys SimulatedKeys(string unitId) => new(
        EthKey.Derive($"micromarket/{Scenario.Name}/{Scenario.Seed}/trader/{unitId}", 0),
        EthKey.Derive($"micromarket/{Scenario.Name}/{Scenario.Seed}/meter/{unitId}", 0));

    /// <summary>A unit as a node hosts it: the plan's agent, with the keys the node holds for it.</summary>
    public HostedUnit Hosted(PlannedUnit unit, UnitKeys keys) => new(new UnitIdentity(unit.Index, unit.Id, keys.Trader.Address, keys.Meter.Address), unit.Agent, keys);

    /// <summary>What each unit deposits, micro-units: its initial balance; the BRP also enough to be able to pay every long imbalance.</summary>
    public BigInteger DepositMicro(PlannedUnit unit)
    {
        var micro = Money.MicroFromTokens(unit.Agent.Spec.InitialBalance ?? Scenario.Market.InitialBalance);
        if (unit.Agent.MarketKind is not (MicroMarket.Market.UnitKind.Slack or MicroMarket.Market.UnitKind.Grid))
        {
            return micro;
        }
        var capNano = (BigInteger)Calendar.Parameters.PriceCapMicroPerKwh;
        var cover = Units.Where(u => u != unit).Aggregate(BigInteger.Zero, (sum, u) => sum + u.Agent.RatingWhPerSlot * capNano) * BrpCoverSlots;
        return micro + cover / MicroMarket.Market.Contracts.MarketClient.NanoPerMicro + 1;
    }

    public UnitPlan Plan(PlannedUnit unit, UnitIdentity identity) =>
        new(identity, unit.Agent.MarketKind, MarketRun.KindName(unit.Agent.Spec), unit.Agent.Spec, unit.Agent.RatingWhPerSlot, DepositMicro(unit));
}
