using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using WhatsappPhone.Emulator.Graph;
using WhatsappPhone.Emulator.State;

namespace WhatsappPhone.Emulator.Webhooks;

/// <summary>One notification on its way: where it goes, the exact bytes signed, and how its attempts went.</summary>
public sealed class DeliveryRecord
{
    public required int Id { get; init; }
    public required string Url { get; init; }
    public required string WabaId { get; init; }
    public required string Field { get; init; }
    public required string Body { get; init; }
    /// <summary>The X-Hub-Signature-256 header sent.</summary>
    public required string Signature { get; init; }
    /// <summary>The X-Hub-Signature (SHA-1) header Meta still sends beside it.</summary>
    public required string Sha1Signature { get; init; }
    public required DateTimeOffset Created { get; init; }
    /// <summary>pending, delivered, failed (every attempt failed) or cancelled (by a reset).</summary>
    public string Status { get; set; } = "pending";
    public int Attempts { get; set; }
    /// <summary>The last answer's HTTP status; 0 when no answer came.</summary>
    public int LastStatus { get; set; }
    public string? LastError { get; set; }
}

/// <summary>
/// Sends notifications one at a time in the order they were made, outside the state gate, each
/// POST signed with the app secret like Meta's (X-Hub-Signature-256, and the older X-Hub-Signature).
/// A failed attempt (no connection, a non-2xx answer) is retried after a doubling wait, up to the
/// app's attempt limit; a notification that still fails is marked failed and the next one goes.
/// </summary>
public sealed class WebhookDelivery : IDisposable
{
    private const int Capacity = 10_000;

    private readonly Channel<(DeliveryRecord Record, int MaxAttempts, int RetryDelayMs)> _queue =
        Channel.CreateUnbounded<(DeliveryRecord, int, int)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<DeliveryRecord> _records = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _http;
    private readonly Task _worker;
    private int _nextId;

    public WebhookDelivery(HttpClient http)
    {
        _http = http;
        _worker = Task.Run(RunAsync);
    }

    public IReadOnlyList<DeliveryRecord> Records
    {
        get { lock (_records) return [.. _records]; }
    }

    /// <summary>Queues a notification for <paramref name="url"/>; returns its record at once.</summary>
    public DeliveryRecord Enqueue(string url, string wabaId, string field, JsonObject envelope, WebhookState app, DateTimeOffset now)
    {
        var body = envelope.ToJsonString(GraphCall.Json);
        var key = Encoding.UTF8.GetBytes(app.AppSecret);
        var bytes = Encoding.UTF8.GetBytes(body);
        DeliveryRecord record;
        lock (_records)
        {
            record = new DeliveryRecord
            {
                Id = ++_nextId,
                Url = url,
                WabaId = wabaId,
                Field = field,
                Body = body,
                Signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(key, bytes)),
                Sha1Signature = "sha1=" + Convert.ToHexStringLower(HMACSHA1.HashData(key, bytes)),
                Created = now,
            };
            if (_records.Count == Capacity) _records.RemoveAt(0);
            _records.Add(record);
        }
        _queue.Writer.TryWrite((record, app.MaxAttempts, app.RetryDelayMs));
        return record;
    }

    /// <summary>Forgets every record; notifications not yet delivered are not sent.</summary>
    public void Clear()
    {
        lock (_records)
        {
            foreach (var r in _records.Where(r => r.Status == "pending")) r.Status = "cancelled";
            _records.Clear();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _queue.Writer.TryComplete();
        try
        {
            _worker.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Stopped while waiting to retry.
        }
        _stop.Dispose();
        _http.Dispose();
    }

    private async Task RunAsync()
    {
        try
        {
            await foreach (var (record, maxAttempts, retryDelayMs) in _queue.Reader.ReadAllAsync(_stop.Token))
            {
                await DeliverAsync(record, maxAttempts, retryDelayMs);
            }
        }
        catch (OperationCanceledException)
        {
            // The emulator is stopping.
        }
    }

    private async Task DeliverAsync(DeliveryRecord record, int maxAttempts, int retryDelayMs)
    {
        var bytes = Encoding.UTF8.GetBytes(record.Body);
        for (var attempt = 1; attempt <= maxAttempts; attempt++)
        {
            lock (_records)
            {
                if (record.Status != "pending") return;
                record.Attempts = attempt;
            }
            var status = 0;
            string? error = null;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, record.Url) { Content = new ByteArrayContent(bytes) };
                request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", record.Signature);
                request.Headers.TryAddWithoutValidation("X-Hub-Signature", record.Sha1Signature);
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _stop.Token);
                status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    lock (_records)
                    {
                        record.LastStatus = status;
                        record.LastError = null;
                        if (record.Status == "pending") record.Status = "delivered";
                    }
                    return;
                }
                error = $"HTTP {status} {response.ReasonPhrase}";
            }
            catch (HttpRequestException e)
            {
                error = e.HttpRequestError.ToString();
            }
            catch (TaskCanceledException) when (!_stop.IsCancellationRequested)
            {
                error = "Timeout";
            }
            lock (_records)
            {
                record.LastStatus = status;
                record.LastError = error;
            }
            if (attempt < maxAttempts)
            {
                var wait = Math.Min(60_000.0, retryDelayMs * Math.Pow(2, attempt - 1));
                await Task.Delay(TimeSpan.FromMilliseconds(wait), _stop.Token);
            }
        }
        lock (_records)
        {
            if (record.Status == "pending") record.Status = "failed";
        }
    }
}
