using Akka.Actor;
using MicroMarket.Simulation.Decisions;
using MicroMarket.Agents.Running;
using MicroMarket.Simulation;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;
using MicroMarket.Simulation.Running;

namespace MicroMarket.Agents.Actors;

/// <summary>A unit actor and its identity, in registry order.</summary>
public sealed record UnitHandle(UnitIdentity Identity, IActorRef Actor);

/// <summary>
/// What every round works with: the units present (and every unit registered, with its rating),
/// the services (the metering service signs simulated units' readings), the operator's key, the
/// calendar, the market's rules, and how long a unit may take to answer before it counts as absent.
/// </summary>
public sealed record RoundContext(
    IReadOnlyList<UnitHandle> Units,
    IReadOnlyList<UnitIdentity> AllUnits,
    IReadOnlyDictionary<string, long> RatingsWh,
    IActorRef Gateway,
    IActorRef GridOperator,
    IActorRef Recorder,
    MarketClient Market,
    EthKey Operator,
    MeteringService Metering,
    SimulationCalendar Calendar,
    MarketRules Rules,
    TimeSpan UnitReplyTimeout)
{
    /// <summary>Readings, instructions and settlements per transaction: at most 60 k gas each, so a batch stays far below the 2^24 cap.</summary>
    public const int UnitsPerMeteringTransaction = 150;

    /// <summary>Gas a clearing transaction may use (below Ethereum's 2^24 per-transaction cap, with headroom).</summary>
    public const long ClearingGasBudget = 12_000_000;

    public UnitHandle Unit(string id) => Units.First(u => u.Identity.Id == id);

    /// <summary>A registered unit's index, whether or not it is present now.</summary>
    public uint IndexOf(string unitId) => AllUnits.First(u => u.Id == unitId).Index;
}
