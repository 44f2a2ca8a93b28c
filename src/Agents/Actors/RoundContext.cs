using Akka.Actor;
using MicroMarket.Agents.Decisions;
using MicroMarket.Agents.Simulation;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;

namespace MicroMarket.Agents.Actors;

/// <summary>A unit actor and its identity, in registry order.</summary>
public sealed record UnitHandle(UnitIdentity Identity, IActorRef Actor);

/// <summary>What every round works with: the units, the services, the operator's key, the calendar and the market's rules.</summary>
public sealed record RoundContext(
    IReadOnlyList<UnitHandle> Units,
    IActorRef Gateway,
    IActorRef GridOperator,
    IActorRef Recorder,
    MarketClient Market,
    EthKey Operator,
    SimulationCalendar Calendar,
    MarketRules Rules)
{
    /// <summary>Readings and settlements per transaction: about 40 k gas each, so a batch stays far below the 2^24 cap.</summary>
    public const int UnitsPerMeteringTransaction = 150;

    /// <summary>Gas a clearing transaction may use (below Ethereum's 2^24 per-transaction cap, with headroom).</summary>
    public const long ClearingGasBudget = 12_000_000;

    public UnitHandle Unit(string id) => Units.First(u => u.Identity.Id == id);

    public uint IndexOf(string unitId) => Unit(unitId).Identity.Index;
}
