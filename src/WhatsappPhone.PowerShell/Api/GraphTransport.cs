using System;
using System.Collections.Concurrent;
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
        public async Task<JsonDocument> SendAsync(HttpMethod method, Uri uri, Func<HttpContent>? content, CancellationToken cancellationToken)
        {
            var idempotent = method == HttpMethod.Get;
            var waited = TimeSpan.Zero;
            for (var attempt = 1; ; attempt++)
            {
                await UsageThrottle.WaitAsync(settings.BaseUri, log, cancellationToken).ConfigureAwait(false);
                try
                {
                    return await SendOnceAsync(method, uri, content?.Invoke(), cancellationToken).ConfigureAwait(false);
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
        async Task<JsonDocument> SendOnceAsync(HttpMethod method, Uri uri, HttpContent? content, CancellationToken cancellationToken)
        {
            var what = $"{method} {uri.AbsolutePath}";
            using var request = new HttpRequestMessage(method, uri) { Content = content };
            request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            WithRevealed(settings.AccessToken, token => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token));

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
                UsageThrottle.Observe(settings.BaseUri, response);
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
    /// Slows down before Graph's rate limits bite: it remembers the highest usage percentage the
    /// usage headers reported per host over the last minute, and above 90% waits a little before
    /// each request (up to 5 s at 100%), shared by every runspace in the process.
    /// </summary>
    internal static class UsageThrottle
    {
        const int Threshold = 90;
        static readonly ConcurrentDictionary<string, (int Percent, DateTime At)> Usage = new ConcurrentDictionary<string, (int, DateTime)>();

        public static void Observe(Uri host, HttpResponseMessage response)
        {
            var percent = 0;
            foreach (var header in new[] { "X-App-Usage", "X-Business-Use-Case-Usage" })
                if (GraphTransport.Header(response, header) is { } value) percent = Math.Max(percent, MaxPercent(value));
            Usage[host.Authority] = (percent, DateTime.UtcNow);
        }

        public static Task WaitAsync(Uri host, IGraphLog? log, CancellationToken cancellationToken)
        {
            if (!Usage.TryGetValue(host.Authority, out var seen) || seen.Percent < Threshold || DateTime.UtcNow - seen.At > TimeSpan.FromMinutes(1))
                return Task.CompletedTask;
            var delay = TimeSpan.FromMilliseconds(Math.Min(5000, (seen.Percent - Threshold + 1) * 450));
            log?.Verbose($"Graph reports {seen.Percent}% of the rate limit used; pausing {delay.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s before the next request.");
            return Task.Delay(delay, cancellationToken);
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
