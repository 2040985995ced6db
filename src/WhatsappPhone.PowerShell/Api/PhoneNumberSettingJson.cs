using System;
using System.IO;
using System.Text.Json;
using WhatsappPhone.Models;

namespace WhatsappPhone.Api;

/// <summary>How GET /{id}/settings becomes a <see cref="PhoneNumberSetting"/>, and the bodies of POST /{id}/settings.</summary>
internal static class PhoneNumberSettingJson
{
    public const string LocalStorageOn = "IN_COUNTRY_STORAGE_ENABLED";
    public const string LocalStorageOff = "DEFAULT";

    public static PhoneNumberSetting Read(JsonElement e, string phoneNumberId)
    {
        var setting = new PhoneNumberSetting { PhoneNumberId = phoneNumberId };
        using var buffer = new MemoryStream();
        using (var others = new Utf8JsonWriter(buffer))
        {
            others.WriteStartObject();
            if (e.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in e.EnumerateObject())
                {
                    switch (p.Name)
                    {
                        case "storage_configuration":
                            setting.LocalStorageStatus = GraphJson.Shown(GraphJson.Property(p.Value, "status"));
                            setting.LocalStorageRegion = GraphJson.Shown(GraphJson.Property(p.Value, "data_localization_region"));
                            // Meta's pages write the status in capitals, the OpenAPI in lower case.
                            setting.LocalStorageEnabled = string.Equals(setting.LocalStorageStatus, LocalStorageOn, StringComparison.OrdinalIgnoreCase);
                            break;
                        case "user_identity_change":
                            setting.IdentityKeyCheck = GraphJson.Property(p.Value, "enable_identity_key_check") switch
                            {
                                { ValueKind: JsonValueKind.True } => true,
                                { ValueKind: JsonValueKind.False } => false,
                                _ => null,
                            };
                            break;
                        default:
                            p.WriteTo(others);
                            break;
                    }
                }
            }

            others.WriteEndObject();
        }
        var text = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        setting.OtherSettings = text == "{}" ? null : text;
        return setting;
    }

    /// <summary>{"storage_configuration":{...}}: on with a region, or off (DEFAULT) with none.</summary>
    public static void WriteStorage(Utf8JsonWriter w, string? region)
    {
        w.WriteStartObject("storage_configuration");
        w.WriteString("status", region == null ? LocalStorageOff : LocalStorageOn);
        if (region != null) w.WriteString("data_localization_region", region);
        w.WriteEndObject();
    }

    public static void WriteIdentityKeyCheck(Utf8JsonWriter w, bool enabled)
    {
        w.WriteStartObject("user_identity_change");
        w.WriteBoolean("enable_identity_key_check", enabled);
        w.WriteEndObject();
    }
}
