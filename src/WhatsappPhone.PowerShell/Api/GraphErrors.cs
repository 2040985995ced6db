using System;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json;

namespace WhatsappPhone.Api
{
    /// <summary>Turns Graph's error envelope, or a response that is not one, into a <see cref="GraphApiException"/>.</summary>
    internal static class GraphErrors
    {
        /// <summary>Graph codes that clear by themselves (reference: error codes table).</summary>
        static readonly int[] TransientCodes = { 1, 2, 4, 17, 32, 613, 80007, 80008, 131000, 131016, 133004 };

        public static GraphApiException FromEnvelope(JsonElement error, HttpResponseMessage response, string request)
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
            if ((Advice(code, subcode) ?? WrongNodeAdvice(code, graphMessage)) is { } advice) Sentence(advice);

            return new GraphApiException(message, response.StatusCode)
            {
                Code = code,
                Subcode = subcode,
                Type = Str("type"),
                GraphMessage = graphMessage,
                UserTitle = Str("error_user_title"),
                UserMessage = userMessage,
                Details = details,
                IsTransient = GraphJson.Property(error, "is_transient") is { ValueKind: JsonValueKind.True }
                              || (code is int c && TransientCodes.Contains(c)),
                FbTraceId = Str("fbtrace_id") ?? GraphTransport.Header(response, "X-Fb-Trace-Id"),
                Request = request,
                RetryAfter = WaitHint(response),
            };
        }

        /// <summary>Two pieces of text as sentences: a full stop between them unless the first already ends one.</summary>
        internal static string JoinSentences(string first, string next) =>
            first.Length == 0 ? next
            : ".!?".IndexOf(first[first.Length - 1]) >= 0 ? $"{first} {next}"
            : $"{first}. {next}";

        /// <summary>An answer that is not a Graph error: an HTML page from a proxy, an empty body, a bare status.</summary>
        public static GraphApiException FromStatus(HttpResponseMessage response, byte[] body, string request)
        {
            var status = (int)response.StatusCode;
            var type = response.Content?.Headers.ContentType?.MediaType ?? "no content type";
            var what = body.Length == 0 ? "an empty body" : $"a {type} body of {body.Length} bytes instead of a Graph JSON error";
            var transient = status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
            return new GraphApiException(
                $"{request} failed with HTTP {status} ({response.ReasonPhrase}) and {what}." +
                (transient ? " This is usually a temporary fault of Graph or a proxy in between; try again shortly." : ""),
                response.StatusCode)
            {
                IsTransient = transient,
                FbTraceId = GraphTransport.Header(response, "X-Fb-Trace-Id"),
                Request = request,
                RetryAfter = WaitHint(response),
            };
        }

        /// <summary>What to do next, for the codes people meet most.</summary>
        internal static string? Advice(int? code, int? subcode) => (code, subcode) switch
        {
            (100, 33) => "Check that you passed a phone-number ID (such as 107878721936019), not the phone number itself, and that the token may manage this account: Get-WaPhoneNumber lists the IDs of a WhatsApp Business Account.",
            (100, 2388001) => "The display name is not approved yet: wait until NameStatus is APPROVED, then register.",
            (190, _) => "The access token is expired or invalid: get a new one (runbooks should use a system-user token) and pass it to Connect-WaAccount or set WHATSAPP_ACCESS_TOKEN.",
            (133005, _) => "What to do: register with the number's current two-step PIN, or set a new one with Set-WaPhoneNumberPin and register with that.",
            (133006, _) => "The number must be verified again: request a code with Request-WaPhoneNumberCode (request_code), confirm it with Confirm-WaPhoneNumberCode (verify_code), then register.",
            (133010, _) => "The number is not registered: register it first with Register-WaPhoneNumber.",
            (133016, _) => $"Register and deregister are limited to {RegisterLimit.Calls} attempts per number in {RegisterLimit.WindowHours} hours, and the number is now blocked for up to {RegisterLimit.WindowHours} hours: do not retry.",
            _ => null,
        };

        /// <summary>A phone-number ID used where an account ID belongs: Graph names the node type it found.</summary>
        internal static string? WrongNodeAdvice(int? code, string? graphMessage) =>
            code == 100 && graphMessage != null && graphMessage.IndexOf("node type (WhatsAppBusinessPhoneNumber)", StringComparison.Ordinal) >= 0
                ? "That ID is a phone-number ID, not a WhatsApp Business Account ID: get the number with Get-WaPhoneNumber -PhoneNumberId <id> (an ID given without a parameter name is taken as -BusinessAccountId)."
                : null;

        /// <summary>Retry-After (seconds or a date), else estimated_time_to_regain_access (minutes) in X-Business-Use-Case-Usage.</summary>
        internal static TimeSpan? WaitHint(HttpResponseMessage response)
        {
            var retryAfter = response.Headers.RetryAfter;
            if (retryAfter?.Delta is TimeSpan delta) return delta;
            if (retryAfter?.Date is DateTimeOffset date) return date - DateTimeOffset.UtcNow > TimeSpan.Zero ? date - DateTimeOffset.UtcNow : TimeSpan.Zero;
            if (GraphTransport.Header(response, "X-Business-Use-Case-Usage") is not { } usage) return null;
            try
            {
                using var doc = JsonDocument.Parse(usage);
                var minutes = 0;
                foreach (var account in doc.RootElement.EnumerateObject())
                    foreach (var entry in account.Value.EnumerateArray())
                        if (GraphJson.Property(entry, "estimated_time_to_regain_access") is { ValueKind: JsonValueKind.Number } m && m.TryGetInt32(out var v))
                            minutes = Math.Max(minutes, v);
                return minutes > 0 ? TimeSpan.FromMinutes(minutes) : (TimeSpan?)null;
            }
            catch (Exception ex) when (ex is JsonException || ex is InvalidOperationException)
            {
                return null;
            }
        }
    }
}
