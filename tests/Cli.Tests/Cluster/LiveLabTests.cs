using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;
using MicroMarket.Market.Contracts.MicroMarketDefinition;
using MicroMarket.RunFormat;
using MicroMarket.Simulation.Running;

namespace MicroMarket.Cli.Tests.Cluster;

/// <summary>
/// The live lab day (<see cref="LiveLabDay"/>) with the Pi node built as the tests are, at an hour in 3 s, on an Anvil
/// and on Hardhat's node (a node that is not Anvil), each mining a block a second.
/// </summary>
[Collection("cluster")]
public sealed class LiveLabTests
{
    public static TheoryData<LabChain> Chains => [LabChain.Anvil, LabChain.Hardhat];

    [Theory]
    [MemberData(nameof(Chains))]
    public Task A_Pi_unit_switches_its_relay_on_the_slot_boundaries_and_the_chain_settles_what_its_meter_measured(LabChain chain) =>
        LiveLabDay.RunAsync(MicromarketProcess.ThisProgram(), new LivePacing(SlotSeconds: 3, StartDelaySeconds: 15), chain);
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
