using System.Text.Json;
using System.Text.Json.Nodes;
using WhatsappPhone.Emulator.State;
using WhatsappPhone.Emulator.Webhooks;

namespace WhatsappPhone.Emulator.Graph;

/// <summary>
/// Webhook subscriptions (/{waba-id}/subscribed_apps) and a number's webhook_configuration override.
/// A callback is accepted only after its verification GET succeeds; a number's override only once
/// the app is subscribed to the number's WABA.
/// </summary>
public static partial class GraphEndpoints
{
    private const string MustBeSubscribed =
        "Before override the current callback uri, your app must be subscribed to receive messages for WhatsApp Business Account";

    /// <summary>POST /{id}: the webhook override when webhook_configuration is sent, else the PIN.</summary>
    private static Task<IResult> PostNode(string id, GraphCall call, EmulatorState state) =>
        call.Param("webhook_configuration") is { } configuration
            ? SetNumberWebhook(id, configuration, call, state)
            : Task.FromResult(SetPin(id, call, state));

    private static IResult ListSubscribedApps(string id, GraphCall call, EmulatorState state)
    {
        if (state.World.Waba(id) is null) return NotAnEdgeOf(id, "subscribed_apps", call, state);
        var data = new JsonArray();
        if (state.Webhooks.Subscriptions.TryGetValue(id, out var subscription))
        {
            var app = new JsonObject
            {
                ["whatsapp_business_api_data"] = new JsonObject
                {
                    ["link"] = WebhookState.AppLink,
                    ["name"] = WebhookState.AppName,
                    ["id"] = WebhookState.AppId,
                },
            };
            if (subscription.OverrideCallbackUri is { } uri) app["override_callback_uri"] = uri;
            data.Add(app);
        }
        return call.Ok(new JsonObject { ["data"] = data });
    }

    /// <summary>Subscribes the app; with override_callback_uri (and verify_token) after the handshake; without, clearing an override.</summary>
    private static async Task<IResult> SubscribeApp(string id, GraphCall call, EmulatorState state)
    {
        if (state.World.Waba(id) is null) return NotAnEdgeOf(id, "subscribed_apps", call, state, "post");
        string? uri = null;
        if (call.Param("override_callback_uri") is { Length: > 0 } requested)
        {
            var (callback, error) = await VerifiedCallbackAsync("override_callback_uri", requested, call, state);
            if (error is not null) return call.Fail(error);
            uri = callback;
        }
        state.Webhooks.Subscriptions[id] = new Subscription(uri);
        foreach (var number in state.World.Waba(id)!.PhoneNumbers) WebhookRouting.Refresh(state, number);
        return call.Success();
    }

    private static IResult UnsubscribeApp(string id, GraphCall call, EmulatorState state)
    {
        if (state.World.Waba(id) is null) return NotAnEdgeOf(id, "subscribed_apps", call, state, "delete");
        state.Webhooks.Subscriptions.Remove(id);
        foreach (var number in state.World.Waba(id)!.PhoneNumbers) WebhookRouting.Refresh(state, number);
        return call.Success();
    }

    /// <summary>POST /{phone-number-id} {"webhook_configuration":{"override_callback_uri","verify_token"}}; "" removes the override.</summary>
    private static async Task<IResult> SetNumberWebhook(string id, string configuration, GraphCall call, EmulatorState state)
    {
        if (state.World.Number(id) is not { } number) return call.Fail(GraphErrors.ObjectNotFound(id, "post"));
        JsonObject? json;
        try
        {
            json = JsonNode.Parse(configuration) as JsonObject;
        }
        catch (JsonException)
        {
            json = null;
        }
        if (json is null) return call.Fail(GraphErrors.InvalidParameter("Param webhook_configuration must be a JSON object"));
        if (json["override_callback_uri"] is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            return call.Fail(GraphErrors.MissingParameter("webhook_configuration[override_callback_uri]"));
        }
        var requested = value.GetValue<string>();
        if (requested.Length == 0)
        {
            state.Webhooks.NumberOverrides.Remove(id);
            WebhookRouting.Refresh(state, number);
            return call.Success();
        }
        if (!state.Webhooks.Subscriptions.ContainsKey(number.WabaId)) return call.Fail(GraphErrors.InvalidParameter(MustBeSubscribed));
        var token = json["verify_token"] is JsonValue t && t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : null;
        var (callback, error) = await VerifiedCallbackAsync("webhook_configuration[override_callback_uri]", requested, call, state, token, tokenName: "webhook_configuration[verify_token]");
        if (error is not null) return call.Fail(error);
        state.Webhooks.NumberOverrides[id] = callback!;
        WebhookRouting.Refresh(state, number);
        return call.Success();
    }

    /// <summary>The callback checked (an absolute https URL; http only to this machine) and verified with its handshake.</summary>
    private static async Task<(string? Uri, GraphError? Error)> VerifiedCallbackAsync(
        string name, string requested, GraphCall call, EmulatorState state, string? token = null, string tokenName = "verify_token")
    {
        if (!Uri.TryCreate(requested, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return (null, GraphErrors.InvalidParameter($"Param {name} must be a valid URL"));
        }
        // Meta requires https; the emulator also takes http to this machine, where test listeners run.
        if (uri.Scheme == Uri.UriSchemeHttp && !Handshake.IsLocal(uri))
        {
            return (null, GraphErrors.InvalidParameter($"Param {name} must be an https URL"));
        }
        token ??= call.Param("verify_token");
        if (string.IsNullOrEmpty(token)) return (null, GraphErrors.MissingParameter(tokenName));
        return await Handshake.VerifyAsync(state.HandshakeClient, uri, token, call.Http.RequestAborted) is { } failed
            ? (null, failed)
            : (requested, null);
    }
}
