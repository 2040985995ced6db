using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Security;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace WhatsappPhone.Webhooks;

/// <summary>What the listener hands to the pipeline thread: a signed body to read, or a line to report.</summary>
internal sealed class ListenerItem
{
    private ListenerItem(byte[]? body, string? warning, string? verbose)
    {
        Body = body;
        Warning = warning;
        Verbose = verbose;
    }

    /// <summary>A notification whose signature was checked and which was acknowledged with 200.</summary>
    public byte[]? Body { get; }
    /// <summary>A refused request, said without any secret.</summary>
    public string? Warning { get; }
    public string? Verbose { get; }

    public static ListenerItem Notification(byte[] body) => new ListenerItem(body, null, null);
    public static ListenerItem Warn(string line) => new ListenerItem(null, line, null);
    public static ListenerItem Say(string line) => new ListenerItem(null, null, line);
}

/// <summary>
/// A webhook endpoint on HttpListener (Windows and Linux alike). Listener threads answer the
/// handshake, refuse what is not a signed notification for the prefix's path, queue each signed
/// notification and only then acknowledge it with 200. They never touch PowerShell: the pipeline
/// thread takes from the queue. The queue is bounded; when it is full, or once the listener is
/// closing, a notification gets 503 and Meta delivers it again later, so none acknowledged is lost.
/// </summary>
internal sealed class WebhookListener : IDisposable
{
    /// <summary>Notifications (and report lines) waiting for the pipeline thread, at most.</summary>
    public const int QueueCapacity = 1000;

    private readonly HttpListener _listener = new HttpListener();
    private readonly BlockingCollection<ListenerItem> _inbox = new BlockingCollection<ListenerItem>(new ConcurrentQueue<ListenerItem>(), QueueCapacity);
    private readonly SecureString _appSecret;
    private readonly SecureString? _verifyToken;
    private readonly string _path;
    private readonly object _gate = new object();
    private bool _closed;
    private Task? _accepting;

    public WebhookListener(Uri prefix, SecureString appSecret, SecureString? verifyToken)
    {
        _appSecret = appSecret ?? throw new ArgumentNullException(nameof(appSecret));
        _verifyToken = verifyToken;
        _path = prefix.AbsolutePath.TrimEnd('/');
        _listener.Prefixes.Add(prefix.ToString());
    }

    /// <summary>
    /// A prefix HttpListener takes: absolute http or https, ending with '/'. The message says
    /// what to give instead.
    /// </summary>
    public static Uri ParsePrefix(string prefix)
    {
        if (!Uri.TryCreate(prefix, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"'{prefix}' is not an http:// or https:// prefix such as http://127.0.0.1:8080/hook/.");
        if (!prefix.EndsWith("/", StringComparison.Ordinal))
            throw new ArgumentException($"A listener prefix ends with '/': give '{prefix}/'.");
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
            throw new ArgumentException($"A listener prefix has no query or fragment: '{prefix}'.");
        return uri;
    }

    /// <summary>Starts listening; throws HttpListenerException when the prefix cannot be bound.</summary>
    public void Start()
    {
        _listener.Start();
        _accepting = Task.Run(AcceptAsync);
    }

    /// <summary>The next item, waiting up to <paramref name="timeoutMs"/> (-1: no limit); false on timeout.</summary>
    public bool TryTake(out ListenerItem item, int timeoutMs, CancellationToken cancellationToken) =>
        _inbox.TryTake(out item!, timeoutMs, cancellationToken);

    /// <summary>Stops taking notifications (later ones get 503) and stops listening.</summary>
    public void Close()
    {
        lock (_gate)
        {
            if (_closed) return;
            _closed = true;
        }
        try
        {
            _listener.Stop();
        }
        catch (ObjectDisposedException)
        {
            // Already closed.
        }
    }

    /// <summary>What was queued (and so acknowledged) before <see cref="Close"/>, without waiting.</summary>
    public IEnumerable<ListenerItem> Remaining()
    {
        while (_inbox.TryTake(out var item)) yield return item;
    }

    public void Dispose()
    {
        Close();
        try
        {
            _listener.Close();
        }
        catch (ObjectDisposedException)
        {
            // Already closed.
        }
        try
        {
            _accepting?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The accept loop ends with the listener; how is of no interest.
        }
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
            catch (Exception ex) when (ex is HttpListenerException || ex is ObjectDisposedException || ex is InvalidOperationException)
            {
                return; // stopped
            }
            _ = Task.Run(() => Handle(context));
        }
    }

    private void Handle(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var from = $"{request.HttpMethod} from {request.RemoteEndPoint}";
        try
        {
            if (!string.Equals(request.Url.AbsolutePath.TrimEnd('/'), _path, StringComparison.Ordinal))
            {
                Answer(response, 404);
            }
            else if (request.HttpMethod == "GET")
            {
                Verify(request, response, from);
            }
            else if (request.HttpMethod == "POST")
            {
                Receive(request, response, from);
            }
            else
            {
                response.AddHeader("Allow", "GET, POST");
                Answer(response, 405);
            }
        }
        catch (Exception ex) when (ex is HttpListenerException || ex is IOException || ex is ObjectDisposedException || ex is InvalidOperationException)
        {
            // The caller went away, or the listener is closing: there is no one left to answer.
            Queue(ListenerItem.Say($"A {from} ended before it was answered: {ex.Message}"));
        }
    }

    private void Verify(HttpListenerRequest request, HttpListenerResponse response, string from)
    {
        if (_verifyToken == null)
        {
            Queue(ListenerItem.Warn($"Refused a verification {from}: no -VerifyToken was given (403)."));
            Answer(response, 403);
            return;
        }
        var outcome = WebhookChallenge.Check(WebhookChallenge.ToDictionary(request.QueryString)!, _verifyToken, out var challenge);
        if (outcome == ChallengeOutcome.Accepted)
        {
            Queue(ListenerItem.Say($"Answered the verification {from} with its challenge."));
            Answer(response, 200, challenge);
            return;
        }
        Queue(ListenerItem.Warn(outcome switch
        {
            ChallengeOutcome.NotSubscribe => $"Refused a {from}: it is not a verification (hub.mode is not 'subscribe') (403).",
            ChallengeOutcome.VerifyTokenMismatch => $"Refused a verification {from}: hub.verify_token is missing or does not match -VerifyToken (403).",
            _ => $"Refused a verification {from}: it has no hub.challenge (403).",
        }));
        Answer(response, 403);
    }

    private void Receive(HttpListenerRequest request, HttpListenerResponse response, string from)
    {
        if (request.ContentLength64 > WebhookNotification.MaxBodyBytes || !TryReadBody(request.InputStream, out var body))
        {
            Queue(ListenerItem.Warn($"Refused a {from}: its body is over {WebhookNotification.MaxBodyBytes} bytes (413)."));
            Answer(response, 413);
            return;
        }
        var signature = request.Headers[WebhookSignature.HeaderName];
        if (!WebhookSignature.IsValid(body, signature, _appSecret))
        {
            Queue(ListenerItem.Warn(string.IsNullOrEmpty(signature)
                ? $"Refused a {from}: it has no {WebhookSignature.HeaderName} header (401); nothing was written."
                : $"Refused a {from}: its {WebhookSignature.HeaderName} does not match the body and -AppSecret (401); nothing was written."));
            Answer(response, 401);
            return;
        }
        bool queued;
        lock (_gate) queued = !_closed && _inbox.TryAdd(ListenerItem.Notification(body));
        // Acknowledged only once queued: a notification answered 503 is delivered again by Meta.
        Answer(response, queued ? 200 : 503);
    }

    /// <summary>Reads at most the cap; false when the body is longer (a chunked body has no length to check first).</summary>
    private static bool TryReadBody(Stream input, out byte[] body)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16384];
        int read;
        while ((read = input.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > WebhookNotification.MaxBodyBytes)
            {
                body = Array.Empty<byte>();
                return false;
            }
            buffer.Write(chunk, 0, read);
        }
        body = buffer.ToArray();
        return true;
    }

    /// <summary>Report lines are dropped, never waited for, when the pipeline thread is this far behind.</summary>
    private void Queue(ListenerItem line)
    {
        lock (_gate)
            if (!_closed) _inbox.TryAdd(line);
    }

    private static void Answer(HttpListenerResponse response, int status, string? text = null)
    {
        response.StatusCode = status;
        var bytes = Encoding.UTF8.GetBytes(text ?? "");
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength64 = bytes.Length;
        response.OutputStream.Write(bytes, 0, bytes.Length);
        response.Close();
    }
}
