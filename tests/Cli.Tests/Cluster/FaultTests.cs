using MicroMarket.Agents.Running;
using MicroMarket.Agents.Tests.Simulation;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts.MicroMarketDefinition;
using MicroMarket.Node;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios;
using MicroMarket.Node.Deployment;
using MicroMarket.Simulation.Running;
using MicroMarket.Simulation.Decisions;
using MicroMarket.Simulation.Physics;

namespace MicroMarket.Cli.Tests.Cluster;

/// <summary>
/// Faults with three processes on loopback (a market node and two sim nodes; the split-brain
/// resolver keeps the majority). Each run's chain is an Anvil the test starts, so that what the
/// chain says happened can be read after the nodes have gone.
/// </summary>
[Collection("cluster")]
public sealed class FaultTests(QuickstartReference reference)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_sim_node_killed_mid_run_is_downed_its_units_settle_as_missing_and_after_a_restart_they_trade_again_until_killed_for_good()
    {
        // Two days of the quickstart: without the lost node the market runs an hour in a fraction of a second, so a
        // node restarted during the first day (a few seconds of start-up) has the second day left to trade in.
        var folder = Directory.CreateTempSubdirectory("micromarket-two-days-");
        var scenario = Path.Combine(folder.FullName, "quickstart-two-days.yaml");
        File.WriteAllText(scenario, File.ReadAllText(reference.Scenario)
            .Replace("days: 1,", "days: 2,", StringComparison.Ordinal)
            .Replace("file: feeders/", $"file: {Path.Combine(Path.GetDirectoryName(reference.Scenario)!, "feeders")}/", StringComparison.Ordinal));
        var plan = new ScenarioPlan(ScenarioLoader.Load(scenario));
        await using var anvil = await AnvilNode.StartAsync(new AnvilOptions { GenesisTimestamp = plan.Calendar.ChainStartUnix - 60 });
        using var deployment = new Deployment(scenario, $"  chain: {anvil.RpcUrl}");
        using var cleanup = new Cleanup(folder);
        var market = deployment.Market();
        deployment.Sim(0);
        var victim = deployment.Sim(1);

        await market.WaitForLineAsync(l => l.Contains("IntradayClearing 6 ", StringComparison.Ordinal), StepTimeout);
        victim.Kill();
        await market.WaitForLineAsync(l => l.Contains("is gone", StringComparison.Ordinal), StepTimeout);
        var restarted = deployment.Start("sim-1-again", "--role", "sim", "--shard", "1");
        await market.WaitForLineAsync(l => l.Contains("is back", StringComparison.Ordinal), StepTimeout);
        await market.WaitForLineAsync(l => l.Contains("trades again", StringComparison.Ordinal), StepTimeout);
        // Killed again for good two clearings after it trades again (when that is depends on the machine): it trades in
        // between, and the run's last readings settle in the final settlement.
        var hourBack = System.Text.RegularExpressions.Regex.Matches(market.Output, @"IntradayClearing (\d+) ").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Max();
        Assert.True(hourBack + 2 < plan.Calendar.Days * 24, $"the node traded again only at hour {hourBack}, too late to trade before the run ends\n{deployment.Outputs}");
        await market.WaitForLineAsync(l => l.Contains($"IntradayClearing {hourBack + 2} ", StringComparison.Ordinal), RunTimeout);
        restarted.Kill();

        Assert.True(await market.WaitForExitAsync(RunTimeout) == 0, deployment.Outputs);
        var lost = UnitPlacement.SimShare(plan, NodeConfigLoader.Load(deployment.ConfigPath), 1).Select(u => u.Id).ToHashSet();
        var missing = UnitRows(deployment.RunDirectory).Where(r => r.Missing).ToList();
        // Only the killed node's units missed readings: while it was down, not before it died nor while it was back.
        Assert.NotEmpty(missing);
        Assert.All(missing, r => Assert.Contains(r.Unit, lost));
        // Killed once the intra-day gate of 06:00 had closed (at 05:00): slots up to 04:45 were delivered in full.
        Assert.DoesNotContain(missing, r => r.Slot < 20);
        // Missing, then trading again, then missing to the end.
        var rows = UnitRows(deployment.RunDirectory).Where(r => lost.Contains(r.Unit)).ToList();
        var traded = rows.Where(r => !r.Missing && r.Slot > missing.Min(m => m.Slot)).ToList();
        Assert.NotEmpty(traded);
        Assert.Contains(missing, r => r.Slot > traded.Max(b => b.Slot));
        var last = plan.Calendar.TotalSlots - 1;
        Assert.Equal(lost.Order(), missing.Where(r => r.Slot == last).Select(r => r.Unit).Order());
        // The restarted node's battery went on from the charge it had (idle while away), not from its initial charge.
        Assert.Contains("battery", lost);
        AssertChargeFollowsPower(deployment.RunDirectory, "battery", initialSoc: 0.5, capacityKwh: 20, efficiency: 0.95, slotHours: 0.25);

        // A node that died without leaving is a warning on the market node: only a peer that left on purpose closes its
        // connection without one.
        Assert.Contains(deployment.Complaints, c => c.StartsWith("market: [WARNING]", StringComparison.Ordinal) && c.Contains("UNREACHABLE", StringComparison.Ordinal));

        await AssertChainSettledEverySlotOnce(anvil.RpcUrl, deployment.RunDirectory, plan);
        // What the market node recorded, late settlements and the final settlement included, is what the chain settled.
        var settledMissing = await SettlementAudit.AgreesWithChainAsync(anvil.RpcUrl, deployment.RunDirectory, plan.Calendar.Parameters);
        Assert.Equal(missing.Select(r => (r.Slot, r.Unit)).Order(), settledMissing.Order());
    }

    [Fact]
    public async Task An_RPC_outage_of_20_s_is_ridden_out_without_a_transaction_sent_twice_or_lost()
    {
        var plan = new ScenarioPlan(ScenarioLoader.Load(reference.Scenario));
        await using var anvil = await AnvilNode.StartAsync(new AnvilOptions { GenesisTimestamp = plan.Calendar.ChainStartUnix - 60 });
        await using var network = new TcpProxy(anvil.RpcUrl.Port);
        using var deployment = new Deployment(reference.Scenario, $"  chain: {network.Url}");
        var market = deployment.Market();
        deployment.Sim(0);
        deployment.Sim(1);

        await market.WaitForLineAsync(l => l.Contains("IntradayClearing 6 ", StringComparison.Ordinal), StepTimeout);
        await network.FailForAsync(TimeSpan.FromSeconds(20));

        Assert.True(await market.WaitForExitAsync(RunTimeout) == 0, deployment.Outputs);
        // The same transactions, nonces, hashes, fills and bills as a run without the outage.
        Assert.Empty(reference.Differences(deployment.RunDirectory));
        await AssertChainSettledEverySlotOnce(anvil.RpcUrl, deployment.RunDirectory, plan);
    }

    [Fact]
    public async Task Losing_the_market_node_for_good_ends_the_run_on_every_other_node_after_the_start_timeout_and_takes_its_chain_with_it()
    {
        // The other nodes wait this long for a market node resumed from the run's checkpoint.
        using var deployment = new Deployment(reference.Scenario, startTimeoutSeconds: 10);
        var market = deployment.Market();
        var sims = new[] { deployment.Sim(0), deployment.Sim(1) };

        await market.WaitForLineAsync(l => l.Contains("IntradayClearing 6 ", StringComparison.Ordinal), StepTimeout);
        var chain = ProcessTable.ChildrenOf(market.ProcessId);
        Assert.Contains(chain, c => c.Name == "anvil");
        market.Kill();

        // The Anvil the market node started dies with it (its parent-death signal), and every other node ends.
        Assert.Empty(await ProcessTable.StillRunningAfterAsync(chain.Select(c => c.Pid), TimeSpan.FromSeconds(5)));
        foreach (var sim in sims)
        {
            Assert.Equal(1, await sim.WaitForExitAsync(StepTimeout));
            Assert.Contains("the market node left the cluster and did not come back within 10 s: the run is lost", sim.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_market_node_killed_mid_run_and_resumed_from_its_checkpoint_completes_the_run_on_its_own_Anvil_with_every_row()
    {
        using var deployment = new Deployment(reference.Scenario);

        var checkpoint = await KillAndResumeMarketAsync(deployment, new ScenarioPlan(ScenarioLoader.Load(reference.Scenario)));

        // The market node's own Anvil died with it: the checkpoint held the chain's state.
        Assert.True(checkpoint.Chain.StateSaved);
    }

    [Fact]
    public async Task A_market_node_killed_mid_run_and_resumed_on_an_external_chain_reverts_it_to_the_checkpoint_and_every_slot_settles_once()
    {
        var plan = new ScenarioPlan(ScenarioLoader.Load(reference.Scenario));
        await using var anvil = await AnvilNode.StartAsync(new AnvilOptions { GenesisTimestamp = plan.Calendar.ChainStartUnix - 60 });
        using var deployment = new Deployment(reference.Scenario, $"  chain: {anvil.RpcUrl}");

        var checkpoint = await KillAndResumeMarketAsync(deployment, plan);

        // The node kept the chain, and a snapshot of the checkpoint's moment that the resumed run reverted to.
        Assert.False(checkpoint.Chain.StateSaved);
        Assert.NotNull(checkpoint.Chain.Snapshot);
        await AssertChainSettledEverySlotOnce(anvil.RpcUrl, deployment.RunDirectory, plan);
        var missing = UnitRows(deployment.RunDirectory).Where(r => r.Missing).Select(r => (r.Slot, r.Unit)).Order();
        Assert.Equal(missing, (await SettlementAudit.AgreesWithChainAsync(anvil.RpcUrl, deployment.RunDirectory, plan.Calendar.Parameters)).Order());
    }

    /// <summary>
    /// Kills the market node of a quickstart cluster after some clearings, resumes it from its checkpoint once the sim
    /// nodes wait for it, and checks the run it completes: the same contracts, rows from before and after the kill,
    /// each once, and the run's invariants over the restart. Returns the checkpoint found after the kill.
    /// </summary>
    private static async Task<MarketCheckpoint> KillAndResumeMarketAsync(Deployment deployment, ScenarioPlan plan)
    {
        var market = deployment.Market();
        var sims = new[] { deployment.Sim(0), deployment.Sim(1) };

        await market.WaitForLineAsync(l => l.Contains("IntradayClearing 6 ", StringComparison.Ordinal), StepTimeout);
        market.Kill();
        var checkpoint = MarketCheckpoint.Read(deployment.RunDirectory);
        Assert.NotNull(checkpoint);
        Assert.InRange(checkpoint.Clock.NextPhase, 1, plan.Calendar.Timeline().Count - 1);
        foreach (var sim in sims)
        {
            await sim.WaitForLineAsync(l => l.Contains("joins again", StringComparison.Ordinal), StepTimeout);
        }
        var resumed = deployment.Start("market-resumed", "--role", "market", "--resume", deployment.RunDirectory);

        Assert.True(await resumed.WaitForExitAsync(RunTimeout) == 0, deployment.Outputs);
        foreach (var sim in sims)
        {
            Assert.True(await sim.WaitForExitAsync(StepTimeout) == 0, deployment.Outputs);
        }
        Assert.Contains("resuming the run at phase", resumed.Output, StringComparison.Ordinal);
        var run = deployment.RunDirectory;
        // The same contracts: nothing was deployed again.
        var chain = RunJson.Read<RunChain>(run, RunDirectory.Chain);
        Assert.Equal((checkpoint.Chain.MarketAddress, checkpoint.Chain.TokenAddress), (chain.Market, chain.Token));
        var summary = RunJson.Read<RunSummary>(run, RunDirectory.Summary);
        Assert.True(summary.Complete && summary.Verification.Holds, deployment.Outputs);
        Assert.Equal(plan.Calendar.TotalSlots, summary.SlotsDelivered);
        var resumption = Assert.Single(summary.Resumed!);
        Assert.True(resumption.Phase >= checkpoint.Clock.NextPhase, $"resumed at phase {resumption.Phase}, the checkpoint seen after the kill was before {checkpoint.Clock.NextPhase}");
        // Rows from before the kill (kept by the checkpoint) and after it: every unit in every slot, once; every transaction once.
        var rows = UnitRows(run);
        Assert.Equal(plan.Calendar.TotalSlots * plan.Units.Count, rows.Count);
        Assert.Equal(rows.Count, rows.Select(r => (r.Slot, r.Unit)).Distinct().Count());
        var hashes = CsvTableReader.Open(Path.Combine(run, RunDirectory.Transactions), TransactionsCsv.Hash).Records().Select(r => r.Text(TransactionsCsv.Hash)).ToList();
        Assert.Equal(hashes.Count, hashes.Distinct().Count());
        // The run's invariants over the restart, from the tables alone.
        RunDirectoryChecks.EnergyBalances(run);
        RunDirectoryChecks.MoneyBalances(run);
        RunDirectoryChecks.Kpis(run, plan.Scenario);
        // The sim nodes outlived the market: the battery applied the slots between the checkpoint and the kill, which the
        // resumed market delivered again. Its charge still follows the power recorded, slot by slot, once.
        AssertChargeFollowsPower(run, "battery", initialSoc: 0.5, capacityKwh: 20, efficiency: 0.95, slotHours: 0.25);
        // Nothing is left to resume once the run is complete.
        Assert.Null(MarketCheckpoint.Read(run));
        return checkpoint;
    }

    [Fact]
    public async Task Resuming_is_refused_in_one_line_without_a_checkpoint_or_with_another_scenario()
    {
        using var deployment = new Deployment(reference.Scenario);
        var empty = Directory.CreateDirectory(Path.Combine(deployment.Folder, "empty")).FullName;
        var other = Directory.CreateDirectory(Path.Combine(deployment.Folder, "other")).FullName;
        using (var resolved = new StreamWriter(Path.Combine(other, RunDirectory.ResolvedScenario)))
        {
            ScenarioWriter.WriteResolved(ScenarioLoader.Load(Path.Combine(Repository.Root, "scenarios", "island-week.yaml")), resolved);
        }
        new MarketCheckpoint(MarketCheckpoint.CurrentVersion, "island-week", 1, null,
            new ClockState(5, [], new Dictionary<int, decimal>(), new PriceForecasterState([], new Dictionary<int, decimal>(), 0, 0)),
            new FeederPhysicsState([], [], false, 0), new CheckpointChain(31337, "0x01", "0x02", 10, true), []).Write(other, [], "0x");

        foreach (var (directory, refusal) in new[] { (empty, "holds no market node's checkpoint"), (other, "not of") })
        {
            var run = await CliProcess.RunAsync("node", "--role", "market", "--config", deployment.ConfigPath, "--resume", directory);

            Assert.Equal(2, run.ExitCode);
            var line = Assert.Single(run.Stderr.Trim().Split('\n'));
            Assert.Contains($"--resume {directory}: ", line, StringComparison.Ordinal);
            Assert.Contains(refusal, line, StringComparison.Ordinal);
        }
    }

    /// <summary>From the chain's own events: every (slot, unit) settled exactly once, at most one reading each, and a reading for every settlement that says it had one.</summary>
    private static async Task AssertChainSettledEverySlotOnce(Uri rpc, string run, ScenarioPlan plan)
    {
        var chain = await ChainEvents.ReadAsync(rpc, run, plan);
        var (settled, readings) = (chain.Settlements, chain.Readings);

        Assert.Equal(plan.Calendar.TotalSlots * plan.Units.Count, settled.Count);
        Assert.All(settled.GroupBy(s => (s.Slot, s.Unit)), g => Assert.Single(g));
        Assert.All(readings.GroupBy(r => (r.Slot, r.Unit)), g => Assert.Single(g));
        Assert.Equal(settled.Where(s => !s.ReadingMissing).Select(s => (s.Slot, s.Unit)).Order(), readings.Select(r => (r.Slot, r.Unit)).Order());
    }

    /// <summary>
    /// Each slot's recorded state of charge is the one before it (the initial one before the first) moved by the power
    /// the slot recorded: charging stores kW x h x efficiency, discharging draws kW x h / efficiency; a slot without a
    /// record (the unit away) leaves it where it was. A unit restarted from scratch would start again at the initial charge.
    /// </summary>
    private static void AssertChargeFollowsPower(string run, string unit, double initialSoc, double capacityKwh, double efficiency, double slotHours)
    {
        var soc = initialSoc;
        foreach (var row in CsvTableReader.Open(Path.Combine(run, RunDirectory.Units), UnitsCsv.Slot, UnitsCsv.Unit, UnitsCsv.ActualKw, UnitsCsv.StateOfCharge).Records()
            .Where(r => r.Text(UnitsCsv.Unit) == unit && r.NullableDouble(UnitsCsv.StateOfCharge) is not null))
        {
            var kw = row.Double(UnitsCsv.ActualKw);
            var expected = soc + (kw < 0 ? -kw * slotHours * efficiency : -kw * slotHours / efficiency) / capacityKwh;
            Assert.True(Math.Abs(row.Double(UnitsCsv.StateOfCharge) - expected) < 1e-4,
                $"slot {row.Int(UnitsCsv.Slot)}: {unit}'s charge {row.Double(UnitsCsv.StateOfCharge)} does not follow from {soc} and {kw} kW (expected {expected})");
            soc = row.Double(UnitsCsv.StateOfCharge);
        }
    }

    /// <summary>Deletes a scratch folder when the test ends.</summary>
    private sealed class Cleanup(DirectoryInfo folder) : IDisposable
    {
        public void Dispose() => folder.Delete(recursive: true);
    }

    private sealed record UnitRow(int Slot, string Unit, bool Missing);

    private static List<UnitRow> UnitRows(string run) =>
        CsvTableReader.Open(Path.Combine(run, RunDirectory.Units), UnitsCsv.Slot, UnitsCsv.Unit, UnitsCsv.ReadingMissing).Records()
            .Select(r => new UnitRow(r.Int(UnitsCsv.Slot), r.Text(UnitsCsv.Unit), r.NullableBool(UnitsCsv.ReadingMissing) == true)).ToList();
}
