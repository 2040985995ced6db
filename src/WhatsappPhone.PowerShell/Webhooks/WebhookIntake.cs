using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using WhatsappPhone.Models.Webhooks;
using WhatsappPhone.Webhooks.Http;

namespace WhatsappPhone.Webhooks;

/// <summary>What the pipeline thread takes from the intake: a line to report, or a notification to write.</summary>
internal abstract class IntakeItem
{
}

/// <summary>A line about a request (a refusal, a handshake), never with a secret in it.</summary>
internal sealed class IntakeReport : IntakeItem
{
    public IntakeReport(string text, bool warning)
    {
        Text = text;
        Warning = warning;
    }

    public string Text { get; }
    public bool Warning { get; }
}

/// <summary>A signed notification's events, not yet written; or, for a body that cannot be read, the error to write instead.</summary>
internal sealed class IntakeNotification : IntakeItem
{
    internal IntakeNotification(PendingNotification source, IReadOnlyList<WebhookEvent> events, int duplicates, WaWebhookException? error)
    {
        Source = source;
        Events = events;
        DuplicatesSkipped = duplicates;
        Error = error;
    }

    /// <summary>The events to write, in order, without those written before (a re-delivery).</summary>
    public IReadOnlyList<WebhookEvent> Events { get; }
    /// <summary>Events left out because their Id was written recently.</summary>
    public int DuplicatesSkipped { get; }
    /// <summary>Signed, but not a notification this module reads; or a spool file that is not what Meta sent.</summary>
    public WaWebhookException? Error { get; }
    /// <summary>Acknowledged by an earlier listener on the same spool folder.</summary>
    public bool FromEarlierRun => Source.FromEarlierRun;
    internal PendingNotification Source { get; }
}

/// <summary>A notification between its arrival and its events going through the pipeline.</summary>
internal sealed class PendingNotification
{
    /// <summary>Its file is being written (spool): the notifications after it wait for it, to keep arrival order.</summary>
    public const int Writing = 0;
    /// <summary>Ready for the pipeline thread.</summary>
    public const int Waiting = 1;
    /// <summary>Taken by the pipeline thread.</summary>
    public const int Taken = 2;
    /// <summary>Answered 503 (not taken in time, or the listener closed) or never written: it is not written.</summary>
    public const int Dropped = 3;

    public int State;
    public byte[]? Body { get; set; }
    public SpoolEntry? Entry { get; set; }
    public bool FromEarlierRun { get; set; }
    /// <summary>The status the request is answered with, once decided (in memory, without a spool).</summary>
    public TaskCompletionSource<int> Answer { get; } = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>The intake's bounds and budgets.</summary>
internal sealed class WebhookIntakeOptions
{
    /// <summary>
    /// Without a spool, how long a notification waits for the pipeline to take it before it is
    /// answered 503 (Meta delivers it again later). Meta gives an endpoint a few seconds: 2 s leaves
    /// time to write the events and answer within a 3-second budget.
    /// </summary>
    public TimeSpan HandOverTimeout { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>Without a spool, notifications waiting for the pipeline, at most; one more is 503.</summary>
    public int MaxWaiting { get; set; } = 1000;
    /// <summary>
    /// Without a spool, the bytes of the notifications waiting for the pipeline, at most: one that would
    /// pass it is 503 before its body is read. A backlog belongs in a spool, not in memory.
    /// </summary>
    public long MaxWaitingBytes { get; set; } = 32L * 1024 * 1024;
    /// <summary>With a spool, files waiting for the pipeline, at most; one more is 503.</summary>
    public int MaxSpoolBacklog { get; set; } = 100_000;
    /// <summary>Report lines waiting for the pipeline; more are counted, not queued, so refusals never crowd out notifications.</summary>
    public int MaxReportLines { get; set; } = 100;
    public HttpServerLimits Server { get; set; } = new HttpServerLimits();
}

/// <summary>
/// A webhook endpoint that never loses what it acknowledged. It answers the handshake, refuses what
/// is not a signed notification for its path (early, before reading a body where it can), and
/// acknowledges a signed notification with 200 only once it is handed over: without a spool, once
/// the pipeline thread wrote its events (<see cref="Complete"/>); with one, once its body is on disk.
/// Listener threads never touch PowerShell: the pipeline thread calls <see cref="Take"/> and
/// <see cref="Complete"/>. Duplicates (an event Id written recently) are left out.
/// </summary>
internal sealed class WebhookIntake : IHttpEndpoint, IDisposable
{
    private readonly ListenPrefix _prefix;
    private readonly byte[] _key;
    private readonly SecureString? _verifyToken;
    private readonly WebhookSpool? _spool;
    private readonly SeenIds _seen;
    private readonly WebhookIntakeOptions _options;
    private readonly HttpServer _server;
    private readonly object _gate = new object();
    private readonly Queue<PendingNotification> _notifications = new Queue<PendingNotification>();
    private readonly Queue<IntakeReport> _reports = new Queue<IntakeReport>();
    private readonly Dictionary<int, int> _refused = new Dictionary<int, int>();
    private bool _closed;
    private TaskCompletionSource<bool>? _ready;
    private long _waitingBytes;
    private int _acknowledged;
    private int _reportsDropped;

    /// <summary>Opens the spool (a WaWebhookException when it is locked or unusable); <see cref="Start"/> listens.</summary>
    public WebhookIntake(ListenPrefix prefix, SecureString appSecret, SecureString? verifyToken, string? spoolPath, X509Certificate2? certificate, WebhookIntakeOptions? options = null)
    {
        _prefix = prefix;
        _verifyToken = verifyToken;
        _options = options ?? new WebhookIntakeOptions();
        _key = WebhookSignature.Key(appSecret);
        if (_key.Length == 0) throw new ArgumentException("The app secret is empty: every signature made with an empty key would be accepted.");
        _spool = spoolPath == null ? null : new WebhookSpool(spoolPath);
        _seen = _spool?.Seen ?? new SeenIds(null);
        _server = new HttpServer(this, prefix.Address, prefix.Port, prefix.HostName, certificate, _options.Server);
    }

    public int MaxBodyBytes => WebhookNotification.MaxBodyBytes;

    /// <summary>The port listened on, once started.</summary>
    public int Port => _server.Port;

    /// <summary>The spool folder, if any.</summary>
    public WebhookSpool? Spool => _spool;

    /// <summary>Notifications waiting for the pipeline now (or, with a spool, being written).</summary>
    public int Waiting
    {
        get { lock (_gate) return _notifications.Count; }
    }

    /// <summary>Connections open now.</summary>
    public int OpenConnections => _server.OpenConnections;

    /// <summary>Notifications answered 200 so far.</summary>
    public int Acknowledged => Volatile.Read(ref _acknowledged);

    /// <summary>Requests refused so far, by status.</summary>
    public IReadOnlyDictionary<int, int> Refused()
    {
        lock (_gate) return new Dictionary<int, int>(_refused);
    }

    /// <summary>Report lines not queued because the pipeline was behind (counted in <see cref="Refused()"/> all the same).</summary>
    public int ReportsDropped
    {
        get { lock (_gate) return _reportsDropped; }
    }

    /// <summary>Queues what an earlier listener on the spool acknowledged and did not write, then listens (a SocketException when the address cannot be bound).</summary>
    public void Start()
    {
        if (_spool != null)
        {
            var leftovers = _spool.Leftovers(out var movedAside);
            lock (_gate)
            {
                foreach (var path in movedAside)
                    Report($"Moved {Path.GetFileName(path)} into {WebhookSpool.RejectedFolder}: an earlier listener stopped while writing it, before acknowledging it (Meta delivers it again).", false);
                foreach (var entry in leftovers)
                    _notifications.Enqueue(new PendingNotification { Entry = entry, State = PendingNotification.Waiting, FromEarlierRun = true });
            }
        }
        _server.Start();
    }

    /// <summary>
    /// The next item, waiting up to <paramref name="timeoutMs"/> (-1: no limit); null on timeout.
    /// Called on the pipeline thread only.
    /// </summary>
    public IntakeItem? Take(int timeoutMs, CancellationToken cancellationToken)
    {
        var deadline = timeoutMs < 0 ? long.MaxValue : NowMs() + timeoutMs;
        PendingNotification? taken = null;
        using (cancellationToken.Register(() => { lock (_gate) Signal(); }))
        {
            lock (_gate)
            {
                while (true)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (_reports.Count > 0) return _reports.Dequeue();
                    taken = TakeReady();
                    if (taken != null) break;
                    var wait = deadline == long.MaxValue ? Timeout.Infinite : (int)Math.Max(0, deadline - NowMs());
                    if (wait == 0) return null;
                    Monitor.Wait(_gate, wait);
                }
            }
        }
        return Read(taken);
    }

    /// <summary>
    /// A task that completes once <see cref="Take"/> has something to give without waiting (at once if
    /// it has now): for a caller that waits on other things too (Watch-WaPhoneNumber's next poll).
    /// </summary>
    public Task ItemReady()
    {
        lock (_gate)
        {
            if (_reports.Count > 0 || (_notifications.Count > 0 && Volatile.Read(ref _notifications.Peek().State) != PendingNotification.Writing))
                return Task.CompletedTask;
            _ready ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            return _ready.Task;
        }
    }

    /// <summary>Wakes whoever waits for an item (Take, ItemReady); under the gate.</summary>
    private void Signal()
    {
        Monitor.PulseAll(_gate);
        _ready?.TrySetResult(true);
        _ready = null;
    }

    /// <summary>The end-of-run line: what was acknowledged, written and refused (verbose).</summary>
    public string Summary(int written, string what)
    {
        var refused = Refused();
        var total = refused.Values.Sum();
        return $"Acknowledged {Acknowledged} notification(s) and wrote {written} {what}; answered {total} other request(s){(total > 0 ? $" ({ByStatus(refused)})" : "")}.";
    }

    /// <summary>A warning when refusals were too many to report one by one; null otherwise.</summary>
    public string? DroppedReports()
    {
        var dropped = ReportsDropped;
        return dropped == 0 ? null : $"{dropped} refused request(s) were not reported one by one, the pipeline being behind; in all: {ByStatus(Refused())}.";
    }

    private static string ByStatus(IReadOnlyDictionary<int, int> refused) =>
        string.Join(", ", refused.OrderBy(r => r.Key).Select(r => $"{r.Value} with {r.Key}"));

    /// <summary>The first notification ready, in arrival order; waits (null) while the first one's file is still being written.</summary>
    private PendingNotification? TakeReady()
    {
        while (_notifications.Count > 0)
        {
            var first = _notifications.Peek();
            if (Volatile.Read(ref first.State) == PendingNotification.Writing) return null;
            _notifications.Dequeue();
            if (Interlocked.CompareExchange(ref first.State, PendingNotification.Taken, PendingNotification.Waiting) == PendingNotification.Waiting) return first;
        }
        return null;
    }

    /// <summary>Reads a taken notification (from the spool, checked against its signature) into its events not written before.</summary>
    private IntakeNotification Read(PendingNotification pending)
    {
        byte[] body;
        if (pending.Entry is { } entry)
        {
            try
            {
                body = _spool!.Read(entry);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return new IntakeNotification(pending, Array.Empty<WebhookEvent>(), 0,
                    new WaWebhookException(WaWebhookException.SpoolEntryRejected, $"The spool file {entry.Name} cannot be read ({ex.Message}); it is moved into {WebhookSpool.RejectedFolder}."));
            }
            if (!WebhookSignature.IsValid(body, "sha256=" + entry.SignatureHex, _key))
                return new IntakeNotification(pending, Array.Empty<WebhookEvent>(), 0,
                    new WaWebhookException(WaWebhookException.SpoolEntryRejected,
                        $"The spool file {entry.Name} is not the body Meta signed (cut short, altered, or signed with another app secret); it is moved into {WebhookSpool.RejectedFolder}, not written."));
        }
        else
        {
            body = pending.Body!;
        }

        IReadOnlyList<WebhookEvent> events;
        try
        {
            events = WebhookNotification.Parse(body);
        }
        catch (WaWebhookException ex)
        {
            return new IntakeNotification(pending, Array.Empty<WebhookEvent>(), 0, ex);
        }
        var fresh = events.Where(e => !_seen.Contains(e.Id)).ToList();
        return new IntakeNotification(pending, fresh, events.Count - fresh.Count, null);
    }

    /// <summary>
    /// Says how many of a notification's events went through the pipeline (all, or the first
    /// <paramref name="written"/> when it stopped part way). Those are remembered as written; the
    /// notification is acknowledged (200) only when all went through, and its spool file is removed
    /// only then (a file that cannot be read is moved aside). An error item counts as written once
    /// its error was.
    /// </summary>
    public void Complete(IntakeNotification item, int written)
    {
        var all = written >= item.Events.Count;
        _seen.Add(item.Events.Take(written).Select(e => e.Id));
        var pending = item.Source;
        if (pending.Entry is { } entry)
        {
            try
            {
                if (item.Error != null) _spool!.MoveAside(entry.Path);
                else if (all) _spool!.Remove(entry);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                lock (_gate) Report($"The spool file {entry.Name} could not be {(item.Error != null ? "moved aside" : "removed")} ({ex.Message}); its events were written, and are recognised as written if it is read again.", true);
            }
        }
        else if (pending.Answer.TrySetResult(all ? 200 : 503) && all)
        {
            Interlocked.Increment(ref _acknowledged);
        }
    }

    /// <summary>
    /// Stops acknowledging: from now on a notification is answered 503 (Meta delivers it again), and
    /// so is each one still waiting for the pipeline. A spool keeps what it holds for the next listener.
    /// </summary>
    public void Close()
    {
        lock (_gate)
        {
            if (_closed) return;
            _closed = true;
            foreach (var pending in _notifications)
                if (pending.Entry == null && Interlocked.CompareExchange(ref pending.State, PendingNotification.Dropped, PendingNotification.Waiting) == PendingNotification.Waiting)
                {
                    pending.Answer.TrySetResult(503);
                    Count(503);
                }
            _notifications.Clear();
            Signal();
        }
    }

    public void Dispose()
    {
        Close();
        _server.Dispose();
        _spool?.Dispose();
        Array.Clear(_key, 0, _key.Length);
    }

    // ---- The endpoint, on listener threads ----

    HttpAnswer? IHttpEndpoint.Admit(HttpRequestHead head, string remote)
    {
        var from = $"{head.Method} from {remote}";
        if (!_prefix.Serves(head.Path)) return Refuse(404, null);
        if (head.Method == "GET") return Handshake(head, from);
        if (head.Method != "POST") return Refuse(405, null, ("Allow", "GET, POST"));
        if (head.ContentLength > MaxBodyBytes)
            return Refuse(413, $"Refused a {from}: its body is over {MaxBodyBytes} bytes (413).");
        var signatures = head.Values(WebhookSignature.HeaderName);
        if (signatures.Count == 0)
            return Refuse(401, $"Refused a {from}: it has no {WebhookSignature.HeaderName} header (401); nothing was written.");
        if (signatures.Count > 1)
            return Refuse(400, $"Refused a {from}: it has {signatures.Count} {WebhookSignature.HeaderName} headers, and which one signs the body is ambiguous (400); nothing was written.");
        if (!WebhookSignature.TryParse(signatures[0], out _))
            return Refuse(401, $"Refused a {from}: its {WebhookSignature.HeaderName} is not sha256= and 64 hex digits (401); nothing was written.");
        lock (_gate)
        {
            if (_closed) return Refuse(503, null);
            if (_notifications.Count >= (_spool == null ? _options.MaxWaiting : _options.MaxSpoolBacklog))
                return Refuse(503, $"Answered a {from} with 503: {_notifications.Count} notifications are waiting for the pipeline (Meta delivers it again later).");
            if (_spool == null && _waitingBytes + (head.ContentLength ?? MaxBodyBytes) > _options.MaxWaitingBytes)
                return Refuse(503, $"Answered a {from} with 503 before reading it: the notifications waiting for the pipeline hold {_waitingBytes:N0} bytes (Meta delivers it again later; with a slow consumer, use -SpoolPath).");
        }
        return null;
    }

    async Task<HttpAnswer> IHttpEndpoint.HandleAsync(HttpRequestHead head, RequestBody body, string remote)
    {
        var signature = head.Values(WebhookSignature.HeaderName)[0];
        if (!WebhookSignature.IsValid(body.Segments, signature, _key))
            return Refuse(401, $"Refused a POST from {remote}: its {WebhookSignature.HeaderName} does not match the body and -AppSecret (401); nothing was written.")!;
        return _spool != null ? SpoolBody(body.ToArray(), signature, remote) : await HandOverAsync(body.ToArray()).ConfigureAwait(false);
    }

    void IHttpEndpoint.Refused(int status, string why, string remote)
    {
        lock (_gate) Report($"Refused a request from {remote}: {why} ({status.ToString(CultureInfo.InvariantCulture)}).", true, status);
    }

    /// <summary>Without a spool: 200 once the pipeline wrote the events, 503 if it does not take them in time.</summary>
    private async Task<HttpAnswer> HandOverAsync(byte[] body)
    {
        var pending = new PendingNotification { Body = body, State = PendingNotification.Waiting };
        lock (_gate)
        {
            if (_closed) return Refuse(503, null)!;
            _notifications.Enqueue(pending);
            _waitingBytes += body.Length;
            Signal();
        }
        try
        {
            var answered = pending.Answer.Task;
            if (await Task.WhenAny(answered, Task.Delay(_options.HandOverTimeout)).ConfigureAwait(false) != answered
                && Interlocked.CompareExchange(ref pending.State, PendingNotification.Dropped, PendingNotification.Waiting) == PendingNotification.Waiting)
            {
                lock (_gate) Report("Answered a notification with 503: the pipeline did not take it in time (Meta delivers it again later; with a slow consumer, use -SpoolPath).", true, 503);
                return new HttpAnswer(503);
            }
            var status = await answered.ConfigureAwait(false);
            return new HttpAnswer(status);
        }
        finally
        {
            lock (_gate) _waitingBytes -= body.Length;
        }
    }

    /// <summary>With a spool: 200 once the body is on disk, in arrival order; a failed write is 503, never 200.</summary>
    private HttpAnswer SpoolBody(byte[] body, string signature, string remote)
    {
        PendingNotification pending;
        lock (_gate)
        {
            if (_closed) return Refuse(503, null)!;
            pending = new PendingNotification { Entry = _spool!.Reserve(signature.Substring("sha256=".Length).ToLowerInvariant()), State = PendingNotification.Writing };
            _notifications.Enqueue(pending);
        }
        try
        {
            _spool.Write(pending.Entry, body);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            lock (_gate)
            {
                Volatile.Write(ref pending.State, PendingNotification.Dropped);
                Signal();
                Report($"Answered a POST from {remote} with 503: it could not be written to the spool ({ex.Message}); Meta delivers it again later.", true, 503);
            }
            return new HttpAnswer(503);
        }
        lock (_gate)
        {
            Volatile.Write(ref pending.State, PendingNotification.Waiting);
            Signal();
        }
        Interlocked.Increment(ref _acknowledged);
        return new HttpAnswer(200);
    }

    private HttpAnswer Handshake(HttpRequestHead head, string from)
    {
        if (_verifyToken == null)
            return Refuse(403, $"Refused a verification {from}: no -VerifyToken was given (403).");
        var query = new Dictionary<string, string?>(StringComparer.Ordinal);
        // A parameter given twice has no single value: it counts as missing.
        foreach (var pair in head.QueryParameters()) query[pair.Key] = pair.Value.Count == 1 ? pair.Value[0] : null;
        var outcome = WebhookChallenge.Check(query, _verifyToken, out var challenge);
        if (outcome == ChallengeOutcome.Accepted)
        {
            lock (_gate) Report($"Answered the verification {from} with its challenge.", false);
            return new HttpAnswer(200, challenge!);
        }
        return Refuse(403, outcome switch
        {
            ChallengeOutcome.NotSubscribe => $"Refused a {from}: it is not a verification (hub.mode is not 'subscribe') (403).",
            ChallengeOutcome.VerifyTokenMismatch => $"Refused a verification {from}: hub.verify_token is missing or does not match -VerifyToken (403).",
            _ => $"Refused a verification {from}: it has no hub.challenge (403).",
        })!;
    }

    /// <summary>A refusal: counted by status, and said (as a warning) when <paramref name="line"/> is given.</summary>
    private HttpAnswer Refuse(int status, string? line, params (string, string)[] headers)
    {
        lock (_gate)
        {
            if (line != null) Report(line, true, status);
            else Count(status);
        }
        return new HttpAnswer(status, "", headers);
    }

    /// <summary>Queues a report line, or counts it when the pipeline is behind; under the gate.</summary>
    private void Report(string text, bool warning, int status = 0)
    {
        if (status != 0) Count(status);
        if (_reports.Count >= _options.MaxReportLines)
        {
            _reportsDropped++;
            return;
        }
        _reports.Enqueue(new IntakeReport(text, warning));
        Signal();
    }

    /// <summary>Milliseconds from an arbitrary start, never wrapping (netstandard2.0 has no Environment.TickCount64).</summary>
    private static long NowMs() => System.Diagnostics.Stopwatch.GetTimestamp() * 1000 / System.Diagnostics.Stopwatch.Frequency;

    private void Count(int status) => _refused[status] = _refused.TryGetValue(status, out var n) ? n + 1 : 1;
}
