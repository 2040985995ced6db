using System.Text.Json.Nodes;
using WhatsappPhone.Emulator.State;

namespace WhatsappPhone.Emulator.Webhooks;

/// <summary>
/// Where Meta sends a change, as webhooks.md describes: nothing at all for a WABA the app is not
/// subscribed to; message fields to the most specific callback that exists (the number's override,
/// the WABA's override, the app's callback); every other field to the app's callback.
/// </summary>
public static class WebhookRouting
{
    public static string? Target(EmulatorState state, string wabaId, string? phoneNumberId, string field)
    {
        var app = state.Webhooks;
        if (!app.Subscriptions.TryGetValue(wabaId, out var subscription)) return null;
        if (Notifications.FollowsOverrides(field))
        {
            if (phoneNumberId is not null && app.NumberOverrides.TryGetValue(phoneNumberId, out var numberOverride)) return numberOverride;
            if (subscription.OverrideCallbackUri is { } wabaOverride) return wabaOverride;
        }
        return app.CallbackUri;
    }

    /// <summary>Queues the notification of one change; null (and why) when Meta would send it nowhere.</summary>
    public static (DeliveryRecord? Record, string? NotSent) Notify(EmulatorState state, string wabaId, string? phoneNumberId, string field, JsonObject value)
    {
        var now = state.Clock.Now;
        if (Target(state, wabaId, phoneNumberId, field) is not { } url)
        {
            return (null, state.Webhooks.Subscriptions.ContainsKey(wabaId)
                ? "The app has no callback URL (start the emulator with --callback-uri, or POST /_emulator/webhooks {\"callbackUri\"})."
                : $"The app is not subscribed to WABA {wabaId} (POST /{{version}}/{wabaId}/subscribed_apps): Meta sends it no webhooks.");
        }
        return (state.Delivery.Enqueue(url, wabaId, field, Notifications.Envelope(wabaId, now, field, value), state.Webhooks, now), null);
    }

    /// <summary>
    /// Rewrites a number's webhook_configuration as Graph reads it back: the callbacks that exist at
    /// each level (phone_number, whatsapp_business_account, application).
    /// </summary>
    public static void Refresh(EmulatorState state, PhoneNumber number)
    {
        var app = state.Webhooks;
        var configuration = number.WebhookConfiguration ?? [];
        Set(configuration, "phone_number", app.NumberOverrides.GetValueOrDefault(number.Id));
        Set(configuration, "whatsapp_business_account", app.Subscriptions.GetValueOrDefault(number.WabaId)?.OverrideCallbackUri);
        if (app.CallbackUri is not null) configuration["application"] = app.CallbackUri;
        number.WebhookConfiguration = configuration.Count == 0 ? null : configuration;
    }

    public static void RefreshAll(EmulatorState state)
    {
        foreach (var number in state.World.Wabas.SelectMany(w => w.PhoneNumbers)) Refresh(state, number);
    }

    private static void Set(JsonObject json, string key, string? value)
    {
        if (value is null) json.Remove(key);
        else json[key] = value;
    }
}
