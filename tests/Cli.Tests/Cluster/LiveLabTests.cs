using System.Globalization;
using System.Text.RegularExpressions;
using MicroMarket.Agents.Running;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;
using MicroMarket.Market.Contracts.MicroMarketDefinition;
using MicroMarket.Node.Pi;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios;
using MicroMarket.Simulation.Running;

namespace MicroMarket.Cli.Tests.Cluster;

/// <summary>
/// A live lab day: wall-clock slots (an hour in 3 s), an Anvil or a Hardhat node mining a block a second, a market
/// node, a sim node and a Pi node whose EV charger runs on fake hardware through the real relay and
/// meter drivers, with its own keys from a key file; the market operator has its own key file too. What the Pi measured is what the chain settles.
/// </summary>
[Collection("cluster")]
public sealed partial class LiveLabTests
{
    private const double SlotSeconds = 3;

    /// <summary>The lab's chain: an Anvil mining a block a second, or Hardhat's node doing the same (a node that is not Anvil).</summary>
    public static TheoryData<string> Chains => ["anvil", "hardhat"];

    private static async Task<(Uri RpcUrl, IAsyncDisposable Node)> StartChainAsync(string node)
    {
        if (node == "anvil")
        {
            var anvil = await AnvilNode.StartAsync(new AnvilOptions { ExplicitMining = false, BlockTime = TimeSpan.FromSeconds(1) });
            return (anvil.RpcUrl, anvil);
        }
        // On the wall clock, as the live market keeps time.
        var hardhat = await HardhatNode.StartAsync(genesisUnix: null, blockSeconds: 1);
        return (hardhat.RpcUrl, hardhat);
    }

    [Theory]
    [MemberData(nameof(Chains))]
    public async Task A_Pi_unit_switches_its_relay_on_the_slot_boundaries_and_the_chain_settles_what_its_meter_measured(string node)
    {
        var scenario = Path.Combine(Repository.Root, "tests", "Cli.Tests", "Cluster", "live-lab.yaml");
        var plan = new ScenarioPlan(ScenarioLoader.Load(scenario));
        var (rpcUrl, chainNode) = await StartChainAsync(node);
        await using var _ = chainNode;
        using var deployment = new Deployment(scenario, simNodes: 1, extraYaml: $"""
              chain: {rpcUrl}
              live: {"{"} slot_seconds: {SlotSeconds}, start_delay_seconds: 15, block_seconds: 1 {"}"}
              operator_key: operator.key
            pi_units:
              - unit: ev-1
                keys: ev-1.keys
                meter_key: ev-1.meter
                power_scale: 1000
                sample_seconds: 0.25
                hardware: {"{"} driver: fake {"}"}
            """);
        var trader = KeyFile.CreateTrader(Path.Combine(deployment.Folder, "ev-1.keys"));
        var meter = KeyFile.CreateMeter(Path.Combine(deployment.Folder, "ev-1.meter"));
        var operatorKey = KeyFile.CreateOperator(Path.Combine(deployment.Folder, "operator.key"));
        var market = deployment.Market();
        var sim = deployment.Sim(0);
        var pi = deployment.Start("pi", "--role", "pi");

        Assert.True(await market.WaitForExitAsync(TimeSpan.FromMinutes(5)) == 0, deployment.Outputs);
        Assert.Equal(0, await sim.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(0, await pi.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.DoesNotContain(trader.ExportPrivateKeyHex()[^16..], pi.Output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(meter.ExportPrivateKeyHex()[^16..], pi.Output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(operatorKey.ExportPrivateKeyHex()[^16..], market.Output, StringComparison.OrdinalIgnoreCase);

        // The market was deployed and run by the operator's own key, not a development key.
        Assert.Equal(operatorKey.Address, RunJson.Read<RunChain>(deployment.RunDirectory, RunDirectory.Chain).Operator, ignoreCase: true);
        var ev = plan.Unit("ev-1");
        var chain = await ChainEvents.ReadAsync(rpcUrl, deployment.RunDirectory, plan);
        var registered = Assert.Single(chain.Registrations, r => r.Unit == ev.Index);
        Assert.Equal(trader.Address, registered.Trader, ignoreCase: true);
        Assert.Equal(meter.Address, registered.Meter, ignoreCase: true);

        var switched = SwitchLines().Matches(pi.Output).ToDictionary(m => Slot(m), m => (PlannedKw: double.Parse(m.Groups["kw"].Value, CultureInfo.InvariantCulture), On: m.Groups["relay"].Value == "on"));
        var measured = MeasuredLines().Matches(pi.Output).ToDictionary(m => Slot(m), m => (ImportWh: ulong.Parse(m.Groups["in"].Value, CultureInfo.InvariantCulture), ExportWh: ulong.Parse(m.Groups["out"].Value, CultureInfo.InvariantCulture)));
        var readings = chain.Readings.Where(r => r.Unit == ev.Index).ToDictionary(r => (int)r.Slot, r => (r.ImportWh, r.ExportWh));

        // The Pi was there all day: every slot has its reading, and it is what the Pi measured.
        Assert.Equal(Enumerable.Range(0, plan.Calendar.TotalSlots), readings.Keys.Order());
        Assert.All(readings, r => Assert.Equal(measured[r.Key], r.Value));
        Assert.Contains(switched.Values, s => s.On);
        Assert.Contains(switched.Values, s => !s.On);
        // The relay switches on the boundary, so each slot measures its own schedule: an hour of
        // the planned power when on, nothing when off (bench watts x power scale x 1200 model s per wall s).
        var fullHourWh = 7400.0;
        Assert.All(readings.Keys, slot =>
        {
            var (plannedKw, on) = switched[slot];
            var expectedWh = on ? -plannedKw * 1000 : 0;
            Assert.True(Math.Abs(measured[slot].ImportWh - expectedWh) <= 0.02 * fullHourWh,
                $"slot {slot}: relay {(on ? "on" : "off")} for {plannedKw} kW, measured {measured[slot].ImportWh} Wh");
        });
    }

    private static int Slot(Match m) => int.Parse(m.Groups["slot"].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"ev-1: slot (?<slot>\d+): schedule (?<kw>-?[\d.]+) kW, relay (?<relay>on|off)")]
    private static partial Regex SwitchLines();

    [GeneratedRegex(@"ev-1: slot (?<slot>\d+): measured (?<in>\d+) Wh in, (?<out>\d+) Wh out")]
    private static partial Regex MeasuredLines();
}

/// <summary>What the chain itself says happened in a run: read from its events after the nodes have gone.</summary>
public sealed record ChainEvents(IReadOnlyList<UnitRegisteredEventDTO> Registrations, IReadOnlyList<ReadingReportedEventDTO> Readings, IReadOnlyList<SettledEventDTO> Settlements)
{
    public static async Task<ChainEvents> ReadAsync(Uri rpc, string run, ScenarioPlan plan)
    {
        var contracts = RunJson.Read<RunChain>(run, RunDirectory.Chain);
        using var chain = await ChainConnection.ConnectAsync(rpc);
        var market = new MarketClient(new TransactionPipeline(chain), contracts.Market, contracts.Token, plan.Calendar.Parameters);
        return new ChainEvents(await market.EventsAsync<UnitRegisteredEventDTO>(), await market.EventsAsync<ReadingReportedEventDTO>(), await market.EventsAsync<SettledEventDTO>());
    }
}
