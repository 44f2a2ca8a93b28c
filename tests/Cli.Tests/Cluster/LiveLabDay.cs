using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using MicroMarket.Market.Chain;
using MicroMarket.Node.Pi;
using MicroMarket.RunFormat;
using MicroMarket.Scenarios;
using MicroMarket.Simulation.Running;

namespace MicroMarket.Cli.Tests.Cluster;

/// <summary>
/// A live lab day: wall-clock slots, an Anvil or a Hardhat node mining a block a second, a market node, a sim node and a Pi node whose
/// EV charger runs on fake hardware through the real relay and meter drivers, with its own keys from a key file; the
/// market operator has its own key file too. What the Pi measured is what the chain settles. The Pi node is whichever
/// build the caller names (the tests' own, or the linux-arm64 Pi build under qemu-user), held to the same checks.
/// </summary>
public static partial class LiveLabDay
{
    /// <summary>
    /// Runs the day with the Pi node started by <paramref name="pi"/> and checks it: the Pi registered its own keys, every
    /// slot has its reading on chain and it is what the Pi's log says it measured, the relay was on in some slots and off
    /// in others, and each slot measured its own schedule (switched on the boundary).
    /// </summary>
    public static async Task RunAsync(ProcessStartInfo pi, LivePacing pacing, LabChain chainNode = LabChain.Anvil)
    {
        var scenario = Path.Combine(Repository.Root, "tests", "Cli.Tests", "Cluster", "live-lab.yaml");
        var plan = new ScenarioPlan(ScenarioLoader.Load(scenario));
        var (rpcUrl, node) = await StartChainAsync(chainNode);
        await using var _ = node;
        using var deployment = new Deployment(scenario, simNodes: 1, extraYaml: $"""
              chain: {rpcUrl}
              live: {"{"} slot_seconds: {pacing.SlotSeconds}, start_delay_seconds: {pacing.StartDelaySeconds}, block_seconds: 1 {"}"}
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
        var piNode = deployment.Start(pi, "pi", "--role", "pi");

        // The day's slots and the hour of the day-ahead gate before them.
        var day = TimeSpan.FromSeconds(pacing.StartDelaySeconds + (plan.Calendar.TotalSlots + 1) * pacing.SlotSeconds);
        Assert.True(await market.WaitForExitAsync(day + TimeSpan.FromMinutes(3)) == 0, deployment.Outputs);
        Assert.Equal(0, await sim.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.True(await piNode.WaitForExitAsync(TimeSpan.FromMinutes(1)) == 0, piNode.Output);
        Assert.DoesNotContain(trader.ExportPrivateKeyHex()[^16..], piNode.Output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(meter.ExportPrivateKeyHex()[^16..], piNode.Output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(operatorKey.ExportPrivateKeyHex()[^16..], market.Output, StringComparison.OrdinalIgnoreCase);

        // The market was deployed and run by the operator's own key, not a development key.
        Assert.Equal(operatorKey.Address, RunJson.Read<RunChain>(deployment.RunDirectory, RunDirectory.Chain).Operator, ignoreCase: true);
        var ev = plan.Unit("ev-1");
        var chain = await ChainEvents.ReadAsync(rpcUrl, deployment.RunDirectory, plan);
        var registered = Assert.Single(chain.Registrations, r => r.Unit == ev.Index);
        Assert.Equal(trader.Address, registered.Trader, ignoreCase: true);
        Assert.Equal(meter.Address, registered.Meter, ignoreCase: true);

        var switched = SwitchLines().Matches(piNode.Output).ToDictionary(m => Slot(m), m => (PlannedKw: double.Parse(m.Groups["kw"].Value, CultureInfo.InvariantCulture), On: m.Groups["relay"].Value == "on"));
        var measured = MeasuredLines().Matches(piNode.Output).ToDictionary(m => Slot(m), m => (ImportWh: ulong.Parse(m.Groups["in"].Value, CultureInfo.InvariantCulture), ExportWh: ulong.Parse(m.Groups["out"].Value, CultureInfo.InvariantCulture)));
        var readings = chain.Readings.Where(r => r.Unit == ev.Index).ToDictionary(r => (int)r.Slot, r => (r.ImportWh, r.ExportWh));

        // The Pi was there all day: every slot has its reading, and it is what the Pi measured.
        Assert.Equal(Enumerable.Range(0, plan.Calendar.TotalSlots), readings.Keys.Order());
        Assert.All(readings, r => Assert.Equal(measured[r.Key], r.Value));
        Assert.Contains(switched.Values, s => s.On);
        Assert.Contains(switched.Values, s => !s.On);
        // The relay switches on the boundary, so each slot measures its own schedule: an hour of
        // the planned power when on, nothing when off (bench watts x power scale x model s per wall s).
        var fullHourWh = 7400.0;
        Assert.All(readings.Keys, slot =>
        {
            var (plannedKw, on) = switched[slot];
            var expectedWh = on ? -plannedKw * 1000 : 0;
            Assert.True(Math.Abs(measured[slot].ImportWh - expectedWh) <= 0.02 * fullHourWh,
                $"slot {slot}: relay {(on ? "on" : "off")} for {plannedKw} kW, measured {measured[slot].ImportWh} Wh");
        });
    }

    /// <summary>The lab's chain, mining a block a second on the wall clock, as the live market keeps time.</summary>
    private static async Task<(Uri RpcUrl, IAsyncDisposable Node)> StartChainAsync(LabChain chain)
    {
        if (chain == LabChain.Anvil)
        {
            var anvil = await AnvilNode.StartAsync(new AnvilOptions { ExplicitMining = false, BlockTime = TimeSpan.FromSeconds(1) });
            return (anvil.RpcUrl, anvil);
        }
        // No genesis date: Hardhat keeps the wall clock only without one (a genesis of "now" lags it by the node's start-up).
        var hardhat = await HardhatNode.StartAsync(genesisUnix: null, blockSeconds: 1);
        return (hardhat.RpcUrl, hardhat);
    }

    private static int Slot(Match m) => int.Parse(m.Groups["slot"].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"ev-1: slot (?<slot>\d+): schedule (?<kw>-?[\d.]+) kW, relay (?<relay>on|off)")]
    private static partial Regex SwitchLines();

    [GeneratedRegex(@"ev-1: slot (?<slot>\d+): measured (?<in>\d+) Wh in, (?<out>\d+) Wh out")]
    private static partial Regex MeasuredLines();
}

/// <summary>The lab day's wall-clock pacing (node.yaml's market.live): an hourly slot in <see cref="SlotSeconds"/>, the market's clock starting <see cref="StartDelaySeconds"/> after the market node.</summary>
public sealed record LivePacing(int SlotSeconds, int StartDelaySeconds);

/// <summary>The chain a live lab runs on: the Anvil the tests start, or Hardhat's node (a node that is not Anvil).</summary>
public enum LabChain
{
    Anvil,
    Hardhat,
}
