using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;

namespace MicroMarket.Market.Chain;

/// <summary>
/// The only door to an Anvil the market started for the other nodes of a cluster: an HTTP
/// JSON-RPC endpoint that forwards the standard read methods and <c>eth_sendRawTransaction</c> to
/// the chain (which listens on loopback only) and answers every other method itself with an error.
/// Anvil offers no access control, and its cheat methods (<c>anvil_setStorageAt</c>,
/// <c>anvil_setBalance</c>, <c>evm_setNextBlockTimestamp</c>, <c>evm_mine</c>, ...) and its
/// unlocked development accounts (<c>eth_sendTransaction</c>, <c>eth_sign</c>) would let any node
/// rewrite balances, move the market's clock or act as the operator. Who may call what on the chain
/// is decided here, in the chain layer, next to the code that sends those methods
/// (<see cref="ChainConnection"/>, <see cref="TransactionPipeline"/>), so that a new call a unit
/// needs is added to <see cref="ParticipantMethods"/> in the same place.
/// </summary>
public sealed class RpcFilterProxy : IAsyncDisposable
{
    /// <summary>Largest request body accepted: eight times the batches <see cref="JsonRpcClient"/> sends.</summary>
    public const int MaxBodyBytes = 8 << 20;

    /// <summary>JSON-RPC "method not found": to a participant, a method reserved to the market host does not exist.</summary>
    public const int RefusedCode = -32601;

    /// <summary>
    /// An allow-list, not a deny-list: a namespace a future Anvil (or another dev node) adds is
    /// refused until someone decides otherwise. Identity, reads of state, blocks, transactions,
    /// logs and fees, simulations (<c>eth_call</c>, <c>eth_estimateGas</c> change nothing), and
    /// sending a transaction the sender signed with its own key, which can do only what the
    /// contracts allow that account. Everything else is refused, notably <c>anvil_*</c>,
    /// <c>evm_*</c>, <c>hardhat_*</c>, <c>debug_*</c>, <c>trace_*</c>, <c>admin_*</c>,
    /// <c>personal_*</c>, <c>miner_*</c>, <c>txpool_*</c>, <c>ots_*</c>, <c>eth_sendTransaction</c>,
    /// <c>eth_sign*</c>, <c>eth_accounts</c> and filters and subscriptions (state kept in the node).
    /// </summary>
    public static readonly FrozenSet<string> ParticipantMethods = FrozenSet.Create(StringComparer.Ordinal,
    [
        "eth_chainId", "net_version", "web3_clientVersion",
        "eth_blockNumber", "eth_getBlockByNumber", "eth_getBlockByHash", "eth_getBlockReceipts",
        "eth_getBalance", "eth_getCode", "eth_getStorageAt", "eth_getTransactionCount",
        "eth_getTransactionByHash", "eth_getTransactionReceipt", "eth_getLogs",
        "eth_call", "eth_estimateGas", "eth_gasPrice", "eth_maxPriorityFeePerGas", "eth_feeHistory",
        "eth_sendRawTransaction",
    ]);

    private const int ParseErrorCode = -32700;
    private const int InvalidRequestCode = -32600;
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpListener _listener;
    private readonly Uri _chain;
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _closing = new();
    private readonly ConcurrentDictionary<Task, bool> _serving = new();
    private readonly Task _accepting;
    private int _disposed;

    private RpcFilterProxy(HttpListener listener, Uri url, Uri chain)
    {
        _listener = listener;
        _chain = chain;
        Url = url;
        // As long as a participant's own client waits for an answer (JsonRpcClient).
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(120) };
        _accepting = AcceptAsync();
    }

    /// <summary>Where the other nodes reach the chain: the URL handed to every unit.</summary>
    public Uri Url { get; }

    /// <summary>
    /// Listens on <paramref name="host"/> at <paramref name="port"/> (null: a free one) and
    /// forwards allowed calls to the node at <paramref name="chain"/>.
    /// </summary>
    public static RpcFilterProxy Start(Uri chain, string host, int? port = null)
    {
        // A free port can be taken between probing and binding it: try a few. A fixed port is tried once.
        for (var attempt = 0; ; attempt++)
        {
            var listener = new HttpListener { IgnoreWriteExceptions = true };
            try
            {
                var url = new UriBuilder(Uri.UriSchemeHttp, host, port ?? FreePort(host)).Uri;
                listener.Prefixes.Add(url.ToString());
                listener.Start();
                return new RpcFilterProxy(listener, url, chain);
            }
            catch (Exception ex) when (ex is HttpListenerException or SocketException)
            {
                listener.Close();
                if (port is not null || attempt == 2)
                {
                    throw new IOException(
                        $"the chain's RPC filter cannot listen on {host}, port {(port is { } p ? p.ToString(System.Globalization.CultureInfo.InvariantCulture) : "any")}: {ex.Message}", ex);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _closing.CancelAsync().ConfigureAwait(false);
        // Stops accepting and cuts open connections: the requests being served end at once.
        _listener.Close();
        await _accepting.ConfigureAwait(false);
        await Task.WhenAll(_serving.Keys).ConfigureAwait(false);
        _http.Dispose();
        _closing.Dispose();
    }

    /// <summary>The port HttpListener cannot pick by itself: one free now on the address it binds for <paramref name="host"/>.</summary>
    private static int FreePort(string host)
    {
        using var probe = new TcpListener(Dns.GetHostAddresses(host)[0], 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // closed
            }
            var serving = ServeAsync(context);
            _serving.TryAdd(serving, true);
            _ = serving.ContinueWith(t => _serving.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            var reply = await AnswerAsync(context.Request).ConfigureAwait(false);
            response.StatusCode = reply.Status;
            if (reply.Status == (int)HttpStatusCode.MethodNotAllowed)
            {
                response.AddHeader("Allow", "POST");
            }
            // After a refusal or a failure, part of the body may still be on the wire: never read
            // the next request from this connection.
            response.KeepAlive = reply.Status < 400;
            if (reply.Body.Length > 0)
            {
                response.ContentType = Json.MediaType;
            }
            response.ContentLength64 = reply.Body.Length;
            await response.OutputStream.WriteAsync(reply.Body, _closing.Token).ConfigureAwait(false);
            response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The participant hung up, or the market is closing: nobody is left to answer.
            response.Abort();
        }
    }

    private async Task<Reply> AnswerAsync(HttpListenerRequest request)
    {
        if (request.HttpMethod != HttpMethod.Post.Method)
        {
            return new Reply((int)HttpStatusCode.MethodNotAllowed, []);
        }
        var body = await ReadBodyAsync(request).ConfigureAwait(false);
        if (body is null)
        {
            return new Reply((int)HttpStatusCode.RequestEntityTooLarge, []);
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return Ok(w => WriteError(w, default, ParseErrorCode, "parse error: the body is not JSON"));
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
            {
                return Refusal(root) is { } refused ? Ok(w => WriteError(w, root, refused.Code, refused.Message)) : await ForwardAsync(body).ConfigureAwait(false);
            }
            var items = root.EnumerateArray().ToList();
            var refusals = items.Select(Refusal).ToList();
            if (refusals.All(r => r is null))
            {
                return await ForwardAsync(body).ConfigureAwait(false);
            }
            // Forward the allowed calls as one batch and put the refusals back in their places.
            var allowed = items.Where((_, i) => refusals[i] is null).ToList();
            if (allowed.Count == 0)
            {
                return Ok(w => Merge(w, items, refusals, answers: default));
            }
            var forwarded = await ForwardAsync(Write(w =>
            {
                w.WriteStartArray();
                allowed.ForEach(a => a.WriteTo(w));
                w.WriteEndArray();
            })).ConfigureAwait(false);
            try
            {
                using var answers = JsonDocument.Parse(forwarded.Body);
                // Anything but a list of answers is the node refusing the batch as a whole: pass that on.
                return forwarded.Status == (int)HttpStatusCode.OK && answers.RootElement.ValueKind == JsonValueKind.Array
                    ? Ok(w => Merge(w, items, refusals, answers.RootElement))
                    : forwarded;
            }
            catch (JsonException)
            {
                return forwarded;
            }
        }
    }

    /// <summary>
    /// Every item's answer in request order (<paramref name="answers"/>: the node's, in the order
    /// it gave them, or none). Each answer carries its request's id, so a node that answers in
    /// another order or not at all (a notification) still leaves every answer matched.
    /// </summary>
    private static void Merge(Utf8JsonWriter writer, List<JsonElement> items, List<(int Code, string Message)?> refusals, JsonElement answers)
    {
        var forwarded = answers.ValueKind == JsonValueKind.Array ? answers.EnumerateArray().ToList() : [];
        var next = 0;
        writer.WriteStartArray();
        for (var i = 0; i < items.Count; i++)
        {
            if (refusals[i] is { } refused)
            {
                WriteError(writer, items[i], refused.Code, refused.Message);
            }
            else if (next < forwarded.Count)
            {
                forwarded[next++].WriteTo(writer);
            }
        }
        forwarded.Skip(next).ToList().ForEach(a => a.WriteTo(writer));
        writer.WriteEndArray();
    }

    /// <summary>Why an item is not forwarded, or null for a call of an allowed method.</summary>
    private static (int Code, string Message)? Refusal(JsonElement item)
    {
        // A second "method" key could mean one thing here and another to the node: never guess.
        var methods = item.ValueKind == JsonValueKind.Object ? item.EnumerateObject().Where(p => p.NameEquals("method")).ToList() : [];
        if (methods.Count != 1 || methods[0].Value.ValueKind != JsonValueKind.String)
        {
            return (InvalidRequestCode, "invalid request: expected a JSON-RPC request object with one method name");
        }
        string method;
        try
        {
            method = methods[0].Value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return (InvalidRequestCode, "invalid request: the method name is not valid text");
        }
        return ParticipantMethods.Contains(method) ? null
            : (RefusedCode, $"{method} is reserved to the market host: the other nodes may call only the standard read methods and eth_sendRawTransaction");
    }

    private async Task<Reply> ForwardAsync(byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;
        try
        {
            using var response = await _http.PostAsync(_chain, content, _closing.Token).ConfigureAwait(false);
            return new Reply((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync(_closing.Token).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !_closing.IsCancellationRequested))
        {
            // The chain did not answer: the participant's client retries, as after any network outage.
            return new Reply((int)HttpStatusCode.BadGateway, []);
        }
    }

    /// <summary>The request body, or null when it is larger than <see cref="MaxBodyBytes"/>.</summary>
    private async Task<byte[]?> ReadBodyAsync(HttpListenerRequest request)
    {
        if (request.ContentLength64 > MaxBodyBytes)
        {
            return null;
        }
        using var body = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await request.InputStream.ReadAsync(buffer, _closing.Token).ConfigureAwait(false)) > 0)
        {
            if (body.Length + read > MaxBodyBytes)
            {
                return null;
            }
            body.Write(buffer, 0, read);
        }
        return body.ToArray();
    }

    private static void WriteError(Utf8JsonWriter writer, JsonElement request, int code, string message)
    {
        writer.WriteStartObject();
        writer.WriteString("jsonrpc", "2.0");
        writer.WritePropertyName("id");
        if (request.ValueKind == JsonValueKind.Object && request.TryGetProperty("id", out var id))
        {
            id.WriteTo(writer);
        }
        else
        {
            writer.WriteNullValue();
        }
        writer.WriteStartObject("error");
        writer.WriteNumber("code", code);
        writer.WriteString("message", message);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static Reply Ok(Action<Utf8JsonWriter> write) => new((int)HttpStatusCode.OK, Write(write));

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }
        return buffer.ToArray();
    }

    private sealed record Reply(int Status, byte[] Body);
}
