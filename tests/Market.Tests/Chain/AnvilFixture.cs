using System.Numerics;
using MicroMarket.Market;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;

namespace MicroMarket.Market.Tests.Chain;

/// <summary>
/// One Anvil per test collection, started by the tests themselves from the project's pinned npm
/// package and killed on dispose. A missing Anvil fails loudly: chain tests are never skipped.
/// Tests that change state run inside <see cref="IsolatedAsync"/>, which reverts to a snapshot.
/// </summary>
public sealed class AnvilFixture : IAsyncLifetime
{
    /// <summary>2026-01-01 00:00 UTC: delivery day 0 of the test market.</summary>
    public const long Genesis = 1_767_225_600;

    /// <summary>The chain starts two days before delivery day 0, well before its day-ahead gate.</summary>
    public const long ChainStart = Genesis - 2 * 86_400;

    /// <summary>The market contracts are deployed at this time; tests act after it.</summary>
    public const long Deployed = ChainStart + 60;

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
        Market = await MarketClient.DeployAsync(Pipeline, Operator, Parameters, Deployed);
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
            // Nonces tracked by the pipeline went past the reverted state: start afresh.
            Pipeline = new TransactionPipeline(Chain);
            Market = new MarketClient(Pipeline, Market.MarketAddress, Market.TokenAddress, Market.Parameters);
        }
    }

    /// <summary>Gives accounts ether for gas.</summary>
    public Task FundAsync(IEnumerable<EthKey> keys) => Chain.SetBalancesAsync(keys.Select(k => k.Address), BigInteger.Pow(10, 24));

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
