using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace WhatsappPhone.Api
{
    /// <summary>Where the client reports what it does: one line per request (debug) and each retry (verbose). Never a secret.</summary>
    public interface IGraphLog
    {
        void Debug(string line);
        void Verbose(string line);
    }

    /// <summary>
    /// Sends requests: headers, timeout, the parsed JSON body, errors, and retries. The retry rules
    /// follow Graph's: a GET is idempotent and retried on transient faults; a POST (register,
    /// deregister, request_code...) is not, because each attempt counts against Meta's limits
    /// (10 register calls per number per 72 hours) and may already have taken effect. A POST is
    /// repeated only when it provably never reached the server (connection refused), or once on
    /// the codes Meta documents as "try again" for registration (2, 131016, 133004).
    /// </summary>
    internal sealed class GraphTransport
    {
        static readonly string UserAgent = "WhatsappPhone/" + ModuleVersion();
        static readonly int[] PostRetryCodes = { 2, 131016, 133004 };
        static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
        [ThreadStatic] static Random? random;

        readonly GraphSettings settings;
        readonly HttpClient http;
        readonly IGraphLog? log;

        public GraphTransport(GraphSettings settings, HttpClient http, IGraphLog? log)
        {
            this.settings = settings;
            this.http = http;
            this.log = log;
        }

        /// <summary>Sends with the retry rules above; <paramref name="content"/> is built anew for each attempt.</summary>
        /// <param name="prepare">Adjusts each attempt's request after the usual headers are set (the upload API's OAuth scheme and file_offset).</param>
        public async Task<JsonDocument> SendAsync(HttpMethod method, Uri uri, Func<HttpContent>? content, CancellationToken cancellationToken, Action<HttpRequestMessage>? prepare = null)
        {
            var idempotent = method == HttpMethod.Get;
            var (objectId, isAccount) = ObjectId(uri);
            var waited = TimeSpan.Zero;
            for (var attempt = 1; ; attempt++)
            {
                await UsageThrottle.WaitAsync(settings.BaseUri, objectId, isAccount, log, cancellationToken).ConfigureAwait(false);
                try
                {
                    return await SendOnceAsync(method, uri, content?.Invoke(), cancellationToken, prepare).ConfigureAwait(false);
                }
                catch (GraphApiException ex) when (MayRetry(ex, idempotent, attempt))
                {
                    var delay = ex.RetryAfter ?? Backoff(attempt);
                    if (waited + delay > settings.Retry.MaxWait)
                    {
                        ex.RetryBudgetExceeded = delay;
                        throw;
                    }
                    log?.Verbose($"{ex.Request} failed ({Reason(ex)}); retrying in {delay.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s" +
                                 $"{(ex.RetryAfter != null ? ", as the server asked" : "")} (attempt {attempt + 1} of {(idempotent ? settings.Retry.MaxRetries + 1 : 2)}).");
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                    waited += delay;
                }
            }
        }

        bool MayRetry(GraphApiException ex, bool idempotent, int attempt)
        {
            if (idempotent) return ex.IsTransient && attempt <= settings.Retry.MaxRetries;
            return attempt == 1 && settings.Retry.MaxRetries > 0 && (ex.NeverReachedServer || (ex.Code is int c && PostRetryCodes.Contains(c)));
        }

        static string Reason(GraphApiException ex) =>
            ex is GraphTimeoutException ? "timed out"
            : ex.Code is int c ? $"Graph error {c}{(ex.Subcode is int s ? "/" + s.ToString(CultureInfo.InvariantCulture) : "")}"
            : ex.HttpStatusCode is HttpStatusCode h ? $"HTTP {(int)h}{(ex.GraphMessage == null && (int)h < 300 ? ", incomplete body" : "")}"
            : "no connection";

        /// <summary>Exponential backoff with jitter: half to all of BaseDelay × 2^(attempt-1), capped at 30 s.</summary>
        TimeSpan Backoff(int attempt)
        {
            var ceiling = Math.Min(MaxBackoff.TotalMilliseconds, settings.Retry.BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
            random ??= new Random(Guid.NewGuid().GetHashCode());
            return TimeSpan.FromMilliseconds(ceiling * (0.5 + random.NextDouble() / 2));
        }

        /// <summary>
        /// One request and its parsed JSON body. Every failure becomes a <see cref="GraphApiException"/>:
        /// Graph errors, non-JSON answers, timeouts, unreachable hosts.
        /// </summary>
        async Task<JsonDocument> SendOnceAsync(HttpMethod method, Uri uri, HttpContent? content, CancellationToken cancellationToken, Action<HttpRequestMessage>? prepare)
        {
            var what = $"{method} {uri.AbsolutePath}";
            using var request = new HttpRequestMessage(method, uri) { Content = content };
            request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            WithRevealed(settings.AccessToken, token => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token));
            prepare?.Invoke(request);

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(settings.Timeout);
            var clock = Stopwatch.StartNew();
            HttpResponseMessage response;
            byte[] body;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                try
                {
                    body = await response.Content.ReadAsByteArrayAsync().WithCancellation(timeout.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is HttpRequestException || ex is System.IO.IOException)
                {
                    // The status line arrived, the body did not: a connection cut mid-answer.
                    response.Dispose();
                    log?.Debug($"{method} {Redact(uri.ToString())} -> {(int)response.StatusCode}, body cut off after {clock.ElapsedMilliseconds} ms: {InnermostMessage(ex)}");
                    throw new GraphApiException($"{what} answered HTTP {(int)response.StatusCode} but the connection closed before the body was complete.", response.StatusCode, ex)
                    { Request = what, IsTransient = true };
                }
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                log?.Debug($"{method} {Redact(uri.ToString())} timed out after {clock.ElapsedMilliseconds} ms");
                throw new GraphTimeoutException(
                    $"{what} did not complete within {settings.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} seconds. " +
                    "The Graph API may be slow or unreachable; try again, or raise the timeout with Connect-WaAccount -TimeoutSec.", ex)
                { Request = what };
            }
            catch (HttpRequestException ex)
            {
                log?.Debug($"{method} {Redact(uri.ToString())} failed after {clock.ElapsedMilliseconds} ms: {InnermostMessage(ex)}");
                throw new GraphApiException($"{what} could not reach {uri.GetLeftPart(UriPartial.Authority)}: {InnermostMessage(ex)}", null, ex)
                { Request = what, IsTransient = true, NeverReachedServer = IsConnectionRefused(ex) };
            }

            using (response)
            {
                var traceHeader = Header(response, "X-Fb-Trace-Id");
                log?.Debug($"{method} {Redact(uri.ToString())} -> {(int)response.StatusCode} {response.ReasonPhrase} in {clock.ElapsedMilliseconds} ms" +
                           (traceHeader != null ? $" (fbtrace_id {traceHeader})" : ""));
                UsageThrottle.Observe(settings.BaseUri, ObjectId(uri).Id, response);
                JsonDocument? doc = null;
                try { doc = body.Length > 0 ? JsonDocument.Parse(body) : null; }
                catch (JsonException) { }

                if (doc != null && GraphJson.Property(doc.RootElement, "error") is { ValueKind: JsonValueKind.Object } error)
                {
                    using (doc) throw GraphErrors.FromEnvelope(error, response, what);
                }
                if (!response.IsSuccessStatusCode)
                {
                    doc?.Dispose();
                    throw GraphErrors.FromStatus(response, body, what);
                }
                if (doc == null || doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    doc?.Dispose();
                    throw new GraphApiException(
                        $"{what} answered HTTP {(int)response.StatusCode} with {(body.Length == 0 ? "an empty body" : $"a body that is not complete JSON ({body.Length} bytes, perhaps cut off)")}.",
                        response.StatusCode) { Request = what, IsTransient = true, FbTraceId = traceHeader };
                }
                return doc;
            }
        }

        /// <summary>
        /// The node a request is about: the path segment after the API version (/v25.0/{id}/...), and
        /// whether it is a WhatsApp Business Account (its phone_numbers edge).
        /// </summary>
        (string? Id, bool IsAccount) ObjectId(Uri uri)
        {
            var segments = uri.AbsolutePath.Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries);
            var version = Array.IndexOf(segments, settings.ApiVersion);
            if (version < 0 || version + 1 >= segments.Length) return (null, false);
            return (Uri.UnescapeDataString(segments[version + 1]), version + 2 < segments.Length && segments[version + 2] == "phone_numbers");
        }

        /// <summary>Connection refused: nothing reached the server, so even a POST may be sent again.</summary>
        static bool IsConnectionRefused(Exception ex)
        {
            for (var e = ex; e != null; e = e.InnerException)
            {
                if (e is SocketException s && s.SocketErrorCode == SocketError.ConnectionRefused) return true;
                if (e is WebException w && w.Status == WebExceptionStatus.ConnectFailure) return true;
            }
            return false;
        }

        /// <summary>Hands a secret to <paramref name="use"/> as a string for as short a time as possible.</summary>
        internal static void WithRevealed(SecureString secret, Action<string> use)
        {
            var ptr = IntPtr.Zero;
            try
            {
                ptr = Marshal.SecureStringToGlobalAllocUnicode(secret);
                use(Marshal.PtrToStringUni(ptr) ?? "");
            }
            finally
            {
                if (ptr != IntPtr.Zero) Marshal.ZeroFreeGlobalAllocUnicode(ptr);
            }
        }

        /// <summary>A URL fit for logs: secrets in its query are replaced.</summary>
        internal static string Redact(string url) =>
            System.Text.RegularExpressions.Regex.Replace(url, @"(?i)\b(access_token|pin|code|appsecret_proof)=[^&#]*", "$1=***");

        internal static string? Header(HttpResponseMessage r, string name) =>
            r.Headers.TryGetValues(name, out var v) ? v.FirstOrDefault() : null;

        static string InnermostMessage(Exception ex)
        {
            while (ex.InnerException != null) ex = ex.InnerException;
            return ex.Message;
        }

        static string ModuleVersion()
        {
            var v = typeof(GraphTransport).Assembly.GetName().Version ?? new Version(0, 0, 0);
            return $"{v.Major}.{v.Minor}.{Math.Max(v.Build, 0)}";
        }
    }

    /// <summary>
    /// Slows down before Graph's rate limits bite. It remembers, per host, the usage percentages the
    /// headers reported over the last minute: the app's (X-App-Usage) and each WhatsApp Business
    /// Account's (X-Business-Use-Case-Usage, whose limit is per app and account). A request is
    /// governed by the app's meter and by its account's: the account named in its path, or the one a
    /// previous answer about the same object reported; for an object not seen yet, the busiest account
    /// on the host. From 90% on, requests under that meter are paced one after another, 0.45 s apart
    /// at 90% up to 5 s at 100%, shared by every request and runspace in the process: however many
    /// run at once (-ThrottleLimit), the rate towards a nearly exhausted limit stays the same, while
    /// the other accounts are not slowed at all.
    /// </summary>
    internal static class UsageThrottle
    {
        const int Threshold = 90;
        const int MaxRemembered = 10000;
        static readonly TimeSpan Memory = TimeSpan.FromMinutes(1);
        static readonly ConcurrentDictionary<string, HostUsage> Hosts = new ConcurrentDictionary<string, HostUsage>(StringComparer.OrdinalIgnoreCase);

        /// <summary>One usage figure and the pacing of the requests it governs.</summary>
        sealed class Meter
        {
            public int Percent;
            public DateTime At;
            public DateTime NextSlot;
            public bool Fresh(DateTime now) => now - At <= Memory;
        }

        sealed class HostUsage
        {
            public readonly Meter App = new Meter();
            public readonly Dictionary<string, Meter> Accounts = new Dictionary<string, Meter>(StringComparer.Ordinal);
            /// <summary>Object ID (a phone number) → the account its answers reported usage for.</summary>
            public readonly Dictionary<string, string> AccountOf = new Dictionary<string, string>(StringComparer.Ordinal);
        }

        /// <param name="objectId">The node the request was about (the path segment after the version), if any.</param>
        public static void Observe(Uri host, string? objectId, HttpResponseMessage response)
        {
            var app = GraphTransport.Header(response, "X-App-Usage");
            var business = GraphTransport.Header(response, "X-Business-Use-Case-Usage");
            if (app == null && business == null) return;
            var usage = Hosts.GetOrAdd(host.Authority, _ => new HostUsage());
            var now = DateTime.UtcNow;
            lock (usage)
            {
                if (app != null)
                {
                    usage.App.Percent = MaxPercent(app);
                    usage.App.At = now;
                }
                if (business == null) return;
                foreach (var (account, percent) in AccountPercents(business))
                {
                    if (!usage.Accounts.TryGetValue(account, out var meter)) usage.Accounts[account] = meter = new Meter();
                    meter.Percent = percent;
                    meter.At = now;
                    if (objectId != null && objectId != account)
                    {
                        if (usage.AccountOf.Count >= MaxRemembered) usage.AccountOf.Clear();
                        usage.AccountOf[objectId] = account;
                    }
                }
            }
        }

        /// <param name="isAccount">The object is known to be an account (a listing of its numbers): an unseen one is not slowed by the others.</param>
        public static Task WaitAsync(Uri host, string? objectId, bool isAccount, IGraphLog? log, CancellationToken cancellationToken)
        {
            if (!Hosts.TryGetValue(host.Authority, out var usage)) return Task.CompletedTask;
            TimeSpan delay;
            int percent;
            string? account;
            lock (usage)
            {
                var now = DateTime.UtcNow;
                var (meter, name) = Governing(usage, objectId, isAccount, now);
                if (meter == null) return Task.CompletedTask;
                percent = meter.Percent;
                account = name;
                var slot = (meter.NextSlot > now ? meter.NextSlot : now) + Interval(percent);
                meter.NextSlot = slot;
                delay = slot - now;
            }
            log?.Verbose($"Graph reports {percent}% of the rate limit used{(account != null ? $" for WhatsApp Business Account {account}" : "")}; " +
                         $"pausing {delay.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s before the next request.");
            return Task.Delay(delay, cancellationToken);
        }

        /// <summary>The meter at or above the threshold that governs a request (the fuller one), with its account; null when none.</summary>
        static (Meter? Meter, string? Account) Governing(HostUsage usage, string? objectId, bool isAccount, DateTime now)
        {
            Meter? account = null;
            string? name = null;
            if (objectId != null && usage.Accounts.TryGetValue(objectId, out account)) name = objectId;
            else if (isAccount) { }
            else if (objectId != null && usage.AccountOf.TryGetValue(objectId, out var owner) && usage.Accounts.TryGetValue(owner, out account)) name = owner;
            else
                foreach (var pair in usage.Accounts)
                    if (pair.Value.Fresh(now) && (account == null || pair.Value.Percent > account.Percent)) { account = pair.Value; name = pair.Key; }

            if (account != null && !account.Fresh(now)) account = null;
            var app = usage.App.Fresh(now) ? usage.App : null;
            if (account != null && account.Percent >= Threshold && (app == null || account.Percent >= app.Percent)) return (account, name);
            if (app != null && app.Percent >= Threshold) return (app, null);
            return (null, null);
        }

        static TimeSpan Interval(int percent) => TimeSpan.FromMilliseconds(Math.Min(5000, (percent - Threshold + 1) * 450));

        /// <summary>Each account's highest percentage in an X-Business-Use-Case-Usage header ({"waba":[{...}]}).</summary>
        internal static List<(string Account, int Percent)> AccountPercents(string header)
        {
            var result = new List<(string, int)>();
            try
            {
                using var doc = JsonDocument.Parse(header);
                if (doc.RootElement.ValueKind == JsonValueKind.Object)
                    foreach (var p in doc.RootElement.EnumerateObject())
                        result.Add((p.Name, Max(p.Value)));
            }
            catch (JsonException)
            {
            }
            return result;
        }

        /// <summary>The largest call_count, total_cputime or total_time in a usage header (either shape).</summary>
        internal static int MaxPercent(string header)
        {
            try
            {
                using var doc = JsonDocument.Parse(header);
                return Max(doc.RootElement);
            }
            catch (JsonException)
            {
                return 0;
            }
        }

        static int Max(JsonElement e)
        {
            var max = 0;
            if (e.ValueKind == JsonValueKind.Array)
                foreach (var item in e.EnumerateArray()) max = Math.Max(max, Max(item));
            else if (e.ValueKind == JsonValueKind.Object)
                foreach (var p in e.EnumerateObject())
                    max = Math.Max(max, p.Value.ValueKind == JsonValueKind.Number && p.Name is "call_count" or "total_cputime" or "total_time" && p.Value.TryGetInt32(out var v)
                        ? v : Max(p.Value));
            return max;
        }
    }

    static class TaskExtensions
    {
        /// <summary>netstandard2.0 has no cancellable ReadAsByteArrayAsync: stop waiting when the token fires.</summary>
        public static async Task<T> WithCancellation<T>(this Task<T> task, CancellationToken token)
        {
            if (task.IsCompleted) return await task.ConfigureAwait(false);
            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (token.Register(() => cancelled.TrySetResult(true)))
                if (await Task.WhenAny(task, cancelled.Task).ConfigureAwait(false) != task)
                {
                    _ = task.ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
                    throw new OperationCanceledException(token);
                }
            return await task.ConfigureAwait(false);
        }
    }
}
