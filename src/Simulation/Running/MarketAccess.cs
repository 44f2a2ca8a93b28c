using System.Collections.Concurrent;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Contracts;

namespace MicroMarket.Simulation.Running;

/// <summary>
/// One chain connection per node process, shared by every unit on the node (hundreds of units
/// must not open hundreds of connection pools); disposed with the node.
/// </summary>
public sealed class MarketAccess : IDisposable
{
    private readonly ConcurrentDictionary<MarketLocation, Lazy<Task<MarketClient>>> _clients = new();
    private readonly ConcurrentBag<ChainConnection> _connections = [];

    public Task<MarketClient> ClientAsync(MarketLocation location) =>
        _clients.GetOrAdd(location, l => new Lazy<Task<MarketClient>>(() => ConnectAsync(l))).Value;

    private async Task<MarketClient> ConnectAsync(MarketLocation location)
    {
        var chain = await ChainConnection.ConnectAsync(location.RpcUrl).ConfigureAwait(false);
        _connections.Add(chain);
        // Units only read and sign; the host's own pipeline sends. This pipeline never mines.
        var pipeline = new TransactionPipeline(chain, new TransactionPipelineOptions { MineExplicitly = false });
        return new MarketClient(pipeline, location.MarketAddress, location.TokenAddress, location.Parameters);
    }

    public void Dispose()
    {
        foreach (var connection in _connections)
        {
            connection.Dispose();
        }
    }
}
