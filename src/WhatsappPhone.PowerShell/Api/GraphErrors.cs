using System;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using WhatsappPhone.Api.Pipeline;

namespace WhatsappPhone.Api;

/// <summary>Turns Graph's error envelope, or a response that is not one, into a <see cref="GraphApiException"/>.</summary>
internal static class GraphErrors
{
    public static GraphApiException FromEnvelope(JsonElement error, HttpResponseMessage response, GraphRequest request)
    {
        int? Int(string name) => GraphJson.Property(error, name) is { ValueKind: JsonValueKind.Number } n && n.TryGetInt32(out var i) ? i : (int?)null;
        string? Str(string name) => GraphJson.Text(GraphJson.Property(error, name));

        var code = Int("code");
        var subcode = Int("error_subcode");
        var graphMessage = Str("message");
        string? details = null;
        if (GraphJson.Property(error, "error_data") is { } data)
            details = data.ValueKind == JsonValueKind.Object ? GraphJson.Text(GraphJson.Property(data, "details")) : GraphJson.Text(data);
        var userMessage = Str("error_user_msg");

        var message = "";
        void Sentence(string text) => message = JoinSentences(message, text);
        Sentence(string.IsNullOrEmpty(graphMessage) ? $"The Graph API answered HTTP {(int)response.StatusCode} with error code {code}." : graphMessage!);
        if (!string.IsNullOrEmpty(userMessage) && userMessage != graphMessage) Sentence(userMessage!);
        if (!string.IsNullOrEmpty(details) && details != graphMessage && details != userMessage) Sentence("Details: " + details);
        var phoneNumberAsAccount = GraphErrorCodes.IsPhoneNumberAsAccount(code, graphMessage);

        return new GraphApiException(message, response.StatusCode)
        {
            Code = code,
            Subcode = subcode,
            Type = Str("type"),
            GraphMessage = graphMessage,
            UserTitle = Str("error_user_title"),
            UserMessage = userMessage,
            Details = details,
            IsTransient = GraphJson.Property(error, "is_transient") is { ValueKind: JsonValueKind.True } || GraphErrorCodes.IsTransient(code, subcode),
            FbTraceId = Str("fbtrace_id") ?? Header(response, "X-Fb-Trace-Id"),
            Request = request.Description,
            RetryAfter = WaitHint(response),
            Target = request.Target,
            PhoneNumberAsAccount = phoneNumberAsAccount,
            Advice = phoneNumberAsAccount ? GraphErrorCodes.PhoneNumberAsAccountAdvice : GraphErrorCodes.Advice(code, subcode, request.Target, request.TargetId),
        };
    }

    /// <summary>Two pieces of text as sentences: a full stop between them unless the first already ends one.</summary>
    internal static string JoinSentences(string first, string next) =>
        first.Length == 0 ? next
        : ".!?".IndexOf(first[first.Length - 1]) >= 0 ? $"{first} {next}"
        : $"{first}. {next}";

    /// <summary>An answer that is not a Graph error: an HTML page from a proxy, an empty body, a bare status.</summary>
    public static GraphApiException FromStatus(HttpResponseMessage response, int bodyLength, GraphRequest request)
    {
        var status = (int)response.StatusCode;
        var type = response.Content?.Headers.ContentType?.MediaType ?? "no content type";
        var what = bodyLength == 0 ? "an empty body" : $"a {type} body of {bodyLength} bytes instead of a Graph JSON error";
        var transient = status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
        return new GraphApiException(
            $"{request.Description} failed with HTTP {status} ({response.ReasonPhrase}) and {what}." +
            (transient ? " This is usually a temporary fault of Graph or a proxy in between; try again shortly." : ""),
            response.StatusCode)
        {
            IsTransient = transient,
            FbTraceId = Header(response, "X-Fb-Trace-Id"),
            Request = request.Description,
            RetryAfter = WaitHint(response),
            Target = request.Target,
        };
    }

    /// <summary>
    /// The same refusal again, for a request that was not sent because an earlier one showed the token
    /// is refused: scripts see the same code, category and advice as for the first.
    /// </summary>
    public static GraphApiException Repeat(GraphApiException refused, GraphRequest request) =>
        new GraphApiException(refused.BaseMessage, refused.HttpStatusCode)
        {
            Code = refused.Code,
            Subcode = refused.Subcode,
            Type = refused.Type,
            GraphMessage = refused.GraphMessage,
            UserTitle = refused.UserTitle,
            UserMessage = refused.UserMessage,
            Details = refused.Details,
            FbTraceId = refused.FbTraceId,
            Request = request.Description,
            Target = request.Target,
            Advice = refused.Advice,
        };

    /// <summary>Retry-After (seconds or a date), else estimated_time_to_regain_access (minutes; 0 means now) in X-Business-Use-Case-Usage.</summary>
    internal static TimeSpan? WaitHint(HttpResponseMessage response)
    {
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is TimeSpan delta) return delta;
        if (retryAfter?.Date is DateTimeOffset date) return date - DateTimeOffset.UtcNow > TimeSpan.Zero ? date - DateTimeOffset.UtcNow : TimeSpan.Zero;
        var minutes = UsageHeaders.RegainMinutes(Header(response, UsageHeaders.BusinessHeader));
        return minutes > 0 ? TimeSpan.FromMinutes(minutes) : (TimeSpan?)null;
    }

    internal static string? Header(HttpResponseMessage r, string name) =>
        r.Headers.TryGetValues(name, out var v) ? v.FirstOrDefault() : null;
}
