using MicroMarket.Market;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;

namespace MicroMarket.Market.Tests.Chain;

/// <summary>
/// One Anvil per test collection, started by the tests themselves from the project's pinned npm
/// package and killed on dispose. A missing Anvil fails loudly: chain tests are never skipped.
/// Tests that change state take a snapshot and revert to it (<see cref="IsolatedAsync"/>).
/// </summary>
public sealed class AnvilFixture : IAsyncLifetime
{
    /// <summary>2026-01-01 00:00 UTC: delivery day 0 of the test market.</summary>
    public const long Genesis = 1_767_225_600;

    /// <summary>The chain starts two days before delivery day 0, well before its day-ahead gate.</summary>
    public const long ChainStart = Genesis - 2 * 86_400;

    private AnvilNode? _anvil;
    private ChainConnection? _chain;

    public AnvilNode Anvil => _anvil ?? throw new InvalidOperationException("Anvil is not running.");

    public ChainConnection Chain => _chain ?? throw new InvalidOperationException("Not connected.");

    public TransactionPipeline Pipeline { get; private set; } = null!;

    public MarketClient Market { get; private set; } = null!;

    public EthKey Operator => Anvil.DevAccounts[0];

    public static MarketParameters Parameters { get; } = new() { GenesisUnixSeconds = Genesis };

    public async Task InitializeAsync()
    {
        _anvil = await AnvilNode.StartAsync(new AnvilOptions { GenesisTimestamp = ChainStart });
        _chain = await ChainConnection.ConnectAsync(_anvil.RpcUrl);
        Pipeline = new TransactionPipeline(_chain);
        Market = await MarketClient.DeployAsync(Pipeline, Operator, Parameters, ChainStart + 60);
    }

    /// <summary>Runs <paramref name="test"/> and then puts the chain back as it was.</summary>
    public async Task IsolatedAsync(Func<Task> test)
    {
        var snapshot = await Chain.SnapshotAsync();
        try
        {
            await test();
        }
        finally
        {
            await Chain.RevertToSnapshotAsync(snapshot);
            Pipeline = new TransactionPipeline(Chain); // nonces changed under the snapshot
            Market = new MarketClient(Pipeline, Market.MarketAddress, Market.TokenAddress, Market.Parameters);
        }
    }

    public async Task DisposeAsync()
    {
        _chain?.Dispose();
        if (_anvil is not null)
        {
            await _anvil.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AnvilCollection : ICollectionFixture<AnvilFixture>
{
    public const string Name = "anvil";
}
