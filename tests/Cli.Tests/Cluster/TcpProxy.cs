using System.Net;
using System.Net.Sockets;

namespace MicroMarket.Cli.Tests.Cluster;

/// <summary>
/// A TCP relay in front of the chain's RPC port that can fail like a network: while it is down it
/// refuses connections and has cut every open one, so requests in flight lose their answers.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly int _target;
    private readonly List<TcpClient> _open = [];
    private TcpListener _listener;
    private CancellationTokenSource _accepting = new();

    public TcpProxy(int targetPort)
    {
        _target = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptAsync(_listener, _accepting.Token);
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}");

    /// <summary>Cuts every connection and refuses new ones for <paramref name="outage"/>, then listens again on the same port.</summary>
    public async Task FailForAsync(TimeSpan outage)
    {
        await _accepting.CancelAsync();
        _listener.Stop();
        lock (_open)
        {
            _open.ForEach(c => c.Dispose());
            _open.Clear();
        }
        await Task.Delay(outage);
        _accepting = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Start();
        _ = AcceptAsync(_listener, _accepting.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _accepting.CancelAsync();
        _listener.Stop();
        lock (_open)
        {
            _open.ForEach(c => c.Dispose());
        }
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken cancel)
    {
        while (!cancel.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(cancel);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        var upstream = new TcpClient();
        lock (_open)
        {
            _open.Add(client);
            _open.Add(upstream);
        }
        try
        {
            await upstream.ConnectAsync(IPAddress.Loopback, _target);
            var a = client.GetStream().CopyToAsync(upstream.GetStream());
            var b = upstream.GetStream().CopyToAsync(client.GetStream());
            await Task.WhenAny(a, b);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The link was cut: exactly what a network outage does.
        }
        finally
        {
            client.Dispose();
            upstream.Dispose();
        }
    }
}
