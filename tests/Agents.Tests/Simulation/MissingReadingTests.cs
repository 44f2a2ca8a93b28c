using MicroMarket.RunFormat;
using MicroMarket.Agents.Running;
using MicroMarket.Market.Chain;
using MicroMarket.Scenarios;
using MicroMarket.Simulation.Decisions;
using MicroMarket.Simulation.Running;

namespace MicroMarket.Agents.Tests.Simulation;

/// <summary>
/// A reading that never reaches the market settles as the contract's worst case once its window
/// closes: a middle slot's in the next slot's round, the last slot's in the final settlement. Both
/// paths must record what the chain settled: the units' payments, the balance-responsible party's
/// counterpart and the slot's imbalance prices (a unit missing its last reading once zeroed the last
/// slot's prices in slots.csv, and late settlements left the BRP's side out).
/// </summary>
public sealed class MissingReadingTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("micromarket-missing-");

    [Fact]
    public async Task Readings_missing_in_a_middle_and_in_the_last_slot_are_recorded_as_the_chain_settled_them()
    {
        var plan = new ScenarioPlan(ScenarioLoader.Load(Repository.Scenario("quickstart.yaml")));
        var last = plan.Calendar.TotalSlots - 1;
        var lost = new HashSet<(string Unit, int Slot)> { ("house-1", 40), ("battery", 40), ("battery", last), ("house-3", last) };
        await using var anvil = await AnvilNode.StartAsync(new AnvilOptions { GenesisTimestamp = plan.Calendar.ChainStartUnix - 120 });

        var run = await SimulationRunner.RunAsync(plan, plan.Units.Select(plan.Hosted).ToList(),
            new RunOptions(Path.Combine(_root.FullName, "run"), anvil.RpcUrl) { LostReadings = lost }, CancellationToken.None);

        Assert.True(run.Complete, run.Failure);
        Assert.True(run.Verification.Holds, run.Verification.ToString());
        var missing = await SettlementAudit.AgreesWithChainAsync(anvil.RpcUrl, run.OutputDirectory, plan.Calendar.Parameters);
        Assert.Equal(lost.Select(l => (l.Slot, l.Unit)).Order(), missing.Order());
        RunDirectoryChecks.Kpis(run.OutputDirectory, plan.Scenario);
        var slots = RunDirectoryChecks.Read(run.OutputDirectory, RunDirectory.Slots).ToDictionary(s => s.Text(SlotsCsv.Slot));
        Assert.NotEqual(0m, slots[last.ToString(System.Globalization.CultureInfo.InvariantCulture)].Money(SlotsCsv.ShortPrice));
        // The units missing the last reading paid the fee, and the BRP received it.
        var lastRows = RunDirectoryChecks.Read(run.OutputDirectory, RunDirectory.Units).Where(r => r.Text(UnitsCsv.Slot) == slots.Keys.Last()).ToList();
        Assert.All(lastRows.Where(r => r.Text(UnitsCsv.ReadingMissing) == "true"), r => Assert.True(r.Money(UnitsCsv.FeeTokens) < 0, $"{r.Text(UnitsCsv.Unit)} paid no fee"));

        // The imbalance prices the agents expect are the contract's. In every slot that traded at least the minimum
        // volume the reference is the volume-weighted price of both auctions: exactly the contract's prices where the
        // slot traded at one price, to the micro-token where the average itself had to be rounded.
        var rules = new MarketRules(plan.Calendar.Parameters);
        var traded = slots.Values.Where(s => s.Number(SlotsCsv.DayAheadVolumeWh) + s.Number(SlotsCsv.IntradayVolumeWh) >= plan.Calendar.Parameters.ImbalanceMinVolumeWh).ToList();
        Assert.True(traded.Count >= 10, $"{traded.Count} slots traded the minimum volume");
        Assert.All(traded, s =>
        {
            var (daWh, idWh) = ((decimal)s.Number(SlotsCsv.DayAheadVolumeWh), (decimal)s.Number(SlotsCsv.IntradayVolumeWh));
            var reference = OnePrice(s) ?? (s.Money(SlotsCsv.DayAheadPrice) * daWh + s.Money(SlotsCsv.IntradayPrice) * idWh) / (daWh + idWh);
            var tolerance = OnePrice(s) is null ? 0.000001m : 0m;
            Assert.InRange(rules.ShortPrice(reference) - s.Money(SlotsCsv.ShortPrice), -tolerance, tolerance);
            Assert.InRange(rules.LongPrice(reference) - s.Money(SlotsCsv.LongPrice), -tolerance, tolerance);
        });
    }

    private static decimal? OnePrice(TableRecord slot) => (slot.Number(SlotsCsv.DayAheadVolumeWh) > 0, slot.Number(SlotsCsv.IntradayVolumeWh) > 0) switch
    {
        (true, false) => slot.Money(SlotsCsv.DayAheadPrice),
        (false, true) => slot.Money(SlotsCsv.IntradayPrice),
        (true, true) when slot.Text(SlotsCsv.DayAheadPrice) == slot.Text(SlotsCsv.IntradayPrice) => slot.Money(SlotsCsv.DayAheadPrice),
        _ => null,
    };

    public void Dispose() => _root.Delete(recursive: true);
}
