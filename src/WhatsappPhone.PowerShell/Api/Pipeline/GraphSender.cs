using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace WhatsappPhone.Api.Pipeline;

/// <summary>
/// Sends a request once: headers, the timeout, a bounded body, and every failure as a
/// <see cref="GraphApiException"/> (Graph errors, non-JSON answers, timeouts, unreachable hosts).
/// A response is always disposed, and one given up on mid-body has its connection aborted, so
/// abandoned answers never hold the host's connections.
/// </summary>
internal sealed class GraphSender
{
    /// <summary>
    /// The most a body may hold, on the wire and after decompression. Graph's pages are kilobytes;
    /// anything near this is not an answer worth parsing (and may be a decompression bomb).
    /// </summary>
    public const int MaxBodyBytes = 32 * 1024 * 1024;

    private static readonly string UserAgent = "WhatsappPhone/" + ModuleVersion();

    private readonly GraphSettings _settings;
    private readonly HttpClient _http;
    private readonly IGraphLog? _log;
    private readonly UsageThrottle _throttle;

    public GraphSender(GraphSettings settings, HttpClient http, IGraphLog? log, UsageThrottle throttle)
    {
        _settings = settings;
        _http = http;
        _log = log;
        _throttle = throttle;
    }

    public async Task<JsonDocument> SendOnceAsync(GraphRequest r, CancellationToken cancellationToken)
    {
        var what = r.Description;
        var url = Secrets.Redact(r.Uri.ToString());
        using var request = new HttpRequestMessage(r.Method, r.Uri) { Content = r.Content?.Invoke() };
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        Secrets.WithRevealed(_settings.AccessToken, token => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token));
        r.Prepare?.Invoke(request);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_settings.Timeout);
        var clock = Stopwatch.StartNew();
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            _log?.Debug($"{r.Method} {url} timed out after {clock.ElapsedMilliseconds} ms");
            throw TimedOut(r, ex);
        }
        catch (HttpRequestException ex)
        {
            _log?.Debug($"{r.Method} {url} failed after {clock.ElapsedMilliseconds} ms: {InnermostMessage(ex)}");
            throw new GraphApiException($"{what} could not reach {r.Uri.GetLeftPart(UriPartial.Authority)}: {InnermostMessage(ex)}", null, ex)
            { Request = what, IsTransient = true, NeverReachedServer = IsConnectionRefused(ex), Target = r.Target };
        }

        using (response)
        {
            byte[] body;
            try
            {
                body = await ReadBodyAsync(response, r, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (timeout.IsCancellationRequested && (ex is OperationCanceledException || ex is IOException || ex is ObjectDisposedException || ex is HttpRequestException))
            {
                // Given up mid-body: the using disposes the response, which aborts its connection.
                cancellationToken.ThrowIfCancellationRequested();
                _log?.Debug($"{r.Method} {url} -> {(int)response.StatusCode}, body timed out after {clock.ElapsedMilliseconds} ms");
                throw TimedOut(r, ex);
            }
            catch (Exception ex) when (ex is HttpRequestException || ex is IOException)
            {
                // The status line arrived, the body did not: a connection cut mid-answer.
                _log?.Debug($"{r.Method} {url} -> {(int)response.StatusCode}, body cut off after {clock.ElapsedMilliseconds} ms: {InnermostMessage(ex)}");
                throw new GraphApiException($"{what} answered HTTP {(int)response.StatusCode} but the connection closed before the body was complete.", response.StatusCode, ex)
                { Request = what, IsTransient = true, Target = r.Target };
            }

            var traceHeader = GraphErrors.Header(response, "X-Fb-Trace-Id");
            _log?.Debug($"{r.Method} {url} -> {(int)response.StatusCode} {response.ReasonPhrase} in {clock.ElapsedMilliseconds} ms" +
                       (traceHeader != null ? $" (fbtrace_id {traceHeader})" : ""));
            _throttle.Observe(r, response);
            var (doc, problem) = Parse(body);

            if (doc != null && GraphJson.Property(doc.RootElement, "error") is { ValueKind: JsonValueKind.Object } error)
            {
                using (doc) throw GraphErrors.FromEnvelope(error, response, r);
            }
            if (!response.IsSuccessStatusCode)
            {
                doc?.Dispose();
                throw GraphErrors.FromStatus(response, body.Length, r);
            }
            if (doc == null || doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                var kind = doc?.RootElement.ValueKind;
                doc?.Dispose();
                throw new GraphApiException(
                    $"{what} answered HTTP {(int)response.StatusCode} with " +
                    (body.Length == 0 ? "an empty body."
                     : problem == BodyProblem.CutOff ? $"a body that is not complete JSON ({body.Length} bytes, perhaps cut off)."
                     : problem == BodyProblem.Invalid ? $"a body of {body.Length} bytes that is not valid JSON, or is nested too deeply to read."
                     : $"a JSON {kind.ToString()!.ToLowerInvariant()} where Graph answers an object."),
                    response.StatusCode)
                {
                    Request = what,
                    // Only an empty or cut-off body may come whole on another try; malformed JSON comes back the same.
                    IsTransient = body.Length == 0 || problem == BodyProblem.CutOff,
                    FbTraceId = traceHeader,
                    Target = r.Target,
                };
            }
            return doc;
        }
    }

    private GraphTimeoutException TimedOut(GraphRequest r, Exception inner) => new GraphTimeoutException(
        $"{r.Description} did not complete within {_settings.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} seconds. " +
        "The Graph API may be slow or unreachable; try again, or raise the timeout.", inner)
    { Request = r.Description, Target = r.Target };

    private enum BodyProblem { None, CutOff, Invalid }

    /// <summary>The body as JSON; when it is not, whether it ended early (cut off in transit) or is malformed.</summary>
    private static (JsonDocument? Doc, BodyProblem Problem) Parse(byte[] body)
    {
        if (body.Length == 0) return (null, BodyProblem.None);
        try
        {
            return (JsonDocument.Parse(body), BodyProblem.None);
        }
        catch (JsonException)
        {
            return (null, EndsEarly(body) ? BodyProblem.CutOff : BodyProblem.Invalid);
        }
    }

    /// <summary>Read as a block that more may follow: valid so far and only waiting for the rest means it was cut off.</summary>
    private static bool EndsEarly(byte[] body)
    {
        var reader = new Utf8JsonReader(body, isFinalBlock: false, state: default);
        try
        {
            while (reader.Read()) { }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The body, at most <see cref="MaxBodyBytes"/> on the wire and after gzip; a cancelled read disposes the response at once.</summary>
    private static async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, GraphRequest r, CancellationToken cancellationToken)
    {
        var content = response.Content;
        if (content == null) return Array.Empty<byte>();
        if (content.Headers.ContentLength is long declared && declared > MaxBodyBytes) throw TooLarge(r, response, declared);
        // netstandard2.0's reads do not all honour the token (.NET Framework): disposing the response stops them.
        using var abort = cancellationToken.Register(response.Dispose);
        var wire = await ReadCappedAsync(await content.ReadAsStreamAsync().ConfigureAwait(false), r, response, cancellationToken).ConfigureAwait(false);
        var encoding = content.Headers.ContentEncoding.LastOrDefault();
        if (encoding == null || encoding.Equals("identity", StringComparison.OrdinalIgnoreCase)) return wire;
        Stream decoded = encoding.ToLowerInvariant() switch
        {
            "gzip" or "x-gzip" => new GZipStream(new MemoryStream(wire), CompressionMode.Decompress),
            // HTTP's deflate is zlib: two header bytes before the raw deflate stream.
            "deflate" when wire.Length >= 2 && (wire[0] & 0x0F) == 8 => new DeflateStream(new MemoryStream(wire, 2, wire.Length - 2), CompressionMode.Decompress),
            _ => throw new GraphApiException($"{r.Description} answered a body in the '{encoding}' encoding, which the module did not ask for and cannot read.", response.StatusCode)
            { Request = r.Description, Target = r.Target, LocalErrorId = "WaApi.UnreadableBody" },
        };
        try
        {
            return await ReadCappedAsync(decoded, r, response, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            throw new GraphApiException($"{r.Description} answered a {encoding} body that does not decompress: {ex.Message}", response.StatusCode, ex)
            { Request = r.Description, Target = r.Target, LocalErrorId = "WaApi.UnreadableBody" };
        }
    }

    private static async Task<byte[]> ReadCappedAsync(Stream stream, GraphRequest r, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using (stream)
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, 0, chunk.Length, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes) throw TooLarge(r, response, null);
                buffer.Write(chunk, 0, read);
            }
            return buffer.ToArray();
        }
    }

    /// <summary>Refused for its size: not transient, since the same answer would be downloaded again.</summary>
    private static GraphApiException TooLarge(GraphRequest r, HttpResponseMessage response, long? declared) => new GraphApiException(
        $"{r.Description} answered a body of " +
        (declared is long n ? $"{n.ToString("N0", CultureInfo.InvariantCulture)} bytes, more than" : "more than") +
        $" the {MaxBodyBytes / (1024 * 1024)} MiB the module accepts (Graph's answers are kilobytes): it was not read, and is not asked for again.",
        response.StatusCode)
    { Request = r.Description, Target = r.Target, LocalErrorId = "WaApi.ResponseTooLarge" };

    /// <summary>Connection refused: nothing reached the server, so even a POST may be sent again.</summary>
    private static bool IsConnectionRefused(Exception ex)
    {
        for (var e = ex; e != null; e = e.InnerException)
        {
            if (e is SocketException s && s.SocketErrorCode == SocketError.ConnectionRefused) return true;
            if (e is WebException w && w.Status == WebExceptionStatus.ConnectFailure) return true;
        }
        return false;
    }

    private static string InnermostMessage(Exception ex)
    {
        while (ex.InnerException != null) ex = ex.InnerException;
        return ex.Message;
    }

    private static string ModuleVersion()
    {
        var v = typeof(GraphSender).Assembly.GetName().Version ?? new Version(0, 0, 0);
        return $"{v.Major}.{v.Minor}.{Math.Max(v.Build, 0)}";
    }
}
