using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using WhatsappPhone.Models;

namespace WhatsappPhone.Api;

/// <summary>How GET /{id}/whatsapp_business_profile becomes a <see cref="BusinessProfile"/>.</summary>
internal static class BusinessProfileJson
{
    public static readonly string[] Fields = { "about", "address", "description", "email", "profile_picture_url", "websites", "vertical" };

    /// <summary>Reads data[0]; the OpenAPI nests the fields in a business_profile object, Meta's pages do not: both are read.</summary>
    public static BusinessProfile Read(JsonElement root, string phoneNumberId)
    {
        var profile = new BusinessProfile { PhoneNumberId = phoneNumberId };
        if (GraphJson.Property(root, "data") is not { ValueKind: JsonValueKind.Array } data) return profile;
        var first = data.EnumerateArray().FirstOrDefault();
        if (first.ValueKind != JsonValueKind.Object) return profile;
        if (GraphJson.Property(first, "business_profile") is { ValueKind: JsonValueKind.Object } nested) first = nested;
        profile.About = GraphJson.Shown(GraphJson.Property(first, "about"));
        profile.Address = GraphJson.Shown(GraphJson.Property(first, "address"));
        profile.Description = GraphJson.Shown(GraphJson.Property(first, "description"));
        profile.Email = GraphJson.Shown(GraphJson.Property(first, "email"));
        profile.Vertical = GraphJson.Shown(GraphJson.Property(first, "vertical"));
        profile.ProfilePictureUrl = GraphJson.Shown(GraphJson.Property(first, "profile_picture_url"));
        if (GraphJson.Property(first, "websites") is { ValueKind: JsonValueKind.Array } sites)
        {
            var list = new List<string>();
            foreach (var s in sites.EnumerateArray())
                if (GraphJson.Shown(s) is { Length: > 0 } url) list.Add(url);
            profile.Websites = list.ToArray();
        }
        return profile;
    }
}
