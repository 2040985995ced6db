using System.Text.Json;
using System.Text.Json.Nodes;
using WhatsappPhone.Emulator.State;

namespace WhatsappPhone.Emulator.Graph;

/// <summary>A field of a node type: how to read it (objects may be the model's own: copy before adding them to a document), and which API versions have it.</summary>
public sealed record FieldDef<T>(Func<T, DateTimeOffset, JsonNode?> Read, Func<Version, bool>? ExistsIn = null);

/// <summary>
/// The fields of one Graph node type and the ?fields= rules: the requested fields in request order,
/// id always included (last when not asked for, as Graph does), absent values left out.
/// </summary>
public sealed class FieldCatalog<T>(string nodeType, string[] defaults, IReadOnlyDictionary<string, FieldDef<T>> fields)
{
    public GraphError? TrySelect(GraphCall call, out IReadOnlyList<string> selection)
    {
        selection = defaults;
        var requested = FieldNames(call.Param("fields"));
        if (requested.Count == 0) return null;
        foreach (var name in requested)
        {
            if (!fields.TryGetValue(name, out var field) || field.ExistsIn?.Invoke(call.ApiVersion!) == false)
            {
                return GraphErrors.NonexistingField(name, nodeType);
            }
        }
        selection = requested;
        return null;
    }

    public JsonObject Render(T item, IReadOnlyList<string> selection, DateTimeOffset now)
    {
        var json = new JsonObject();
        foreach (var name in selection.Append("id"))
        {
            // Objects may be the model's own (throughput, health_status): a document gets a copy.
            if (!json.ContainsKey(name) && fields[name].Read(item, now) is { } value) json[name] = value is JsonObject or JsonArray ? value.DeepClone() : value;
        }
        return json;
    }

    /// <summary>
    /// The same object as <see cref="Render"/>, written straight to <paramref name="writer"/>: listings
    /// of thousands of numbers are served without building a document first.
    /// </summary>
    public void Write(Utf8JsonWriter writer, T item, IReadOnlyList<string> selection, DateTimeOffset now)
    {
        writer.WriteStartObject();
        var hasId = false;
        foreach (var name in selection)
        {
            hasId |= name == "id";
            WriteField(name);
        }
        if (!hasId) WriteField("id");
        writer.WriteEndObject();

        void WriteField(string name)
        {
            if (fields[name].Read(item, now) is not { } value) return;
            writer.WritePropertyName(name);
            value.WriteTo(writer);
        }
    }

    /// <summary>Every field whatever the version: the control API's state dump.</summary>
    public JsonObject RenderAll(T item, DateTimeOffset now) => Render(item, [.. fields.Keys], now);

    /// <summary>
    /// "a,b{c,d},e" gives a, b, e: Graph's sub-field syntax is accepted and the whole nested value returned.
    /// </summary>
    private static List<string> FieldNames(string? raw)
    {
        var names = new List<string>();
        if (string.IsNullOrWhiteSpace(raw)) return names;
        var depth = 0;
        var start = 0;
        for (var i = 0; i <= raw.Length; i++)
        {
            var c = i < raw.Length ? raw[i] : ',';
            if (c == '{')
            {
                depth++;
            }
            else if (c == '}')
            {
                depth--;
            }
            else if (c == ',' && depth == 0)
            {
                var name = raw[start..i].Split('{')[0].Trim();
                if (name.Length > 0 && !names.Contains(name)) names.Add(name);
                start = i + 1;
            }
        }
        return names;
    }
}

/// <summary>The node types the emulator serves.</summary>
public static class Fields
{
    private static readonly Version LastWithOldLimitField = new(23, 0);
    private static readonly Version FirstWithNewLimitField = new(24, 0);

    public static readonly FieldCatalog<PhoneNumber> PhoneNumber = new(
        "WhatsAppBusinessPhoneNumber",
        ["verified_name", "code_verification_status", "display_phone_number", "quality_rating", "platform_type", "throughput", "webhook_configuration", "id"],
        new Dictionary<string, FieldDef<PhoneNumber>>
        {
            ["id"] = new((n, _) => n.Id),
            ["display_phone_number"] = new((n, _) => n.DisplayPhoneNumber),
            ["verified_name"] = new((n, _) => n.VerifiedName),
            ["status"] = new((n, _) => n.Status),
            ["quality_rating"] = new((n, _) => n.QualityRating),
            ["code_verification_status"] = new((n, now) => n.VerificationStatusAt(now)),
            ["name_status"] = new((n, _) => n.NameStatus),
            ["new_name_status"] = new((n, _) => n.NewNameStatus),
            ["new_display_name"] = new((n, _) => n.NewDisplayName),
            ["platform_type"] = new((n, _) => n.PlatformType),
            ["throughput"] = new((n, _) => n.Throughput),
            ["messaging_limit_tier"] = new((n, _) => n.MessagingLimitTier, v => v <= LastWithOldLimitField),
            ["whatsapp_business_manager_messaging_limit"] = new((n, _) => n.WhatsappBusinessManagerMessagingLimit, v => v >= FirstWithNewLimitField),
            ["account_mode"] = new((n, _) => n.AccountMode),
            ["is_official_business_account"] = new((n, _) => n.IsOfficialBusinessAccount),
            ["is_pin_enabled"] = new((n, _) => n.Pin is not null),
            ["is_preverified_number"] = new((n, _) => n.IsPreverifiedNumber),
            ["is_on_biz_app"] = new((n, _) => n.IsOnBizApp),
            ["certificate"] = new((n, _) => n.Certificate),
            ["new_certificate"] = new((n, _) => n.NewCertificate),
            ["search_visibility"] = new((n, _) => n.SearchVisibility),
            ["eligibility_for_api_business_global_search"] = new((n, _) => n.EligibilityForApiBusinessGlobalSearch),
            ["last_onboarded_time"] = new((n, _) => n.LastOnboardedTime),
            ["health_status"] = new((n, _) => n.HealthStatus ?? Healthy(n)),
            ["webhook_configuration"] = new((n, _) => n.WebhookConfiguration),
        });

    public static readonly FieldCatalog<Waba> Waba = new(
        "WhatsAppBusinessAccount",
        ["id", "name", "currency", "timezone_id", "message_template_namespace"],
        new Dictionary<string, FieldDef<Waba>>
        {
            ["id"] = new((w, _) => w.Id),
            ["name"] = new((w, _) => w.Name),
            ["currency"] = new((w, _) => w.Currency),
            ["timezone_id"] = new((w, _) => w.TimezoneId),
            ["message_template_namespace"] = new((w, _) => w.MessageTemplateNamespace),
            ["account_review_status"] = new((w, _) => w.AccountReviewStatus),
            ["business_verification_status"] = new((w, _) => w.BusinessVerificationStatus),
            ["ownership_type"] = new((w, _) => w.OwnershipType),
            ["health_status"] = new((w, _) => w.HealthStatus ?? HealthyAccount(w)),
            ["country"] = new((w, _) => w.Country),
        });

    public static readonly FieldCatalog<Business> Business = new(
        "Business",
        ["id", "name"],
        new Dictionary<string, FieldDef<Business>>
        {
            ["id"] = new((b, _) => b.Id),
            ["name"] = new((b, _) => b.Name),
        });

    /// <summary>What Graph reports for an account nothing is wrong with.</summary>
    private static JsonObject HealthyAccount(Waba waba) => new()
    {
        ["can_send_message"] = "AVAILABLE",
        ["entities"] = new JsonArray(new JsonObject { ["entity_type"] = "WABA", ["id"] = waba.Id, ["can_send_message"] = "AVAILABLE" }),
    };

    /// <summary>What Graph reports for a number nothing is wrong with.</summary>
    private static JsonObject Healthy(PhoneNumber number) => new()
    {
        ["can_send_message"] = "AVAILABLE",
        ["entities"] = new JsonArray(
            new JsonObject { ["entity_type"] = "PHONE_NUMBER", ["id"] = number.Id, ["can_send_message"] = "AVAILABLE" },
            new JsonObject { ["entity_type"] = "WABA", ["id"] = number.WabaId, ["can_send_message"] = "AVAILABLE" }),
    };
}
