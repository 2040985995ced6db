using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using WhatsappPhone.Api;
using WhatsappPhone.Models.Webhooks;

namespace WhatsappPhone.Webhooks;

/// <summary>
/// Reads one webhook notification (a POST body) into one event per change, in order. The body is
/// parsed whole before anything is returned, so a bad body yields an error and no event.
/// </summary>
/// <remarks>
/// The contract the listener and ConvertFrom-WaWebhook rely on: <see cref="Parse"/> returns the
/// events, or throws <see cref="WaWebhookException"/> (with one of its error IDs) and nothing else,
/// whatever the bytes. The fuzz tests in PoisonBodyTests hold it to that.
/// </remarks>
internal static class WebhookNotification
{
    /// <summary>
    /// The largest body taken: 1 MiB. Meta batches up to 1,000 updates in one POST, each well under
    /// a kilobyte for the account fields; a larger body is refused rather than buffered.
    /// </summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>
    /// The most events one notification may yield: Meta batches up to 1,000 updates in one POST. A
    /// body of 1 MiB could otherwise hold 349,000 empty changes, each an event to build and write.
    /// </summary>
    public const int MaxEvents = 1000;

    public const string BusinessAccountObject = "whatsapp_business_account";

    private static readonly JsonWriterOptions Canonical = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonDocumentOptions NoDuplicateProperties = new JsonDocumentOptions { AllowDuplicateProperties = false };
    private static readonly UTF8Encoding StrictUtf8 = new UTF8Encoding(false, true);

    /// <summary>Refuses a body over <see cref="MaxBodyBytes"/>.</summary>
    public static void CheckSize(long length)
    {
        if (length > MaxBodyBytes)
        {
            throw new WaWebhookException(WaWebhookException.TooLarge,
                FormattableString.Invariant($"The webhook body is {length:N0} bytes, more than the {MaxBodyBytes:N0} bytes (1 MiB) this module takes; it was not read."));
        }
    }

    /// <summary>The events of one notification; a <see cref="WaWebhookException"/>, and no other exception, for a body that cannot be taken.</summary>
    public static IReadOnlyList<WebhookEvent> Parse(byte[] body)
    {
        if (body == null) throw new ArgumentNullException(nameof(body));
        CheckSize(body.Length);
        RequireUtf8(body);
        using (var doc = ParseJson(WithoutLoneSurrogates(body)))
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw NotANotification($"its JSON is {Article(root.ValueKind)}, not an object with \"object\" and \"entry\"");
            var kind = GraphJson.Property(root, "object");
            if (kind is not { ValueKind: JsonValueKind.String } || kind.Value.GetString() != BusinessAccountObject)
            {
                throw NotANotification(kind == null
                    ? "it has no \"object\" property"
                    : $"its \"object\" is {Describe(kind.Value)}, not \"{BusinessAccountObject}\"");
            }

            if (GraphJson.Property(root, "entry") is not { ValueKind: JsonValueKind.Array } entries)
                throw NotANotification("it has no \"entry\" array");

            // Each entry is checked and its changes counted before any event is built: a body over the
            // bound costs its parse and no more.
            var total = 0;
            var e = 0;
            foreach (var entry in entries.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Object) throw NotANotification($"entry[{e}] is {Article(entry.ValueKind)}, not an object");
                if (GraphJson.Property(entry, "changes") is not { ValueKind: JsonValueKind.Array } changes)
                    throw NotANotification($"entry[{e}] has no \"changes\" array");
                total += changes.GetArrayLength();
                e++;
            }
            if (total > MaxEvents)
            {
                throw new WaWebhookException(WaWebhookException.TooManyEvents,
                    FormattableString.Invariant($"The webhook notification holds {total:N0} changes, more than the {MaxEvents:N0} one notification may carry (Meta sends at most {MaxEvents:N0} updates in one POST); no event was read."));
            }

            var events = new List<WebhookEvent>(total);
            e = 0;
            foreach (var entry in entries.EnumerateArray())
            {
                var account = GraphJson.Shown(GraphJson.Property(entry, "id"));
                var timeJson = GraphJson.Property(entry, "time");
                var time = UnixTime(timeJson);
                var c = 0;
                foreach (var change in entry.GetProperty("changes").EnumerateArray())
                {
                    if (change.ValueKind != JsonValueKind.Object) throw NotANotification($"entry[{e}].changes[{c}] is {Article(change.ValueKind)}, not an object");
                    var ev = Read(change);
                    ev.BusinessAccountId = account;
                    ev.Time = time;
                    ev.Id = StableId(account, ev.Field, timeJson, change);
                    events.Add(ev);
                    c++;
                }
                e++;
            }
            return events;
        }
    }

    /// <summary>
    /// The body as a document; refused when it is not JSON, or has a property name twice in one object:
    /// readers disagree on which one counts (this one took the last "changes" array and dropped the first).
    /// </summary>
    private static JsonDocument ParseJson(byte[] json)
    {
        try
        {
            return JsonDocument.Parse(json, NoDuplicateProperties);
        }
        catch (JsonException duplicateOrMalformed)
        {
            // The exception does not say which: read again allowing duplicates to tell.
            try
            {
                JsonDocument.Parse(json).Dispose();
            }
            catch (JsonException ex)
            {
                throw new WaWebhookException(WaWebhookException.MalformedJson,
                    $"The webhook body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}); no event was read.", ex);
            }
            throw new WaWebhookException(WaWebhookException.DuplicateProperty,
                "The webhook body has a property name twice in one object, which JSON readers take differently; no event was read.", duplicateOrMalformed);
        }
    }

    /// <summary>JSON text is UTF-8 (RFC 8259, 8.1): other bytes are refused here, so no value fails to decode later.</summary>
    private static void RequireUtf8(byte[] body)
    {
        try
        {
            StrictUtf8.GetCharCount(body);
        }
        catch (DecoderFallbackException ex)
        {
            throw new WaWebhookException(WaWebhookException.MalformedJson,
                FormattableString.Invariant($"The webhook body is not UTF-8 text (byte {ex.Index + 1}); no event was read."), ex);
        }
    }

    /// <summary>
    /// Meta escapes every non-ASCII character, so a text cut in the middle of an emoji arrives as a
    /// lone surrogate escape ("\ud83d"). JSON's grammar allows it, but it is no text and System.Text.Json
    /// will not read it. Each one becomes "\ufffd" (U+FFFD, the replacement character, in the same six
    /// bytes) rather than costing a genuine notification all its events. The body is copied only when
    /// it has one; a backslash outside a string is a syntax error the parser reports anyway.
    /// </summary>
    private static byte[] WithoutLoneSurrogates(byte[] body)
    {
        byte[]? copy = null;
        for (var i = 0; i < body.Length - 1; i++)
        {
            if (body[i] != '\\') continue;
            var unit = EscapedUnit(body, i);
            if (unit < 0xD800 || unit > 0xDFFF)
            {
                i++; // whatever is escaped, "\\" included, is not the start of another escape
                continue;
            }

            if (unit <= 0xDBFF && EscapedUnit(body, i + 6) is >= 0xDC00 and <= 0xDFFF)
            {
                i += 11; // a whole pair
                continue;
            }

            copy ??= (byte[])body.Clone();
            copy[i + 2] = (byte)'f';
            copy[i + 3] = (byte)'f';
            copy[i + 4] = (byte)'f';
            copy[i + 5] = (byte)'d';
            i += 5;
        }
        return copy ?? body;
    }

    /// <summary>The UTF-16 unit of the "\uXXXX" escape at <paramref name="at"/>; -1 when there is none.</summary>
    private static int EscapedUnit(byte[] body, int at)
    {
        if (at + 5 >= body.Length || body[at] != '\\' || body[at + 1] != 'u') return -1;
        var unit = 0;
        for (var k = at + 2; k <= at + 5; k++)
        {
            var c = (char)body[k];
            if (!Uri.IsHexDigit(c)) return -1;
            unit = unit * 16 + Uri.FromHex(c);
        }
        return unit;
    }

    private static WaWebhookException NotANotification(string why) =>
        new WaWebhookException(WaWebhookException.NotWhatsAppNotification,
            $"The webhook body is not a WhatsApp Business Account notification: {why}. No event was read.");

    private static WebhookEvent Read(JsonElement change)
    {
        var field = GraphJson.Shown(GraphJson.Property(change, "field"));
        var value = GraphJson.Property(change, "value") ?? default;
        var isObject = value.ValueKind == JsonValueKind.Object;
        var ev = !isObject ? new WebhookEvent() : field switch
        {
            "phone_number_quality_update" => QualityUpdate(value),
            "phone_number_name_update" => new NameUpdateEvent
            {
                Decision = Text(value, "decision"),
                RequestedVerifiedName = Text(value, "requested_verified_name"),
                RejectionReason = Text(value, "rejection_reason"),
            },
            "account_update" => AccountUpdate(value),
            "account_review_update" => new AccountReviewUpdateEvent { Decision = Text(value, "decision") },
            "security" => new SecurityEvent { Requester = Text(value, "requester") },
            "account_alerts" => AccountAlert(value),
            "messages" => Messages(value),
            _ => new WebhookEvent(),
        };
        ev.Field = field;
        ev.Value = value.ValueKind == JsonValueKind.Undefined ? "null" : value.GetRawText();
        if (isObject)
        {
            ev.Event ??= Text(value, "event");
            ev.DisplayPhoneNumber ??= PlusDigits(Text(value, "display_phone_number"));
        }
        return ev;
    }

    private static QualityUpdateEvent QualityUpdate(JsonElement value)
    {
        var ev = new QualityUpdateEvent
        {
            CurrentLimit = Text(value, "current_limit"),
            OldLimit = Text(value, "old_limit"),
            MaxDailyConversationsPerBusiness = Text(value, "max_daily_conversations_per_business"),
        };
        ev.DailyMessageLimit = MessagingLimits.DailyLimit(ev.MaxDailyConversationsPerBusiness) ?? MessagingLimits.DailyLimit(ev.CurrentLimit);
        return ev;
    }

    private static AccountUpdateEvent AccountUpdate(JsonElement value)
    {
        // Meta's own examples put some keys in odd places: look in the documented object, then at the top.
        var violation = GraphJson.Property(value, "violation_info");
        var ban = GraphJson.Property(value, "ban_info");
        var ev = new AccountUpdateEvent
        {
            ViolationType = Text(violation, "violation_type") ?? Text(value, "violation_type"),
            BanState = Text(ban, "waba_ban_state") ?? Text(value, "waba_ban_state"),
            BanDate = Text(ban, "waba_ban_date") ?? Text(value, "waba_ban_date"),
        };
        var restrictions = new List<AccountRestriction>();
        var info = GraphJson.Property(value, "restriction_info");
        var items = info is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray().ToList()
            : info is { ValueKind: JsonValueKind.Object } one ? new List<JsonElement> { one }
            : new List<JsonElement>();
        foreach (var r in items)
        {
            if (r.ValueKind == JsonValueKind.Object)
                restrictions.Add(new AccountRestriction { RestrictionType = Text(r, "restriction_type"), Expiration = UnixTime(GraphJson.Property(r, "expiration")) });
        }

        ev.Restrictions = restrictions;
        return ev;
    }

    private static AccountAlertEvent AccountAlert(JsonElement value)
    {
        var alert = GraphJson.Property(value, "alert_info");
        var ev = new AccountAlertEvent
        {
            EntityType = Text(value, "entity_type"),
            EntityId = Text(value, "entity_id"),
            Severity = Text(alert, "alert_severity"),
            Status = Text(alert, "alert_status"),
            AlertType = Text(alert, "alert_type"),
            Description = Text(alert, "alert_description"),
        };
        if (ev.EntityType == "PHONE_NUMBER") ev.PhoneNumberId = ev.EntityId;
        return ev;
    }

    private static MessagesEvent Messages(JsonElement value)
    {
        var metadata = GraphJson.Property(value, "metadata");
        return new MessagesEvent
        {
            PhoneNumberId = Text(metadata, "phone_number_id"),
            DisplayPhoneNumber = PlusDigits(Text(metadata, "display_phone_number")),
            MessageCount = Count(value, "messages"),
            StatusCount = Count(value, "statuses"),
        };
    }

    private static int Count(JsonElement value, string name) =>
        GraphJson.Property(value, name) is { ValueKind: JsonValueKind.Array } a ? a.GetArrayLength() : 0;

    /// <summary>A property's text as every event property has it: cleaned and shortened like all server text (<see cref="GraphJson.Shown"/>).</summary>
    private static string? Text(JsonElement? e, string name) => e is { } v ? GraphJson.Shown(GraphJson.Property(v, name)) : null;

    /// <summary>"15550783881" or "+1 555-078-3881" → "+15550783881"; no digit → $null.</summary>
    internal static string? PlusDigits(string? number)
    {
        var digits = Digits(number);
        return digits.Length == 0 ? null : "+" + digits;
    }

    internal static string Digits(string? number) => number == null ? "" : new string(number.Where(ch => ch >= '0' && ch <= '9').ToArray());

    private static DateTimeOffset? UnixTime(JsonElement? e)
    {
        long seconds;
        if (e is { ValueKind: JsonValueKind.Number } n && n.TryGetInt64(out var fromNumber)) seconds = fromNumber;
        else if (e is { ValueKind: JsonValueKind.String } s && long.TryParse(s.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var fromText)) seconds = fromText;
        else return null;
        try
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>
    /// SHA-256 of the account, field, entry time and the change written compactly (whitespace and
    /// string escapes normalised), as 32 hex digits: a re-delivery of the same change has the same Id.
    /// </summary>
    private static string StableId(string? account, string? field, JsonElement? time, JsonElement change)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Canonical))
        {
            w.WriteStartArray();
            w.WriteStringValue(account);
            w.WriteStringValue(field);
            if (time is { } t) t.WriteTo(w);
            else w.WriteNullValue();
            change.WriteTo(w);
            w.WriteEndArray();
        }
        using var sha = SHA256.Create();
        var hash = sha.ComputeHash(buffer.ToArray());
        var sb = new StringBuilder(32);
        for (var i = 0; i < 16; i++) sb.Append(hash[i].ToString("x2", CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    private static string Article(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.Null => "null",
        _ => "a boolean",
    };

    /// <summary>A short, clean description of an untrusted value for an error message.</summary>
    private static string Describe(JsonElement e) =>
        e.ValueKind == JsonValueKind.String ? $"\"{ServerText.Shorten(GraphJson.Text(e), 80)}\"" : Article(e.ValueKind);
}
