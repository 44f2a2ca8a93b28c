using System.Collections;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace MicroMarket.Market.Chain;

/// <summary>One JSON-RPC call of a batch.</summary>
public sealed record RpcRequest(string Method, params object?[] Params);

/// <summary>A JSON-RPC error object: code, message and the optional data (revert data for reverts).</summary>
public sealed record RpcError(int Code, string Message, string? Data);

/// <summary>The outcome of one call of a batch: a result or an error.</summary>
public readonly record struct RpcResponse(JsonElement Result, RpcError? Error);

/// <summary>The node answered a call with an error object.</summary>
public sealed class RpcException(string method, RpcError error)
    : Exception($"{method}: {error.Message} (code {error.Code}{(error.Data is null ? "" : ", data " + error.Data)})")
{
    public string Method { get; } = method;
    public RpcError Error { get; } = error;
}

/// <summary>The node stayed unreachable for longer than the outage budget.</summary>
public sealed class ChainUnavailableException(Uri url, TimeSpan budget, Exception last)
    : Exception($"The chain at {url} did not answer for {budget.TotalSeconds:0} s: {last.Message}", last);

/// <summary>
/// A small JSON-RPC 2.0 client over HTTP with batching (hundreds of calls per round trip) and
/// transport retries: a node that is briefly unreachable (restart, network blip) is retried with
/// back-off for up to the outage budget. Retrying is safe for everything this project sends:
/// queries are idempotent and a raw transaction resent after an outage has the same hash and
/// nonce, so the node cannot execute it twice.
/// </summary>
public sealed class JsonRpcClient : IDisposable
{
    private const int MaxBatch = 2000;
    private const int MaxBatchBytes = 1 << 20;
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(2);

    private readonly HttpClient _http;
    private readonly object _waitingGate = new();
    private readonly List<WaitingCall> _waiting = [];
    private long _nextId;

    public JsonRpcClient(Uri url, TimeSpan? outageBudget = null)
    {
        Url = url;
        OutageBudget = outageBudget ?? TimeSpan.FromSeconds(30);
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = TimeSpan.FromSeconds(120),
        };
    }

    public Uri Url { get; }

    public TimeSpan OutageBudget { get; }

    public async Task<JsonElement> CallAsync(string method, params object?[] parameters)
    {
        var response = (await BatchAsync([new RpcRequest(method, parameters)]).ConfigureAwait(false))[0];
        return response.Error is { } error ? throw new RpcException(method, error) : response.Result;
    }

    /// <summary>
    /// Sends the calls in as few HTTP requests as possible; responses in request order. Calls that
    /// cannot be cancelled go out together with those other callers make at the same moment (see
    /// <see cref="Together"/>); a cancellable call goes out on its own, so that cancelling it cancels no one else's.
    /// </summary>
    public Task<IReadOnlyList<RpcResponse>> BatchAsync(IReadOnlyList<RpcRequest> requests, CancellationToken cancellationToken = default) =>
        cancellationToken.CanBeCanceled ? SendAsync(requests, cancellationToken) : Together(requests);

    /// <summary>
    /// Many callers at once (every unit reading its account after a slot, or its positions after a
    /// gate, or quoting its nonce before it signs) each made a round trip of their own: some hundred
    /// HTTP requests for the node to take apart and answer, about 15 ms a slot on the IEEE day. Calls
    /// now wait for one hop of the thread pool, and every call made meanwhile goes out in the same
    /// JSON-RPC batch. A lone call pays that one hop; the answers are the same, since each call is
    /// answered on its own in a batch, and calls that were concurrent had no order to keep.
    /// </summary>
    private Task<IReadOnlyList<RpcResponse>> Together(IReadOnlyList<RpcRequest> requests)
    {
        var call = new WaitingCall(requests);
        bool first;
        lock (_waitingGate)
        {
            first = _waiting.Count == 0;
            _waiting.Add(call);
        }
        if (first)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static client => _ = client.SendWaitingAsync(), this, preferLocal: false);
        }
        return call.Answers.Task;
    }

    private async Task SendWaitingAsync()
    {
        List<WaitingCall> calls;
        lock (_waitingGate)
        {
            calls = [.. _waiting];
            _waiting.Clear();
        }
        try
        {
            var answers = await SendAsync(calls.SelectMany(c => c.Requests).ToList(), CancellationToken.None).ConfigureAwait(false);
            var at = 0;
            foreach (var call in calls)
            {
                call.Answers.SetResult(answers.Skip(at).Take(call.Requests.Count).ToList());
                at += call.Requests.Count;
            }
        }
        catch (Exception ex)
        {
            foreach (var call in calls)
            {
                call.Answers.TrySetException(ex);
            }
        }
    }

    /// <summary>One caller's calls, waiting to go out with the others'.</summary>
    private sealed record WaitingCall(IReadOnlyList<RpcRequest> Requests)
    {
        public TaskCompletionSource<IReadOnlyList<RpcResponse>> Answers { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private async Task<IReadOnlyList<RpcResponse>> SendAsync(IReadOnlyList<RpcRequest> requests, CancellationToken cancellationToken)
    {
        var responses = new RpcResponse[requests.Count];
        var start = 0;
        while (start < requests.Count)
        {
            var firstId = Interlocked.Add(ref _nextId, MaxBatch) - MaxBatch;
            var (body, count) = Serialize(requests, start, firstId);
            using var document = await PostWithRetryAsync(body, cancellationToken).ConfigureAwait(false);
            foreach (var item in Items(document.RootElement))
            {
                if (item.GetProperty("id").ValueKind == JsonValueKind.Null)
                {
                    // The node rejected the request as a whole (parse error, too large, ...).
                    throw new RpcException($"batch of {count}", ParseError(item.GetProperty("error")));
                }
                var index = (int)(item.GetProperty("id").GetInt64() - firstId);
                if (index < 0 || index >= count)
                {
                    throw new InvalidDataException($"JSON-RPC response id {item.GetProperty("id")} matches no request.");
                }
                responses[start + index] = item.TryGetProperty("error", out var error) && error.ValueKind != JsonValueKind.Null
                    ? new RpcResponse(default, ParseError(error))
                    : new RpcResponse(item.GetProperty("result").Clone(), null);
            }
            start += count;
        }
        return responses;
    }

    public void Dispose() => _http.Dispose();

    private static IEnumerable<JsonElement> Items(JsonElement root) =>
        root.ValueKind == JsonValueKind.Array ? root.EnumerateArray() : [root];

    private async Task<JsonDocument> PostWithRetryAsync(byte[] body, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var backoff = FirstBackoff;
        while (true)
        {
            try
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await _http.PostAsync(Url, content, cancellationToken).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                return await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsTransient(ex, cancellationToken))
            {
                if (clock.Elapsed + backoff > OutageBudget)
                {
                    throw new ChainUnavailableException(Url, OutageBudget, ex);
                }
                await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    private static bool IsTransient(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        HttpRequestException => true,
        TaskCanceledException => !cancellationToken.IsCancellationRequested, // the HTTP timeout, not the caller
        IOException => true,
        _ => false,
    };

    private static RpcError ParseError(JsonElement error)
    {
        string? data = null;
        if (error.TryGetProperty("data", out var d))
        {
            data = d.ValueKind == JsonValueKind.String ? d.GetString() : d.GetRawText();
        }
        return new RpcError(error.GetProperty("code").GetInt32(), error.GetProperty("message").GetString() ?? "", data);
    }

    /// <summary>
    /// Writes calls from <paramref name="start"/> until the batch holds <see cref="MaxBatch"/> calls
    /// or about <see cref="MaxBatchBytes"/> (nodes cap request bodies: Geth at 5 MB).
    /// </summary>
    private static (byte[] Body, int Count) Serialize(IReadOnlyList<RpcRequest> requests, int start, long firstId)
    {
        using var buffer = new MemoryStream();
        var count = 0;
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            for (; start + count < requests.Count && count < MaxBatch && (count == 0 || writer.BytesCommitted + writer.BytesPending < MaxBatchBytes); count++)
            {
                var i = count;
                var request = requests[start + i];
                writer.WriteStartObject();
                writer.WriteString("jsonrpc", "2.0");
                writer.WriteNumber("id", firstId + i);
                writer.WriteString("method", request.Method);
                writer.WritePropertyName("params");
                WriteValue(writer, request.Params);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return (buffer.ToArray(), count);
    }

    /// <summary>Parameters are strings (hex quantities, addresses, data), numbers, booleans, null,
    /// dictionaries (call objects) and lists.</summary>
    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int n:
                writer.WriteNumberValue(n);
                break;
            case long n:
                writer.WriteNumberValue(n);
                break;
            case ulong n:
                writer.WriteNumberValue(n);
                break;
            case JsonElement element:
                element.WriteTo(writer);
                break;
            case IDictionary dictionary:
                writer.WriteStartObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    writer.WritePropertyName((string)entry.Key);
                    WriteValue(writer, entry.Value);
                }
                writer.WriteEndObject();
                break;
            case IEnumerable list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    WriteValue(writer, item);
                }
                writer.WriteEndArray();
                break;
            default:
                throw new ArgumentException($"Cannot send a {value.GetType().Name} as a JSON-RPC parameter.");
        }
    }
}
