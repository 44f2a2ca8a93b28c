using System.Text.Json;
using System.Text.Json.Serialization;
using MicroMarket.Simulation.Recording;
using MicroMarket.Simulation;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios.Model;

namespace MicroMarket.Simulation.Running;

/// <summary>
/// The run directory: the tidy tables, summary.json (status, KPIs, invariant checks), chain.json
/// (addresses, chain id) — all reproducible byte for byte — and timing.json, the only file with
/// wall-clock figures. summary.json is written last.
/// </summary>
public sealed class RunOutput(string directory)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string Directory => directory;

    public void Write(RunTables tables, Scenario scenario, SimulationCalendar calendar, RunOutcome outcome,
        RunVerification verification, RunKpis kpis, MarketClient market, ChainConnection chain, EthKey operatorKey)
    {
        tables.Write(directory);
        var summary = new
        {
            Scenario = scenario.Name,
            scenario.Seed,
            Complete = outcome.Complete,
            outcome.Failure,
            Mode = scenario.Mode is IslandMode ? "island" : "grid-connected",
            Days = calendar.Days,
            SlotsTotal = calendar.TotalSlots,
            SlotsDelivered = tables.LastDeliveredSlot + 1,
            PhasesDone = outcome.PhasesDone,
            Units = tables.Units.Count,
            Kpis = kpis,
            Verification = new
            {
                verification.EnergyBalanced,
                verification.MaxEnergyResidualKwh,
                verification.MoneyConserved,
                EscrowHeldNano = verification.EscrowHeldNano.ToString(),
                BalancesNano = verification.BalancesNano.ToString(),
                ClearingHouseNano = verification.ClearingHouseNano.ToString(),
                ClaimsFundNano = verification.ClaimsFundNano.ToString(),
                BalanceChangeNano = verification.BalanceChangeNano.ToString(),
                verification.BooksChecked,
                verification.ClearingMismatches,
                verification.ReadingsChecked,
                verification.ReadingMismatches,
                verification.Holds,
            },
        };
        WriteJson(RunDirectory.Chain, new
        {
            ChainId = chain.ChainId,
            Client = chain.ClientVersion,
            Market = market.MarketAddress,
            Token = market.TokenAddress,
            Operator = operatorKey.Address,
            GenesisUnix = calendar.GenesisUnix,
            SlotSeconds = calendar.Parameters.SlotSeconds,
            Units = tables.Units.Select(u => new { u.Id, u.Index }),
        });
        // Last: a summary.json that exists describes everything written before it.
        WriteJson(RunDirectory.Summary, summary);
    }

    /// <summary>Wall-clock figures: how long the run took and how fast the chain went. Not reproducible by nature, so kept apart.</summary>
    public void WriteTiming(TimeSpan elapsed, TransactionPipeline pipeline)
    {
        var t = pipeline.Timings;
        WriteJson(RunDirectory.Timing, new
        {
            ElapsedSeconds = Math.Round(elapsed.TotalSeconds, 3),
            TransactionsMined = pipeline.TransactionsMined,
            TransactionsPerSecond = Math.Round(pipeline.TransactionsMined / Math.Max(elapsed.TotalSeconds, 1e-9), 1),
            EstimatingSeconds = Math.Round(t.Estimating.TotalSeconds, 3),
            SigningAndSendingSeconds = Math.Round(t.SigningAndSending.TotalSeconds, 3),
            MiningSeconds = Math.Round(t.Mining.TotalSeconds, 3),
            ReceiptsSeconds = Math.Round(t.Receipts.TotalSeconds, 3),
        });
    }

    private void WriteJson(string name, object value) =>
        File.WriteAllText(Path.Combine(directory, name), JsonSerializer.Serialize(value, Json) + "\n");
}
