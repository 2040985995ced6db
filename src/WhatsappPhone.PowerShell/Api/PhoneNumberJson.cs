using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using WhatsappPhone.Models;

namespace WhatsappPhone.Api;

/// <summary>The phone-number fields the module asks for, and how a Graph object becomes a <see cref="PhoneNumber"/>.</summary>
internal static class PhoneNumberJson
{
    /// <summary>The limit field was renamed in v24: asking a newer version for the old one can fail with (#100) nonexisting field.</summary>
    public const int FirstVersionWithBusinessManagerLimit = 24;
    private const string OldLimitField = "messaging_limit_tier";
    private const string NewLimitField = "whatsapp_business_manager_messaging_limit";

    private static readonly string[] CommonFields =
    {
        "id", "display_phone_number", "verified_name", "status", "quality_rating",
        "code_verification_status", "name_status", "new_name_status", "new_display_name", "platform_type", "throughput",
        "account_mode", "is_official_business_account", "is_pin_enabled", "certificate",
        "last_onboarded_time", "health_status",
    };

    /// <summary>Graph field names that complete in -Property (documented phone-number fields).</summary>
    public static readonly IReadOnlyList<string> KnownFields = CommonFields.Concat(new[]
    {
        NewLimitField, OldLimitField, "is_preverified_number", "is_on_biz_app", "new_certificate",
        "search_visibility", "eligibility_for_api_business_global_search", "webhook_configuration",
    }).Distinct().ToArray();

    /// <summary>The default fields for a version, plus any extra ones asked for, each once.</summary>
    public static IReadOnlyList<string> FieldsFor(int majorVersion, IEnumerable<string>? extra = null)
    {
        var fields = new List<string>(CommonFields)
        {
            majorVersion >= FirstVersionWithBusinessManagerLimit ? NewLimitField : OldLimitField,
        };
        if (extra != null)
        {
            foreach (var f in extra)
            {
                var name = f.Trim();
                if (name.Length > 0 && !fields.Contains(name, StringComparer.Ordinal)) fields.Add(name);
            }
        }

        return fields;
    }

    /// <summary>
    /// Reads one phone-number object. Unknown fields are ignored unless named in
    /// <paramref name="extraFields"/>, in which case they are kept as text.
    /// </summary>
    public static PhoneNumber Read(JsonElement e, string? businessAccountId = null, ICollection<string>? extraFields = null)
    {
        var n = new PhoneNumber { BusinessAccountId = businessAccountId };
        foreach (var p in e.EnumerateObject())
        {
            string name;
            // A name that is not valid UTF-8 cannot be a field the module knows: skip it, keep the rest.
            try { name = p.Name; }
            catch (InvalidOperationException) { continue; }
            var v = p.Value;
            switch (name)
            {
                case "id": n.Id = GraphJson.Shown(v) ?? ""; break;
                case "display_phone_number": n.DisplayPhoneNumber = GraphJson.Shown(v); break;
                case "verified_name": n.VerifiedName = GraphJson.Shown(v); break;
                case "status": n.Status = GraphJson.Shown(v); break;
                case "quality_rating": n.QualityRating = GraphJson.Shown(v); break;
                case NewLimitField: n.MessagingLimitTier = GraphJson.Shown(v) ?? n.MessagingLimitTier; break;
                case OldLimitField: n.MessagingLimitTier ??= GraphJson.Shown(v); break;
                case "code_verification_status": n.CodeVerificationStatus = GraphJson.Shown(v); break;
                case "name_status": n.NameStatus = GraphJson.Shown(v); break;
                case "new_name_status": n.NewNameStatus = GraphJson.Shown(v); break;
                case "new_display_name": n.NewDisplayName = GraphJson.Shown(v); break;
                case "platform_type": n.PlatformType = GraphJson.Shown(v); break;
                case "throughput": n.ThroughputLevel = v.ValueKind == JsonValueKind.Object ? GraphJson.Shown(GraphJson.Property(v, "level")) : GraphJson.Shown(v); break;
                case "account_mode": n.AccountMode = GraphJson.Shown(v); break;
                case "is_official_business_account": n.IsOfficialBusinessAccount = Bool(v); break;
                case "is_pin_enabled": n.IsPinEnabled = Bool(v); break;
                case "certificate": n.Certificate = GraphJson.Shown(v); break;
                case "last_onboarded_time": n.LastOnboardedTime = Time(GraphJson.Shown(v)); break;
                case "health_status": ReadHealth(v, n); break;
                default:
                    if (extraFields != null && extraFields.Contains(name))
                        (n.AdditionalFields ??= new Dictionary<string, string?>(StringComparer.Ordinal))[name] = GraphJson.Shown(v);
                    break;
            }
        }
        n.DailyMessageLimit = MessagingLimits.DailyLimit(n.MessagingLimitTier);
        return n;
    }

    private static void ReadHealth(JsonElement v, PhoneNumber n)
    {
        var health = HealthStatusJson.Read(v);
        n.HealthStatus = health.CanSendMessage;
        n.HealthAccountId = health.AccountId;
        if (health.Errors.Count == 0) return;
        n.HealthErrors = health.Errors;
        n.HealthIssues = health.IssuesText;
    }

    private static bool? Bool(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String when bool.TryParse(GraphJson.Shown(v), out var b) => b,
        _ => null,
    };

    /// <summary>Graph writes times as 2024-05-01T12:00:00+0000, an offset without a colon.</summary>
    internal static DateTimeOffset? Time(string? s)
    {
        if (string.IsNullOrEmpty(s)) return null;
        var formats = new[] { "yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mm:ssK" };
        if (s!.Length > 5 && (s[s.Length - 5] == '+' || s[s.Length - 5] == '-') && s.IndexOf(':', s.Length - 5) < 0)
            s = s.Insert(s.Length - 2, ":");
        return DateTimeOffset.TryParseExact(s, formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            || DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out t)
            ? t : (DateTimeOffset?)null;
    }
}
