using MicroMarket.Simulation.Recording;
using MicroMarket.Simulation;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Model;

namespace MicroMarket.Simulation.Running;

/// <summary>
/// Writes the run directory: the tidy tables, summary.json (status, KPIs, invariant checks), chain.json
/// (addresses, chain id) — all reproducible byte for byte — and timing.json, the only file with
/// wall-clock figures. summary.json is written last. The per-slot tables go in <paramref name="tables"/>'s format.
/// </summary>
public sealed class RunOutput(string directory, TableFormat tables)
{
    public void Write(RunTables run, Scenario scenario, SimulationCalendar calendar, RunOutcome outcome,
        RunVerification verification, RunKpis kpis, PriceForecastError priceForecast, MarketClient market, ChainConnection chain, EthKey operatorKey)
    {
        run.Write(directory, tables);
        RunJson.Write(directory, RunDirectory.Chain, new RunChain(chain.ChainId, chain.ClientVersion, market.MarketAddress, market.TokenAddress, operatorKey.Address,
            calendar.GenesisUnix, calendar.Parameters.SlotSeconds, [.. run.Units.Select(u => new RunChainUnit(u.Id, u.Index))]));
        // Last: a summary.json that exists describes everything written before it.
        RunWithoutResults.WriteResults(directory, new RunSummary(scenario.Name, scenario.Seed, outcome.Complete, outcome.Failure,
            scenario.Mode is IslandMode ? RunSummary.IslandMode : RunSummary.GridConnectedMode, calendar.Days, calendar.TotalSlots, run.LastDeliveredSlot + 1,
            outcome.PhasesDone, run.Units.Count, kpis, verification) { PriceForecast = priceForecast, Description = scenario.Description, Interrupted = outcome.Interrupted, Resumed = outcome.Resumed });
    }

    /// <summary>Wall-clock figures: how long the run took and how fast the chain went. Not reproducible by nature, so kept apart.</summary>
    public void WriteTiming(TimeSpan elapsed, TransactionPipeline pipeline)
    {
        var t = pipeline.Timings;
        RunJson.Write(directory, RunDirectory.Timing, new RunTiming(
            Math.Round(elapsed.TotalSeconds, 3),
            pipeline.TransactionsMined,
            Math.Round(pipeline.TransactionsMined / Math.Max(elapsed.TotalSeconds, 1e-9), 1),
            Math.Round(t.Estimating.TotalSeconds, 3),
            Math.Round(t.SigningAndSending.TotalSeconds, 3),
            Math.Round(t.Mining.TotalSeconds, 3),
            Math.Round(t.Receipts.TotalSeconds, 3)));
    }
}
