using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Security;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using WhatsappPhone.Models;

namespace WhatsappPhone.Api
{
    /// <summary>One page of a listing: its items and the absolute link to the next page, if any.</summary>
    public sealed class Page<T>
    {
        public Page(IReadOnlyList<T> items, Uri? next, long? totalCount)
        {
            Items = items;
            Next = next;
            TotalCount = totalCount;
        }

        public IReadOnlyList<T> Items { get; }
        public Uri? Next { get; }
        public long? TotalCount { get; }
    }

    /// <summary>
    /// The Graph API client: the one place for HTTP, JSON, paging and errors. It knows nothing of
    /// PowerShell, so it is tested with a mocked HTTP handler alone.
    /// </summary>
    public sealed class GraphClient
    {
        public const int MaxPageSize = 100;
        static readonly string UserAgent = "WhatsappPhone/" + ModuleVersion();
        static readonly MediaTypeHeaderValue JsonType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };

        readonly GraphSettings settings;
        readonly HttpClient http;
        readonly Action<string>? trace;

        /// <param name="http">The HTTP client to send with; the module's shared pipeline when null.</param>
        /// <param name="trace">Receives one line per request (method, URL, status, duration, fbtrace_id), never a secret.</param>
        public GraphClient(GraphSettings settings, HttpClient? http = null, Action<string>? trace = null)
        {
            this.settings = settings ?? throw new ArgumentNullException(nameof(settings));
            this.http = http ?? GraphHttp.CreateClient();
            this.trace = trace;
        }

        /// <summary>The first page of a WhatsApp Business Account's numbers.</summary>
        public Uri PhoneNumbersUri(string businessAccountId, IEnumerable<string> fields, int limit, bool includeTotalCount = false)
        {
            GraphInput.RequireId(businessAccountId, "WhatsApp Business Account ID", nameof(businessAccountId));
            if (limit < 1 || limit > MaxPageSize) throw new ArgumentOutOfRangeException(nameof(limit), $"The page size is 1 to {MaxPageSize}.");
            var query = $"fields={Escape(string.Join(",", fields))}&limit={limit.ToString(CultureInfo.InvariantCulture)}";
            if (includeTotalCount) query += "&summary=total_count";
            return ApiUri($"{businessAccountId}/phone_numbers", query);
        }

        /// <summary>Fetches one page of phone numbers and parses it whole before returning any of it.</summary>
        public async Task<Page<PhoneNumber>> GetPhoneNumberPageAsync(Uri pageUri, string businessAccountId, ICollection<string>? extraFields, CancellationToken cancellationToken)
        {
            using var doc = await SendAsync(HttpMethod.Get, CheckSameOrigin(pageUri), null, cancellationToken).ConfigureAwait(false);
            var root = doc.RootElement;
            var items = new List<PhoneNumber>();
            if (PhoneNumberJson.Property(root, "data") is { ValueKind: JsonValueKind.Array } data)
                foreach (var e in data.EnumerateArray())
                    if (e.ValueKind == JsonValueKind.Object) items.Add(PhoneNumberJson.Read(e, businessAccountId, extraFields));
            Uri? next = null;
            if (PhoneNumberJson.Property(root, "paging") is { } paging && PhoneNumberJson.Text(PhoneNumberJson.Property(paging, "next")) is { Length: > 0 } link)
            {
                if (!Uri.TryCreate(link, UriKind.Absolute, out next))
                    throw new GraphApiException($"The Graph API answered a next-page link that is not an absolute URI: '{Redact(link)}'.", HttpStatusCode.OK);
                next = StripAccessToken(next);
            }
            long? total = null;
            if (PhoneNumberJson.Property(root, "summary") is { } summary && PhoneNumberJson.Property(summary, "total_count") is { ValueKind: JsonValueKind.Number } tc)
                total = tc.GetInt64();
            return new Page<PhoneNumber>(items, next, total);
        }

        public async Task<PhoneNumber> GetPhoneNumberAsync(string phoneNumberId, IEnumerable<string> fields, ICollection<string>? extraFields, CancellationToken cancellationToken)
        {
            GraphInput.RequireId(phoneNumberId, "phone-number ID", nameof(phoneNumberId));
            var uri = ApiUri(phoneNumberId, "fields=" + Escape(string.Join(",", fields)));
            using var doc = await SendAsync(HttpMethod.Get, uri, null, cancellationToken).ConfigureAwait(false);
            return PhoneNumberJson.Read(doc.RootElement, null, extraFields);
        }

        /// <summary>POST /{id}/register. Never retried blindly: each attempt counts against 10 per number per 72 hours.</summary>
        public async Task RegisterAsync(string phoneNumberId, SecureString pin, string? dataLocalizationRegion, CancellationToken cancellationToken)
        {
            GraphInput.RequireId(phoneNumberId, "phone-number ID", nameof(phoneNumberId));
            var body = WriteJson(w =>
            {
                w.WriteString("messaging_product", "whatsapp");
                WithRevealed(pin, p =>
                {
                    GraphInput.RequirePin(p, nameof(pin));
                    w.WriteString("pin", p);
                });
                if (!string.IsNullOrEmpty(dataLocalizationRegion)) w.WriteString("data_localization_region", dataLocalizationRegion);
            });
            await PostForSuccessAsync($"{phoneNumberId}/register", body, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>POST /{id}/deregister (no body).</summary>
        public Task DeregisterAsync(string phoneNumberId, CancellationToken cancellationToken)
        {
            GraphInput.RequireId(phoneNumberId, "phone-number ID", nameof(phoneNumberId));
            return PostForSuccessAsync($"{phoneNumberId}/deregister", null, cancellationToken);
        }

        async Task PostForSuccessAsync(string path, HttpContent? body, CancellationToken cancellationToken)
        {
            using var doc = await SendAsync(HttpMethod.Post, ApiUri(path, null), body, cancellationToken).ConfigureAwait(false);
            if (PhoneNumberJson.Property(doc.RootElement, "success") is not { ValueKind: JsonValueKind.True })
                throw new GraphApiException($"The Graph API did not confirm POST {path}: it answered {Shorten(doc.RootElement.GetRawText())} instead of {{\"success\":true}}.", HttpStatusCode.OK)
                { Request = "POST " + path };
        }

        Uri ApiUri(string path, string? query)
        {
            var b = new UriBuilder(settings.BaseUri);
            b.Path = b.Path.TrimEnd('/') + "/" + settings.ApiVersion + "/" + path;
            b.Query = query ?? "";
            return b.Uri;
        }

        /// <summary>Paging links must point where the token is meant to go.</summary>
        Uri CheckSameOrigin(Uri uri)
        {
            if (Uri.Compare(uri, settings.BaseUri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
                throw new GraphApiException($"Refusing to send the access token to {uri.GetLeftPart(UriPartial.Authority)}: the paging link leaves {settings.BaseUri.GetLeftPart(UriPartial.Authority)}.");
            return uri;
        }

        /// <summary>
        /// Sends one request and returns its parsed JSON body. Every failure becomes a
        /// <see cref="GraphApiException"/>: Graph errors, non-JSON answers, timeouts, unreachable hosts.
        /// </summary>
        async Task<JsonDocument> SendAsync(HttpMethod method, Uri uri, HttpContent? content, CancellationToken cancellationToken)
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
                body = await response.Content.ReadAsByteArrayAsync().WithCancellation(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                trace?.Invoke($"{method} {Redact(uri.ToString())} timed out after {clock.ElapsedMilliseconds} ms");
                throw new GraphTimeoutException(
                    $"{what} did not complete within {settings.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} seconds. " +
                    "The Graph API may be slow or unreachable; try again, or raise the timeout with Connect-WaAccount -TimeoutSec.", ex)
                { Request = what };
            }
            catch (HttpRequestException ex)
            {
                trace?.Invoke($"{method} {Redact(uri.ToString())} failed after {clock.ElapsedMilliseconds} ms: {ex.Message}");
                throw new GraphApiException($"{what} could not reach {uri.GetLeftPart(UriPartial.Authority)}: {InnermostMessage(ex)}", null, ex)
                { Request = what, IsTransient = true };
            }

            using (response)
            {
                var traceHeader = Header(response, "X-Fb-Trace-Id");
                trace?.Invoke($"{method} {Redact(uri.ToString())} -> {(int)response.StatusCode} {response.ReasonPhrase} in {clock.ElapsedMilliseconds} ms" +
                              (traceHeader != null ? $" (fbtrace_id {traceHeader})" : ""));
                JsonDocument? doc = null;
                try { doc = body.Length > 0 ? JsonDocument.Parse(body) : null; }
                catch (JsonException) { }

                if (doc != null && PhoneNumberJson.Property(doc.RootElement, "error") is { ValueKind: JsonValueKind.Object } error)
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

        static HttpContent WriteJson(Action<Utf8JsonWriter> write)
        {
            using var buffer = new System.IO.MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                write(w);
                w.WriteEndObject();
            }
            var content = new ByteArrayContent(buffer.ToArray());
            content.Headers.ContentType = JsonType;
            return content;
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

        /// <summary>Graph's next links may carry the token in the query; the header carries it instead.</summary>
        static Uri StripAccessToken(Uri uri)
        {
            if (uri.Query.IndexOf("access_token=", StringComparison.OrdinalIgnoreCase) < 0) return uri;
            var kept = uri.Query.TrimStart('?').Split('&').Where(p => !p.StartsWith("access_token=", StringComparison.OrdinalIgnoreCase));
            return new UriBuilder(uri) { Query = string.Join("&", kept) }.Uri;
        }

        /// <summary>A URL fit for logs: secrets in its query are replaced.</summary>
        internal static string Redact(string url) =>
            System.Text.RegularExpressions.Regex.Replace(url, @"(?i)\b(access_token|pin|code|appsecret_proof)=[^&#]*", "$1=***");

        internal static string? Header(HttpResponseMessage r, string name) =>
            r.Headers.TryGetValues(name, out var v) ? v.FirstOrDefault() : null;

        static string Escape(string s) => Uri.EscapeDataString(s).Replace("%2C", ",");

        static string InnermostMessage(Exception ex)
        {
            while (ex.InnerException != null) ex = ex.InnerException;
            return ex.Message;
        }

        internal static string Shorten(string s) => s.Length <= 200 ? s : s.Substring(0, 200) + "…";

        static string ModuleVersion()
        {
            var v = typeof(GraphClient).Assembly.GetName().Version ?? new Version(0, 0, 0);
            return $"{v.Major}.{v.Minor}.{Math.Max(v.Build, 0)}";
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
