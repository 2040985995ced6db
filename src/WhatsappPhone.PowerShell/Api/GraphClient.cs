using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using WhatsappPhone.Api.Paging;
using WhatsappPhone.Api.Pipeline;
using WhatsappPhone.Models;

namespace WhatsappPhone.Api;

/// <summary>
/// The Graph API client: builds each request (and says what it is about), sends it through the
/// pipeline (Pipeline/: retries, pacing, one send) and maps the answer. It knows nothing of
/// PowerShell, so it is tested with a mocked HTTP handler alone.
/// </summary>
internal sealed partial class GraphClient
{
    public const int MaxPageSize = 100;
    /// <summary>A page with more items than this many times the page size asked for is refused: Graph never sends one.</summary>
    private const int MaxPageOverrun = 2;
    private static readonly MediaTypeHeaderValue JsonType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };

    private readonly GraphSettings _settings;
    private readonly GraphPipeline _pipeline;

    /// <param name="settings">The resolved connection: token, version, base URI, timeout, retries.</param>
    /// <param name="http">The HTTP client to send with; the module's shared pipeline when null.</param>
    /// <param name="log">Receives one debug line per request (method, URL, status, duration, fbtrace_id) and a verbose line per retry or pause.</param>
    /// <param name="clock">Time for backoff and pacing; the system clock when null (tests pass their own).</param>
    /// <param name="throttle">Usage pacing; the host's process-wide throttle when null.</param>
    public GraphClient(GraphSettings settings, HttpClient? http = null, IGraphLog? log = null, GraphClock? clock = null, UsageThrottle? throttle = null)
    {
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _pipeline = new GraphPipeline(settings, http ?? GraphHttp.CreateClient(settings.Proxy, settings.BaseUri), log, clock ?? GraphClock.System,
            throttle ?? UsageThrottle.ForHost(settings.BaseUri));
    }

    /// <summary>The first page of a WhatsApp Business Account's numbers.</summary>
    public Uri PhoneNumbersUri(string businessAccountId, IEnumerable<string> fields, int limit, bool includeTotalCount = false)
    {
        GraphInput.RequireId(businessAccountId, IdKind.BusinessAccount, nameof(businessAccountId));
        if (limit < 1 || limit > MaxPageSize) throw new ArgumentOutOfRangeException(nameof(limit), $"The page size is 1 to {MaxPageSize}.");
        var query = $"fields={Escape(string.Join(",", fields))}&limit={limit.ToString(CultureInfo.InvariantCulture)}";
        if (includeTotalCount) query += "&summary=total_count";
        return ApiUri($"{businessAccountId}/phone_numbers", query);
    }

    /// <summary>Fetches one page of phone numbers and parses it whole before returning any of it.</summary>
    public Task<Page<PhoneNumber>> GetPhoneNumberPageAsync(Uri pageUri, string businessAccountId, ICollection<string>? extraFields, CancellationToken cancellationToken) =>
        GetPageAsync(pageUri, businessAccountId, IdKind.BusinessAccount, e => PhoneNumberJson.Read(e, businessAccountId, extraFields), cancellationToken);

    /// <summary>The first page of a business portfolio's owned or client WhatsApp Business Accounts.</summary>
    public Uri BusinessAccountsUri(string businessId, BusinessAccountOwnership ownership, int limit)
    {
        GraphInput.RequireId(businessId, IdKind.BusinessPortfolio, nameof(businessId));
        var edge = ownership == BusinessAccountOwnership.Owned ? "owned_whatsapp_business_accounts" : "client_whatsapp_business_accounts";
        return ApiUri($"{businessId}/{edge}", $"fields={Escape(string.Join(",", BusinessAccountJson.Fields))}&limit={limit.ToString(CultureInfo.InvariantCulture)}");
    }

    public Task<Page<BusinessAccount>> GetBusinessAccountPageAsync(Uri pageUri, string businessId, BusinessAccountOwnership ownership, CancellationToken cancellationToken) =>
        GetPageAsync(pageUri, businessId, IdKind.BusinessPortfolio, e => BusinessAccountJson.Read(e, businessId, ownership), cancellationToken);

    /// <summary>One page of any Graph listing, parsed whole: a page cut off and retried never yields an item twice.</summary>
    private async Task<Page<T>> GetPageAsync<T>(Uri pageUri, string ownerId, IdKind owner, Func<JsonElement, T> read, CancellationToken cancellationToken)
    {
        var request = new GraphRequest(HttpMethod.Get, CheckSameOrigin(pageUri), ownerId, owner);
        using var doc = await _pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var root = doc.RootElement;
        var items = new List<T>();
        if (GraphJson.Property(root, "data") is { ValueKind: JsonValueKind.Array } data)
        {
            var limit = PageSizeOf(pageUri);
            if (data.GetArrayLength() > limit * MaxPageOverrun)
            {
                throw new GraphApiException(
                    $"{request.Description} answered {data.GetArrayLength()} items for a page of at most {limit}: the answer is not what was asked for, and was not read.",
                    HttpStatusCode.OK)
                { Request = request.Description, Target = owner, LocalErrorId = "WaApi.ResponseTooLarge" };
            }

            foreach (var e in data.EnumerateArray())
                if (e.ValueKind == JsonValueKind.Object) items.Add(read(e));
        }
        Uri? next = null;
        if (GraphJson.Property(root, "paging") is { } paging && GraphJson.Text(GraphJson.Property(paging, "next")) is { Length: > 0 } link)
        {
            if (!Uri.TryCreate(link, UriKind.Absolute, out next))
                throw new GraphApiException($"The Graph API answered a next-page link that is not an absolute URI: '{Secrets.Redact(link)}'.", HttpStatusCode.OK);
            next = StripAccessToken(next);
        }
        var total = GraphJson.Property(root, "summary") is { } summary ? GraphJson.Count(GraphJson.Property(summary, "total_count")) : null;
        return new Page<T>(items, next, total);
    }

    public async Task<PhoneNumber> GetPhoneNumberAsync(string phoneNumberId, IEnumerable<string> fields, ICollection<string>? extraFields, CancellationToken cancellationToken)
    {
        GraphInput.RequireId(phoneNumberId, IdKind.PhoneNumber, nameof(phoneNumberId));
        var uri = ApiUri(phoneNumberId, "fields=" + Escape(string.Join(",", fields)));
        using var doc = await _pipeline.SendAsync(new GraphRequest(HttpMethod.Get, uri, phoneNumberId, IdKind.PhoneNumber), cancellationToken).ConfigureAwait(false);
        return PhoneNumberJson.Read(doc.RootElement, null, extraFields);
    }

    /// <summary>POST /{id}/register. Never retried blindly: each attempt counts against <see cref="RegisterLimit"/>.</summary>
    public async Task RegisterAsync(string phoneNumberId, SecureString pin, string? dataLocalizationRegion, CancellationToken cancellationToken)
    {
        GraphInput.RequireId(phoneNumberId, IdKind.PhoneNumber, nameof(phoneNumberId));
        var body = JsonBody(w =>
        {
            w.WriteString("messaging_product", "whatsapp");
            Secrets.WithRevealed(pin, p =>
            {
                GraphInput.RequirePin(p, nameof(pin));
                w.WriteString("pin", p);
            });
            if (!string.IsNullOrEmpty(dataLocalizationRegion)) w.WriteString("data_localization_region", dataLocalizationRegion);
        });
        await PostForSuccessAsync(phoneNumberId, $"{phoneNumberId}/register", body, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>POST /{id}/deregister (no body).</summary>
    public Task DeregisterAsync(string phoneNumberId, CancellationToken cancellationToken)
    {
        GraphInput.RequireId(phoneNumberId, IdKind.PhoneNumber, nameof(phoneNumberId));
        return PostForSuccessAsync(phoneNumberId, $"{phoneNumberId}/deregister", null, cancellationToken);
    }

    /// <summary>POST /{id}/request_code: sends a verification code by SMS or voice call. Not retried blindly (each sends a message).</summary>
    public Task RequestCodeAsync(string phoneNumberId, string codeMethod, string language, CancellationToken cancellationToken)
    {
        GraphInput.RequireId(phoneNumberId, IdKind.PhoneNumber, nameof(phoneNumberId));
        return PostForSuccessAsync(phoneNumberId, $"{phoneNumberId}/request_code", JsonBody(w =>
        {
            w.WriteString("code_method", codeMethod);
            w.WriteString("language", language);
        }), cancellationToken);
    }

    /// <summary>POST /{id}/verify_code with the code as a string.</summary>
    public Task VerifyCodeAsync(string phoneNumberId, SecureString code, CancellationToken cancellationToken)
    {
        GraphInput.RequireId(phoneNumberId, IdKind.PhoneNumber, nameof(phoneNumberId));
        return PostForSuccessAsync(phoneNumberId, $"{phoneNumberId}/verify_code", JsonBody(w => Secrets.WithRevealed(code, c =>
        {
            GraphInput.RequireVerificationCode(c, nameof(code));
            w.WriteString("code", c);
        })), cancellationToken);
    }

    /// <summary>POST /{id} with {"pin"}: sets or changes the two-step verification PIN.</summary>
    public Task SetPinAsync(string phoneNumberId, SecureString pin, CancellationToken cancellationToken)
    {
        GraphInput.RequireId(phoneNumberId, IdKind.PhoneNumber, nameof(phoneNumberId));
        return PostForSuccessAsync(phoneNumberId, phoneNumberId, JsonBody(w => Secrets.WithRevealed(pin, p =>
        {
            GraphInput.RequirePin(p, nameof(pin));
            w.WriteString("pin", p);
        })), cancellationToken);
    }

    private Task PostForSuccessAsync(string phoneNumberId, string path, byte[]? body, CancellationToken cancellationToken) =>
        SendForSuccessAsync(HttpMethod.Post, phoneNumberId, IdKind.PhoneNumber, path, body, cancellationToken);

    /// <summary>A change that Graph confirms with {"success":true}; the body is cleared after sending.</summary>
    private async Task SendForSuccessAsync(HttpMethod method, string targetId, IdKind? target, string path, byte[]? body, CancellationToken cancellationToken)
    {
        try
        {
            var request = new GraphRequest(method, ApiUri(path, null), targetId, target, body == null ? null : () => JsonContent(body));
            using var doc = await _pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (GraphJson.Property(doc.RootElement, "success") is not { ValueKind: JsonValueKind.True })
            {
                throw new GraphApiException($"The Graph API did not confirm {method} {path}: it answered {Shorten(doc.RootElement.GetRawText())} instead of {{\"success\":true}}.", HttpStatusCode.OK)
                { Request = $"{method} {path}" };
            }
        }
        finally
        {
            // The body may hold a PIN, a code or a verify token: do not leave it in memory longer than needed.
            if (body != null) Array.Clear(body, 0, body.Length);
        }
    }

    private Uri ApiUri(string path, string? query)
    {
        var b = new UriBuilder(_settings.BaseUri);
        b.Path = b.Path.TrimEnd('/') + "/" + _settings.ApiVersion + "/" + path;
        b.Query = query ?? "";
        return b.Uri;
    }

    /// <summary>Paging links must point where the token is meant to go.</summary>
    private Uri CheckSameOrigin(Uri uri)
    {
        if (Uri.Compare(uri, _settings.BaseUri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
            throw new GraphSecurityRefusalException($"Refusing to send the access token to {uri.GetLeftPart(UriPartial.Authority)}: the paging link leaves {_settings.BaseUri.GetLeftPart(UriPartial.Authority)}.");
        return uri;
    }

    /// <summary>The body as bytes, so each attempt sends a fresh content (.NET Framework disposes it after sending).</summary>
    private static byte[] JsonBody(Action<Utf8JsonWriter> write)
    {
        using var buffer = new System.IO.MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            write(w);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static HttpContent JsonContent(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = JsonType;
        return content;
    }

    /// <summary>Graph's next links may carry the token in the query; the header carries it instead.</summary>
    private static Uri StripAccessToken(Uri uri)
    {
        if (uri.Query.IndexOf("access_token=", StringComparison.OrdinalIgnoreCase) < 0) return uri;
        var kept = uri.Query.TrimStart('?').Split('&').Where(p => !p.StartsWith("access_token=", StringComparison.OrdinalIgnoreCase));
        return new UriBuilder(uri) { Query = string.Join("&", kept) }.Uri;
    }

    /// <summary>The limit a page link asks for (Graph's own links repeat it), else the largest page.</summary>
    private static int PageSizeOf(Uri pageUri)
    {
        foreach (var p in pageUri.Query.TrimStart('?').Split('&'))
        {
            if (p.StartsWith("limit=", StringComparison.Ordinal) && int.TryParse(p.Substring(6), NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit > 0)
                return Math.Min(limit, MaxPageSize);
        }

        return MaxPageSize;
    }

    private static string Escape(string s) => Uri.EscapeDataString(s).Replace("%2C", ",");

    internal static string Shorten(string s) => s.Length <= 200 ? s : s.Substring(0, 200) + "…";
}
