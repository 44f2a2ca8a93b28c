using MicroMarket.RunFormat;
using MicroMarket.Market;
using System.Numerics;
using MicroMarket.Simulation.Decisions;
using MicroMarket.Simulation;
using MicroMarket.Grid.Model;
using MicroMarket.Grid.Networks;
using MicroMarket.Market.Chain;
using MicroMarket.Scenarios.Model;

namespace MicroMarket.Simulation.Running;

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

    /// <param name="live">The market node's pace in live mode; other nodes need none (their agents follow model time).</param>
    public ScenarioPlan(Scenario scenario, LivePace? live = null)
    {
        Scenario = scenario;
        Network = NetworkLibrary.Load(scenario.Network.NameOrPath);
        Calendar = new SimulationCalendar(scenario.Time, scenario.Market, live, BalanceResponsibleParty.Of(scenario));
        Units = new UnitAgentFactory(scenario, Network, Calendar).CreateAll().Select((a, i) => new PlannedUnit((uint)(i + 1), a)).ToList();
    }

    public Scenario Scenario { get; }

    /// <summary>The per-slot tables' format the run writes: by default Parquet beyond a month, CSV otherwise (<c>run --format</c>).</summary>
    public TableFormatChoice Tables { get; init; } = TableFormatChoice.Auto;

    public Network Network { get; }

    public SimulationCalendar Calendar { get; }

    public IReadOnlyList<PlannedUnit> Units { get; }

    public PlannedUnit Unit(string id) => Units.FirstOrDefault(u => u.Id == id) ?? throw new ArgumentException($"the scenario has no unit '{id}'");

    /// <summary>The reproducible trading key of a simulated unit: never use it on a chain that holds value.</summary>
    public EthKey SimulatedTraderKey(string unitId) => EthKey.Derive($"micromarket/{Scenario.Name}/{Scenario.Seed}/trader/{unitId}", 0);

    /// <summary>The key the metering service signs a simulated unit's readings with (the grid operator's meter at the unit).</summary>
    public EthKey SimulatedMeterKey(string unitId) => EthKey.Derive($"micromarket/{Scenario.Name}/{Scenario.Seed}/meter/{unitId}", 0);

    /// <summary>A simulated unit as a node hosts it: the plan's agent and its trading key; its meter is the metering service's.</summary>
    public HostedUnit Hosted(PlannedUnit unit) =>
        new(new UnitIdentity(unit.Index, unit.Id, SimulatedTraderKey(unit.Id).Address, SimulatedMeterKey(unit.Id).Address), unit.Agent, SimulatedTraderKey(unit.Id), () => FreshAgent(unit));

    /// <summary>A unit with a device of its own (a Pi), whose meter signs with the device's key.</summary>
    public HostedUnit Hosted(PlannedUnit unit, EthKey trader, IUnitDevice device) =>
        new(new UnitIdentity(unit.Index, unit.Id, trader.Address, device.MeterAddress), unit.Agent, trader, () => FreshAgent(unit), device);

    /// <summary>
    /// The unit's agent as the plan built it, before any slot, built again. All agents are: a community battery's
    /// outlook is the price takers' forecasts, which are built with it. Rare (a unit whose market went back in time),
    /// so it costs what the plan cost.
    /// </summary>
    public IUnitAgent FreshAgent(PlannedUnit unit) => new UnitAgentFactory(Scenario, Network, Calendar).CreateAll()[(int)unit.Index - 1];

    /// <summary>
    /// What each unit deposits, micro-units: its initial balance, plus a credit line for the
    /// collateral its orders can lock at most (every open slot at its full rating on both sides at
    /// the price cap: a buy locks price x quantity, a sell (cap - price) x quantity), so that no
    /// strategy is ever refused for collateral. The balance-responsible party's orders lock its buys
    /// only, and it keeps the reserve its open slots may need in long payouts (twice every other
    /// unit's rating at the long price cap). Bills and KPIs count payments, never this line.
    /// </summary>
    public BigInteger DepositMicro(PlannedUnit unit)
    {
        var p = Calendar.Parameters;
        var micro = MicroTokens.FromTokens(unit.Agent.Spec.InitialBalance ?? Scenario.Market.InitialBalance).Micro;
        var openSlots = (BigInteger)Calendar.MaxOpenSlots;
        var rating = (BigInteger)unit.Agent.RatingWhPerSlot;
        BigInteger lockNano;
        if (unit.Agent.IsBalanceResponsible)
        {
            var othersWh = Units.Where(u => u != unit).Aggregate(BigInteger.Zero, (sum, u) => sum + u.Agent.RatingWhPerSlot);
            lockNano = openSlots * (rating * p.PriceCapMicroPerKwh + 2 * othersWh * p.EffectiveLongPriceCapMicroPerKwh);
        }
        else
        {
            lockNano = openSlots * 2 * rating * p.PriceCapMicroPerKwh + MarginNano(unit);
        }
        return micro + lockNano / NanoTokens.PerMicro + 1;
    }

    /// <summary>A unit's imbalance margin, locked for as long as it trades: margin_slots of its rating at the price cap (none for the BRP).</summary>
    public BigInteger MarginNano(PlannedUnit unit) => unit.Agent.IsBalanceResponsible ? BigInteger.Zero
        : Scenario.Market.MarginSlots * (BigInteger)unit.Agent.RatingWhPerSlot * Calendar.Parameters.PriceCapMicroPerKwh;

    public UnitPlan Plan(PlannedUnit unit, UnitIdentity identity) =>
        new(identity, unit.Agent.Kind, unit.Agent.Spec, unit.Agent.RatingWhPerSlot, MarginNano(unit), DepositMicro(unit));
}
