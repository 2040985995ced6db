using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using RichardSzalay.MockHttp;
using WhatsappPhone.Api;
using WhatsappPhone.Api.Pipeline;

namespace WhatsappPhone.Tests;

/// <summary>A handler that runs a function per request, for failures MockHttp cannot express.</summary>
internal sealed class FuncHandler : System.Net.Http.HttpMessageHandler
{
    private readonly Func<System.Net.Http.HttpRequestMessage, System.Threading.Tasks.Task<System.Net.Http.HttpResponseMessage>> _answer;
    public FuncHandler(Func<System.Net.Http.HttpRequestMessage, System.Threading.Tasks.Task<System.Net.Http.HttpResponseMessage>> answer) => _answer = answer;
    protected override System.Threading.Tasks.Task<System.Net.Http.HttpResponseMessage> SendAsync(System.Net.Http.HttpRequestMessage request, System.Threading.CancellationToken cancellationToken) => _answer(request);
}

/// <summary>Keeps what the client logs, to assert on it.</summary>
internal sealed class ListLog : IGraphLog
{
    public readonly System.Collections.Generic.List<string> DebugLines = new System.Collections.Generic.List<string>();
    public readonly System.Collections.Generic.List<string> VerboseLines = new System.Collections.Generic.List<string>();
    public void Debug(string line) { lock (DebugLines) DebugLines.Add(line); }
    public void Verbose(string line) { lock (VerboseLines) VerboseLines.Add(line); }
}

/// <summary>
/// Time that passes only when the code waits: a wait moves the clock on at once (nobody sleeps), and
/// each wait is recorded. With <see cref="Held"/> set, waits stay pending until <see cref="Advance"/>.
/// </summary>
internal sealed class TestClock : GraphClock
{
    private readonly object _sync = new object();
    private readonly List<(DateTime Due, TaskCompletionSource<bool> Done)> _pending = new List<(DateTime, TaskCompletionSource<bool>)>();
    private DateTime _now = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public readonly List<TimeSpan> Waits = new List<TimeSpan>();
    public bool Held;

    public override DateTime UtcNow { get { lock (_sync) return _now; } }

    /// <summary>Everything waited, one after another.</summary>
    public TimeSpan TotalWaited { get { lock (_sync) { var t = TimeSpan.Zero; foreach (var w in Waits) t += w; return t; } } }

    public int Pending { get { lock (_sync) return _pending.Count; } }

    public override Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            Waits.Add(delay);
            if (!Held)
            {
                if (delay > TimeSpan.Zero) _now += delay;
                return Task.CompletedTask;
            }
            var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            var entry = (_now + delay, done);
            _pending.Add(entry);
            cancellationToken.Register(() =>
            {
                lock (_sync) _pending.Remove(entry);
                done.TrySetCanceled(cancellationToken);
            });
            return done.Task;
        }
    }

    /// <summary>Moves time on, without a wait: what passes while requests are on the wire.</summary>
    public void Pass(TimeSpan span) { lock (_sync) _now += span; }

    /// <summary>Moves held time on, completing the waits that are due.</summary>
    public void Advance(TimeSpan span)
    {
        List<TaskCompletionSource<bool>> due;
        lock (_sync)
        {
            _now += span;
            due = _pending.FindAll(p => p.Due <= _now).ConvertAll(p => p.Done);
            _pending.RemoveAll(p => p.Due <= _now);
        }
        foreach (var d in due) d.TrySetResult(true);
    }
}

internal static class TestSupport
{
    public const string Token = "EAAG-test-token-value";
    public const string BaseUri = "https://graph.facebook.com";

    public static string Recorded(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "recorded", name + ".json");
        if (!File.Exists(path)) throw new FileNotFoundException("Recorded fixture missing: is ../shared beside the repository?", path);
        return File.ReadAllText(path);
    }

    public static SecureString Secure(string value)
    {
        var s = new SecureString();
        foreach (var c in value) s.AppendChar(c);
        return s;
    }

    /// <summary>A client over a mocked handler, on a clock of its own, with a usage throttle of its own (nothing shared between tests).</summary>
    public static GraphClient Client(MockHttpMessageHandler handler, string version = "v25.0", TimeSpan? timeout = null, IGraphLog? log = null, RetryOptions? retry = null, TestClock? clock = null) =>
        Client(handler.ToHttpClient(), version, timeout, log, retry, clock);

    public static GraphClient Client(HttpClient http, string version = "v25.0", TimeSpan? timeout = null, IGraphLog? log = null, RetryOptions? retry = null, TestClock? clock = null, string baseUri = BaseUri)
    {
        clock ??= new TestClock();
        return new GraphClient(new GraphSettings(Secure(Token), version, new Uri(baseUri), timeout, retry ?? Retries), http, log, clock, new UsageThrottle(clock));
    }

    /// <summary>Retries as in production (the waits pass on the test's clock, not the wall's).</summary>
    public static readonly RetryOptions Retries = RetryOptions.Default;

    public static readonly RetryOptions NoRetries = new RetryOptions(0, TimeSpan.Zero);

    public static HttpResponseMessage Json(System.Net.HttpStatusCode status, string body)
    {
        var r = new HttpResponseMessage(status) { Content = new StringContent(body) };
        r.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "UTF-8" };
        return r;
    }
}
