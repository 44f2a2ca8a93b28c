using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Text.Json;
using MicroMarket.Market.Processes;

namespace MicroMarket.Market.Chain;

/// <summary>How to start the local Anvil chain.</summary>
public sealed record AnvilOptions
{
    /// <summary>Funded dev accounts (the first is the market operator).</summary>
    public int Accounts { get; init; } = 10;

    public long ChainId { get; init; } = 31337;

    /// <summary>
    /// Mine only on request (<c>--no-mining</c> and one <c>evm_mine_detailed</c> per round): Anvil's automine,
    /// one block per transaction, stalls under bursts. Live mode uses <see cref="BlockTime"/> instead.
    /// </summary>
    public bool ExplicitMining { get; init; } = true;

    /// <summary>Interval mining for live mode (<c>--block-time</c>); ignored with explicit mining.</summary>
    public TimeSpan? BlockTime { get; init; }

    /// <summary>
    /// The block gas limit (<c>--gas-limit</c>): Ethereum mainnet's since late 2025. A realistic
    /// limit makes the pipeline pack batches into blocks as a real chain must, rather than one
    /// unbounded block per batch that no chain would mine.
    /// </summary>
    public long BlockGasLimit { get; init; } = 60_000_000;

    /// <summary>Timestamp of the genesis block (unix seconds); a simulation starts its clock here.</summary>
    public long? GenesisTimestamp { get; init; }

    /// <summary>The anvil binary; default: the project's pinned npm package (see <see cref="LocateBinary"/>).</summary>
    public string? BinaryPath { get; init; }

    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// A local Anvil process on a free loopback port: started, awaited until it answers JSON-RPC, and
/// killed (exactly this process) on dispose, and also when the host process exits, so a failing
/// test leaves no chain behind. It never listens beyond loopback: Anvil lets every caller rewrite
/// state and time, so other machines reach it only through an <see cref="RpcFilterProxy"/>.
/// </summary>
public sealed class AnvilNode : IAsyncDisposable
{
    public const string BinaryEnvironmentVariable = "MICROMARKET_ANVIL";
    private const string PackageBinary = "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil";

    private readonly Process _process;
    private readonly string _workDirectory;
    private readonly EventHandler _killOnExit;
    private int _disposed;

    private AnvilNode(Process process, string workDirectory, Uri rpcUrl, IReadOnlyList<EthKey> devAccounts)
    {
        _process = process;
        _workDirectory = workDirectory;
        RpcUrl = rpcUrl;
        DevAccounts = devAccounts;
        _killOnExit = (_, _) => Kill();
        AppDomain.CurrentDomain.ProcessExit += _killOnExit;
    }

    public Uri RpcUrl { get; }

    /// <summary>The funded dev accounts Anvil created (well-known test keys: never use them elsewhere).</summary>
    public IReadOnlyList<EthKey> DevAccounts { get; }

    public int ProcessId => _process.Id;

    public static async Task<AnvilNode> StartAsync(AnvilOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new AnvilOptions();
        var binary = options.BinaryPath ?? LocateBinary();
        Exception? lastFailure = null;
        // A free port can be taken between probing and Anvil binding it: try a few.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var workDirectory = Directory.CreateTempSubdirectory("micromarket-anvil-").FullName;
            var port = FreeLoopbackPort();
            var process = Launch(binary, Arguments(options, port, workDirectory), out var log);
            try
            {
                var rpcUrl = new Uri($"http://127.0.0.1:{port}");
                await WaitUntilReadyAsync(process, rpcUrl, options.StartupTimeout, log, cancellationToken).ConfigureAwait(false);
                var keys = await ReadDevKeysAsync(Path.Combine(workDirectory, "anvil.json"), cancellationToken).ConfigureAwait(false);
                return new AnvilNode(process, workDirectory, rpcUrl, keys);
            }
            catch (AnvilStartException ex)
            {
                lastFailure = ex;
                KillQuietly(process);
                Directory.Delete(workDirectory, recursive: true);
            }
            catch
            {
                KillQuietly(process);
                Directory.Delete(workDirectory, recursive: true);
                throw;
            }
        }
        throw lastFailure!;
    }

    /// <summary>
    /// The anvil binary: <c>$MICROMARKET_ANVIL</c> if set, else the one shipped beside the program in
    /// <c>anvil/anvil</c> (a published program or installed .NET tool: src/Cli puts it there), else the
    /// pinned npm package under the repository's contracts folder (recorded at build time, or found above
    /// the program's folder). The shipped one is made executable if its x bit was lost on the way.
    /// </summary>
    public static string LocateBinary()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(BinaryEnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return File.Exists(fromEnvironment)
                ? fromEnvironment
                : throw new FileNotFoundException($"{BinaryEnvironmentVariable} names {fromEnvironment}, which does not exist.");
        }
        var shipped = Path.Combine(AppContext.BaseDirectory, "anvil", "anvil");
        if (File.Exists(shipped))
        {
            // NuGet's extraction keeps the owner's x bit today (rwxr--r--), but a zip or package tool that drops
            // it would leave a binary Process.Start cannot run; its owner can put it back.
            if (!OperatingSystem.IsWindows() && File.GetUnixFileMode(shipped) is var mode && !mode.HasFlag(UnixFileMode.UserExecute))
            {
                File.SetUnixFileMode(shipped, mode | UnixFileMode.UserExecute);
            }
            return shipped;
        }
        var candidates = new List<string>();
        var recorded = typeof(AnvilNode).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "MicroMarket.ContractsDirectory")?.Value;
        if (recorded is not null)
        {
            candidates.Add(Path.Combine(recorded, PackageBinary));
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            candidates.Add(Path.Combine(dir.FullName, "contracts", PackageBinary));
        }
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException(
                "Anvil not found. Build the solution (it runs `npm ci` in contracts/, which installs the pinned " +
                $"@foundry-rs/anvil-linux-amd64), or set {BinaryEnvironmentVariable}. Looked in: {string.Join(", ", candidates)}");
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        AppDomain.CurrentDomain.ProcessExit -= _killOnExit;
        Kill();
        await _process.WaitForExitAsync().ConfigureAwait(false);
        _process.Dispose();
        try
        {
            Directory.Delete(_workDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; the chain itself is gone.
        }
    }

    private void Kill() => KillQuietly(_process);

    private static void KillQuietly(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    private static List<string> Arguments(AnvilOptions options, int port, string workDirectory)
    {
        var args = new List<string>
        {
            "--host", "127.0.0.1",
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--accounts", options.Accounts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--chain-id", options.ChainId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--balance", "1000000000",
            // Fees play no part in the market; a zero base fee keeps gas prices (and so transaction
            // hashes) independent of how full earlier blocks were.
            "--block-base-fee-per-gas", "0",
            // Ethereum's rules for gas: a real block gas limit, and no transaction above 2^24 gas
            // (EIP-7825, off in Anvil 1.7.1 unless asked for), so that a transaction or a batch
            // that no real chain would take fails here too instead of passing unnoticed.
            "--gas-limit", options.BlockGasLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--enable-tx-gas-limit",
            // Keep memory flat over long runs: only the last 64 states are kept, enough to trace a
            // failed transaction of a recent block and decode its revert.
            "--prune-history", "64",
            "--config-out", Path.Combine(workDirectory, "anvil.json"),
        };
        if (options.ExplicitMining)
        {
            args.Add("--no-mining");
        }
        else if (options.BlockTime is { } blockTime)
        {
            args.Add("--block-time");
            args.Add(blockTime.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        if (options.GenesisTimestamp is { } genesis)
        {
            args.Add("--timestamp");
            args.Add(genesis.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return args;
    }

    private static Process Launch(string binary, List<string> args, out StringBuilder log)
    {
        var info = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        args.ForEach(info.ArgumentList.Add);
        var output = new StringBuilder();
        // Anvil logs every request; keep only the start of it for error messages, and keep the
        // pipes drained so it never blocks on a full pipe.
        void Capture(object _, DataReceivedEventArgs e)
        {
            lock (output)
            {
                if (e.Data is not null && output.Length < 16_384)
                {
                    output.AppendLine(e.Data);
                }
            }
        }
        Process process;
        try
        {
            // Its own session (a Ctrl+C in the terminal does not stop the chain under a run that is
            // finishing its phase) and killed with this program, however it ends.
            process = ChildProcess.Start(info, p =>
            {
                p.OutputDataReceived += Capture;
                p.ErrorDataReceived += Capture;
            });
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            throw new AnvilStartException($"Could not start {binary}: {ex.Message}");
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        log = output;
        return process;
    }

    private static async Task WaitUntilReadyAsync(Process process, Uri rpcUrl, TimeSpan timeout, StringBuilder log, CancellationToken cancellationToken)
    {
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var body = """{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}""";
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new AnvilStartException($"Anvil exited with code {process.ExitCode} while starting:\n{Snapshot(log)}");
            }
            try
            {
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                using var response = await probe.PostAsync(rpcUrl, content, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Probe timed out; try again.
            }
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
        throw new AnvilStartException($"Anvil did not answer eth_chainId within {timeout.TotalSeconds:0} s:\n{Snapshot(log)}");
    }

    private static string Snapshot(StringBuilder log)
    {
        lock (log)
        {
            return log.ToString();
        }
    }

    private static async Task<List<EthKey>> ReadDevKeysAsync(string configOut, CancellationToken cancellationToken)
    {
        // Anvil writes its config (accounts and keys) as it starts: the file can exist before its
        // content does, so it is read until it parses whole; a slow disk gets two seconds.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var json = JsonDocument.Parse(await File.ReadAllTextAsync(configOut, cancellationToken).ConfigureAwait(false));
                return json.RootElement.GetProperty("private_keys").EnumerateArray()
                    .Select(k => EthKey.FromHex(k.GetString()!))
                    .ToList();
            }
            catch (Exception ex) when ((ex is FileNotFoundException or JsonException or KeyNotFoundException) && attempt < 100)
            {
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class AnvilStartException(string message) : Exception(message);
}
