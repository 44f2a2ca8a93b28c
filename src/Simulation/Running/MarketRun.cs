using MicroMarket.Market;
using MicroMarket.Simulation.Decisions;
using MicroMarket.Simulation.Recording;
using MicroMarket.Simulation;
using MicroMarket.Market.Contracts;
using MicroMarket.Scenarios.Model;
using MicroMarket.Simulation.Physics;
using MicroMarket.RunFormat;

namespace MicroMarket.Simulation.Running;

/// <summary>
/// One run of a plan on an open market: the market's rules and price prior, what the run's tables
/// and the feeder's physics start from, and, at the end, the run directory written and verified.
/// The tables and the physics themselves belong to the actors that fill them (the recorder, the
/// grid operator), which hand them over once the run has ended.
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
        Rules = new MarketRules(plan.Calendar.Parameters) { IntradayMinCorrectionWh = scenario.Market.IntradayMinCorrectionWh };
        var perDay = plan.Calendar.SlotsPerDay;
        var merit = new MeritOrderEstimate(plan);
        Func<int, decimal> prior = scenario.Market.PriceOutlook is { } outlook
            ? slot => outlook[((slot % perDay) + perDay) % perDay * scenario.Time.SlotMinutes / 60]
            : merit.At;
        Forecaster = new PriceForecaster(perDay, plan.Calendar.SlotsPerHour, prior, Rules.PriceFloor, Rules.PriceCap);
    }

    /// <summary>Every registered unit, in registry order, with the addresses it registered.</summary>
    public IReadOnlyList<UnitIdentity> Identities { get; }

    public MarketRules Rules { get; }

    /// <summary>
    /// The price expectation the market's clock hands every planning agent, learning from the day-ahead prices: its
    /// prior is the scenario's hourly outlook where it gives one, else the merit-order estimate.
    /// </summary>
    public PriceForecaster Forecaster { get; }

    /// <summary>The units as the run's tables describe them, in registry order.</summary>
    public static IReadOnlyList<UnitInfo> TableUnits(ScenarioPlan plan) => plan.Units.Select(u =>
        new UnitInfo(u.Id, u.Index, u.Agent.Kind, u.Agent.Spec.Bus, u.Agent.Spec.Phase.ToString().ToUpperInvariant())).ToList();

    /// <summary>The feeder's physics at the start of the run: every unit of the plan connected, nothing solved yet.</summary>
    public static FeederPhysics NewPhysics(ScenarioPlan plan) =>
        new(plan.Network, plan.Scenario.Mode, plan.Units.Select(u => u.Agent.Spec), plan.Calendar.SlotLength);

    /// <summary>
    /// With the tables every event has reached and the feeder as the run left it: verifies the
    /// invariants against the chain and the C# reference, computes the KPIs and writes the run
    /// directory (summary.json last). <paramref name="elapsed"/> is read when timing.json is written.
    /// </summary>
    public async Task<RunResult> WriteAsync(RunTables tables, FeederRecord feeder, RunOutcome outcome, string directory, Func<TimeSpan> elapsed)
    {
        var deposits = _plan.Units.ToDictionary(u => u.Id, u => _plan.DepositMicro(u) * NanoTokens.PerMicro);
        var verification = await RunChecks.CheckAsync(tables, _session.Market, deposits).ConfigureAwait(false);
        var brp = BalanceResponsibleParty.Of(_plan.Scenario);
        foreach (var row in tables.SlotRows)
        {
            row.ExpectedDayAheadPrice = Forecaster.ExpectedAt(row.Slot);
            row.Tariff = _plan.Scenario.Mode is GridConnectedMode ? brp.At(row.Slot) : null;
        }
        var kpis = KpiFormulas.From(tables, _plan.Scenario, brp.At);
        var output = new RunOutput(directory, _plan.Tables.For(_plan.Calendar.Days));
        feeder.Write(directory);
        output.WriteTiming(elapsed(), _session.Pipeline);
        output.Write(tables, _plan.Scenario, _plan.Calendar, outcome, verification, kpis, Forecaster.Error, _session.Market, _session.Chain, _session.Operator);
        return new RunResult(outcome.Complete, outcome.Failure, directory, verification, kpis, outcome.Interrupted);
    }

}
