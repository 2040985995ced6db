using System.Text.Json;
using WhatsappPhone.Models;

namespace WhatsappPhone.Api;

/// <summary>How subscribed_apps entries and a number's webhook_configuration become typed objects.</summary>
internal static class WebhookJson
{
    public static WebhookSubscription ReadSubscription(JsonElement e, string businessAccountId)
    {
        var app = GraphJson.Property(e, "whatsapp_business_api_data");
        return new WebhookSubscription
        {
            BusinessAccountId = businessAccountId,
            AppId = app is { } a ? GraphJson.Text(GraphJson.Property(a, "id")) : null,
            AppName = app is { } n ? GraphJson.Text(GraphJson.Property(n, "name")) : null,
            AppLink = app is { } l ? GraphJson.Text(GraphJson.Property(l, "link")) : null,
            OverrideCallbackUri = Uri(GraphJson.Property(e, "override_callback_uri")),
        };
    }

    /// <summary>{"webhook_configuration":{"phone_number","whatsapp_business_account","application"}}; a missing object is no callback at all.</summary>
    public static PhoneNumberWebhook ReadConfiguration(JsonElement node, string phoneNumberId)
    {
        var result = new PhoneNumberWebhook { PhoneNumberId = GraphJson.Text(GraphJson.Property(node, "id")) ?? phoneNumberId };
        if (GraphJson.Property(node, "webhook_configuration") is { ValueKind: JsonValueKind.Object } c)
        {
            result.PhoneNumberCallbackUri = Uri(GraphJson.Property(c, "phone_number"));
            result.BusinessAccountCallbackUri = Uri(GraphJson.Property(c, "whatsapp_business_account"));
            result.ApplicationCallbackUri = Uri(GraphJson.Property(c, "application"));
        }
        return result;
    }

    /// <summary>A callback as shown (<see cref="WebhookInput.ForDisplay"/>: no query, which may hold a key); an empty string is how Graph writes "no override".</summary>
    private static string? Uri(JsonElement? v) => GraphJson.Text(v) is { Length: > 0 } s ? WebhookInput.ForDisplay(s) : null;
}
