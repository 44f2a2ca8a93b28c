using System.Diagnostics;
using MicroMarket.Simulation.Decisions;
using MicroMarket.Simulation.Recording;
using MicroMarket.Simulation;
using MicroMarket.Market.Contracts;
using MicroMarket.Scenarios.Model;
using MicroMarket.Simulation.Physics;

namespace MicroMarket.Simulation.Running;

/// <summary>
/// One run of a plan on an open market: the tables it fills, the feeder's physics, the market's
/// rules and price prior, and, at the end, the run directory written and verified.
/// </summary>
public sealed class MarketRun
{
    private readonly ScenarioPlan _plan;
    private readonly MarketSession _session;

    public MarketRun(ScenarioPlan plan, MarketSession session, IReadOnlyList<UnitIdentity> identities)
    {
        _plan = plan;
        _session = session;
        Identities = identities;
        var scenario = plan.Scenario;
        Tables = new RunTables(plan.Calendar, plan.Units.Select(u =>
            new UnitInfo(u.Id, u.Index, u.Agent.Kind, u.Agent.Spec.Bus, u.Agent.Spec.Phase.ToString().ToUpperInvariant())).ToList());
        Physics = new FeederPhysics(plan.Network, scenario.Mode, plan.Units.Select(u => u.Agent.Spec), plan.Calendar.SlotLength);
        Rules = new MarketRules(plan.Calendar.Parameters);
        PriorOutlook = Enumerable.Range(0, plan.Calendar.SlotsPerDay)
            .Select(k => scenario.Market.PriceOutlook?[k * scenario.Time.SlotMinutes / 60] ?? scenario.Market.ImbalanceFallbackPrice).ToList();
    }

    /// <summary>Every registered unit, in registry order, with the addresses it registered.</summary>
    public IReadOnlyList<UnitIdentity> Identities { get; }

    public RunTables Tables { get; }

    public FeederPhysics Physics { get; }

    public MarketRules Rules { get; }

    /// <summary>The price prior per slot of the day: the scenario's hourly outlook, or the fallback imbalance price.</summary>
    public IReadOnlyList<decimal> PriorOutlook { get; }

    /// <summary>
    /// Once every event has reached the tables: verifies the invariants against the chain and the
    /// C# reference, computes the KPIs and writes the run directory (summary.json last).
    /// </summary>
    public async Task<RunResult> WriteAsync(RunOutcome outcome, string directory, Stopwatch elapsed)
    {
        var deposits = _plan.Units.ToDictionary(u => u.Id, u => _plan.DepositMicro(u) * MarketClient.NanoPerMicro);
        var verification = await RunChecks.CheckAsync(Tables, _session.Market, deposits).ConfigureAwait(false);
        var kpis = KpiFormulas.From(Tables, _plan.Scenario, _plan.Calendar.Days, BaselinePrices());
        var output = new RunOutput(directory);
        Physics.WriteNetwork(directory);
        output.WriteTiming(elapsed.Elapsed, _session.Pipeline);
        output.Write(Tables, _plan.Scenario, _plan.Calendar, outcome, verification, kpis, _session.Market, _session.Chain, _session.Operator);
        return new RunResult(outcome.Complete, outcome.Failure, directory, verification, kpis);
    }

    /// <summary>
    /// The no-market baseline per kWh: what the balance-responsible party charges for energy and
    /// pays for a surplus (grid-connected the tariffs; islanded the slack's marginal cost and nothing).
    /// </summary>
    private (decimal Buy, decimal Sell) BaselinePrices()
    {
        var brp = BalanceResponsibleParty.Of(_plan.Scenario);
        return (brp.ShortfallCost, brp.SurplusValue);
    }
}
