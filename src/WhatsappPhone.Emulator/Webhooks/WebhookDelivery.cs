using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
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
    /// <summary>When the next attempt is due, on the emulator's clock; null while an attempt is on its way, and once delivered or failed.</summary>
    public DateTimeOffset? NextAttempt { get; set; }
    /// <summary>The app's retry settings when the notification was made.</summary>
    public int MaxAttempts { get; init; }
    public int RetryDelayMs { get; init; }
    public int TimeoutMs { get; init; }
    /// <summary>The last answer's HTTP status; 0 when no answer came.</summary>
    public int LastStatus { get; set; }
    public string? LastError { get; set; }
}

/// <summary>
/// Delivers notifications as Meta does when an endpoint fails: each one has its own schedule on the
/// emulator's clock. A failed attempt (no connection, no answer within the app's timeout, a non-2xx
/// answer) is tried again after the app's retry delay, doubled for each later attempt up to an hour,
/// until 36 hours after the notification was made (or the app's attempt limit); then it is failed.
/// A notification waiting for a retry holds back no other: attempts go one at a time (so a healthy
/// receiver sees notifications in the order they were made), the one due first going first.
/// Advancing the clock (the control API) makes due retries go at once, so tests never wait for them.
/// </summary>
public sealed class WebhookDelivery : IDisposable
{
    private const int Capacity = 10_000;
    /// <summary>How long Meta keeps retrying a notification.</summary>
    public static readonly TimeSpan RetryWindow = TimeSpan.FromHours(36);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromHours(1);

    private readonly List<DeliveryRecord> _records = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly HttpClient _http;
    private readonly EmulatorClock _clock;
    private readonly Task _worker;
    private int _nextId;

    public WebhookDelivery(HttpClient http, EmulatorClock clock)
    {
        _http = http;
        _clock = clock;
        _clock.Advanced += Wake;
        _worker = Task.Run(RunAsync);
    }

    public IReadOnlyList<DeliveryRecord> Records
    {
        get { lock (_records) return [.. _records]; }
    }

    /// <summary>Queues a notification for <paramref name="url"/>, to be tried at once; returns its record.</summary>
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
                NextAttempt = now,
                MaxAttempts = app.MaxAttempts,
                RetryDelayMs = app.RetryDelayMs,
                TimeoutMs = app.DeliveryTimeoutMs,
            };
            if (_records.Count == Capacity) _records.RemoveAt(0);
            _records.Add(record);
        }
        Wake();
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
        _clock.Advanced -= Wake;
        _stop.Cancel();
        try
        {
            _worker.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Stopped while waiting.
        }
        _stop.Dispose();
        _http.Dispose();
    }

    private void Wake() => _wake.Release();

    private async Task RunAsync()
    {
        try
        {
            while (true)
            {
                DeliveryRecord? due;
                TimeSpan wait;
                lock (_records)
                {
                    var now = _clock.Now;
                    due = _records.Where(r => r.Status == "pending" && r.NextAttempt <= now).OrderBy(r => r.NextAttempt).ThenBy(r => r.Id).FirstOrDefault();
                    var next = _records.Where(r => r.Status == "pending").Select(r => r.NextAttempt ?? DateTimeOffset.MaxValue).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
                    // The clock runs with real time, so the next retry is due after that much real time (or sooner, if the clock is advanced).
                    wait = next == DateTimeOffset.MaxValue ? Timeout.InfiniteTimeSpan : TimeSpan.FromTicks(Math.Clamp((next - now).Ticks, 0, TimeSpan.FromMinutes(1).Ticks));
                }
                if (due is not null) await AttemptAsync(due);
                else await _wake.WaitAsync(wait, _stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // The emulator is stopping.
        }
    }

    private async Task AttemptAsync(DeliveryRecord record)
    {
        lock (_records)
        {
            if (record.Status != "pending") return;
            record.Attempts++;
            record.NextAttempt = null; // in flight
        }
        var status = 0;
        string? error = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(record.TimeoutMs);
            using var request = new HttpRequestMessage(HttpMethod.Post, record.Url) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(record.Body)) };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", record.Signature);
            request.Headers.TryAddWithoutValidation("X-Hub-Signature", record.Sha1Signature);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                lock (_records)
                {
                    record.LastStatus = status;
                    record.LastError = null;
                    record.NextAttempt = null;
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
        catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
        {
            error = "Timeout";
        }
        lock (_records)
        {
            record.LastStatus = status;
            record.LastError = error;
            var now = _clock.Now;
            if (record.Status != "pending") return;
            var delay = TimeSpan.FromMilliseconds(Math.Min(MaxRetryDelay.TotalMilliseconds, record.RetryDelayMs * Math.Pow(2, record.Attempts - 1)));
            if (record.Attempts >= record.MaxAttempts || now + delay > record.Created + RetryWindow)
            {
                record.Status = "failed";
                record.NextAttempt = null;
            }
            else
            {
                record.NextAttempt = now + delay;
            }
        }
    }
}
