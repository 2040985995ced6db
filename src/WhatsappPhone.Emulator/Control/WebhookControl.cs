using System.Globalization;
using System.Text.Json.Nodes;
using WhatsappPhone.Emulator.State;
using WhatsappPhone.Emulator.Webhooks;
using static WhatsappPhone.Emulator.Control.ControlEndpoints;

namespace WhatsappPhone.Emulator.Control;

/// <summary>
/// The control API's webhook part: the app's secret and callback, the delivery log, and the state
/// changes Meta notifies (quality or limit, name decision, PIN, account ban, an incoming message),
/// each of which queues a signed notification where Meta would send it.
/// </summary>
public static class WebhookControl
{
    private static readonly string[] Tiers = ["TIER_50", "TIER_250", "TIER_1K", "TIER_2K", "TIER_10K", "TIER_100K", "TIER_UNLIMITED"];
    private static readonly string[] Decisions = ["APPROVED", "DEFERRED", "PENDING", "REJECTED"];
    private static readonly string[] BanStates = ["DISABLE", "REINSTATE", "SCHEDULE_FOR_DISABLE"];

    internal static readonly ControlRoute[] Routes =
    [
        new("GET", "/_emulator/webhooks", null, "The app (id, name, callbackUri, retry settings; never the secret), subscriptions, number overrides and ban states."),
        new("POST", "/_emulator/webhooks", "{\"appSecret\"?,\"callbackUri\"?,\"maxAttempts\"?,\"retryDelayMs\"?,\"deliveryTimeoutMs\"?}",
            "Sets the app's secret and default callback (\"\" clears it) and how later notifications are retried: an attempt that gets no 2xx " +
            "within deliveryTimeoutMs (3000) is tried again retryDelayMs (1000) later on the emulator's clock, doubling up to an hour, " +
            "until maxAttempts (100) or 36 hours on that clock. POST /_emulator/clock makes due retries go at once."),
        new("GET", "/_emulator/webhooks/deliveries", null,
            "Notifications in order: [{id,url,wabaId,field,body,signature,status (pending, delivered, failed, cancelled),attempts,lastStatus,lastError,nextAttempt}]."),
        new("DELETE", "/_emulator/webhooks/deliveries", null, "Clears the delivery log; undelivered notifications are dropped."),
        new("POST", "/_emulator/numbers/{id}/quality", "{\"qualityRating\"?,\"messagingLimitTier\"?,\"event\"?}",
            "Changes quality or limit and notifies phone_number_quality_update (event from the change unless given)."),
        new("POST", "/_emulator/numbers/{id}/name", "{\"decision\",\"requestedVerifiedName\"?,\"rejectionReason\"?}",
            "Decides the display name and notifies phone_number_name_update."),
        new("POST", "/_emulator/numbers/{id}/pin", "{\"pin\",\"requester\"?}", "Someone else sets the PIN; notifies security PIN_CHANGED."),
        new("POST", "/_emulator/wabas/{id}/ban", "{\"state\":\"DISABLE|REINSTATE|SCHEDULE_FOR_DISABLE\",\"date\"?}",
            "Sets the account's ban state and notifies account_update DISABLED_UPDATE."),
        new("POST", "/_emulator/numbers/{id}/messages", "{\"from\"?,\"text\"?}", "An incoming message: notifies messages, routed by the overrides."),
    ];

    internal static void Map(RouteGroupBuilder control)
    {
        control.MapGet("/webhooks", (EmulatorState state) => Results.Json(Describe(state), Json));
        control.MapPost("/webhooks", async (HttpContext http, EmulatorState state) =>
        {
            var (request, error) = await ReadAsync<AppRequest>(http);
            if (error is not null) return error;
            var app = state.Webhooks;
            if (request!.AppSecret is { } secret && (secret.Length == 0 || secret.Any(char.IsWhiteSpace))) return Problem(400, "appSecret must be non-empty, without spaces.");
            if (request.MaxAttempts is not (null or (>= 1 and <= 100))) return Problem(400, "maxAttempts must be between 1 and 100.");
            if (request.RetryDelayMs is not (null or (>= 0 and <= 600_000))) return Problem(400, "retryDelayMs must be between 0 and 600000.");
            if (request.DeliveryTimeoutMs is not (null or (>= 100 and <= 60_000))) return Problem(400, "deliveryTimeoutMs must be between 100 and 60000.");
            string? callback = null;
            if (request.CallbackUri is { Length: > 0 } uri)
            {
                try
                {
                    callback = EmulatorOptions.CheckCallbackUri("callbackUri", uri);
                }
                catch (ArgumentException e)
                {
                    return Problem(400, e.Message);
                }
            }
            if (request.AppSecret is not null) app.AppSecret = request.AppSecret;
            if (request.CallbackUri is not null) app.CallbackUri = callback;
            if (request.MaxAttempts is { } attempts) app.MaxAttempts = attempts;
            if (request.RetryDelayMs is { } delay) app.RetryDelayMs = delay;
            if (request.DeliveryTimeoutMs is { } timeout) app.DeliveryTimeoutMs = timeout;
            WebhookRouting.RefreshAll(state);
            return Results.Json(Describe(state), Json);
        });
        control.MapGet("/webhooks/deliveries", (EmulatorState state) => Results.Json(state.Delivery.Records, Json));
        control.MapDelete("/webhooks/deliveries", (EmulatorState state) =>
        {
            state.Delivery.Clear();
            return Done();
        });
        control.MapPost("/numbers/{id}/quality", async (string id, HttpContext http, EmulatorState state) =>
        {
            if (state.World.Number(id) is not { } number) return NoNumber(id);
            var (request, error) = await ReadAsync<QualityRequest>(http);
            if (error is not null) return error;
            var oldTier = number.WhatsappBusinessManagerMessagingLimit ?? number.MessagingLimitTier;
            var newTier = request!.MessagingLimitTier ?? oldTier;
            if (request.MessagingLimitTier is { } tier && !Tiers.Contains(tier)) return Problem(400, $"messagingLimitTier must be one of {string.Join(", ", Tiers)}.");
            if (request.QualityRating is { } rating && rating is not ("GREEN" or "YELLOW" or "RED" or "UNKNOWN")) return Problem(400, "qualityRating must be GREEN, YELLOW, RED or UNKNOWN.");
            var @event = request.Event ?? DefaultQualityEvent(number.QualityRating, request.QualityRating, oldTier, newTier);
            if (@event is null) return Problem(400, "Nothing changes: give another qualityRating or messagingLimitTier, or an event.");
            if (request.QualityRating is { } quality) number.QualityRating = quality;
            if (request.MessagingLimitTier is { } limit)
            {
                number.WhatsappBusinessManagerMessagingLimit = limit;
                number.MessagingLimitTier = limit == "TIER_2K" ? "TIER_1K" : limit;
            }
            return Notified(WebhookRouting.Notify(state, number.WabaId, number.Id, "phone_number_quality_update",
                Notifications.QualityUpdate(number, @event, oldTier, newTier)));
        });
        control.MapPost("/numbers/{id}/name", async (string id, HttpContext http, EmulatorState state) =>
        {
            if (state.World.Number(id) is not { } number) return NoNumber(id);
            var (request, error) = await ReadAsync<NameRequest>(http);
            if (error is not null) return error;
            if (request!.Decision is not { } decision || !Decisions.Contains(decision)) return Problem(400, $"decision must be one of {string.Join(", ", Decisions)}.");
            var requested = request.RequestedVerifiedName ?? number.VerifiedName;
            switch (decision)
            {
                case "APPROVED":
                    number.VerifiedName = requested;
                    number.NameStatus = "APPROVED";
                    break;
                case "REJECTED":
                    number.NameStatus = "DECLINED";
                    break;
                default:
                    number.NameStatus = "PENDING_REVIEW";
                    break;
            }
            return Notified(WebhookRouting.Notify(state, number.WabaId, number.Id, "phone_number_name_update",
                Notifications.NameUpdate(number, decision, requested, decision == "REJECTED" ? request.RejectionReason ?? "UNKNOWN" : null)));
        });
        control.MapPost("/numbers/{id}/pin", async (string id, HttpContext http, EmulatorState state) =>
        {
            if (state.World.Number(id) is not { } number) return NoNumber(id);
            var (request, error) = await ReadAsync<PinRequest>(http);
            if (error is not null) return error;
            if (request!.Pin is not { Length: 6 } pin || !pin.All(char.IsAsciiDigit)) return Problem(400, "pin must be six digits.");
            NumberLifecycle.SetPin(number, pin);
            return Notified(WebhookRouting.Notify(state, number.WabaId, number.Id, "security", Notifications.Security(number, "PIN_CHANGED", request.Requester)));
        });
        control.MapPost("/wabas/{id}/ban", async (string id, HttpContext http, EmulatorState state) =>
        {
            if (state.World.Waba(id) is null) return Problem(404, $"No WABA with ID {id}.");
            var (request, error) = await ReadAsync<BanRequest>(http);
            if (error is not null) return error;
            if (request!.State is not { } banState || !BanStates.Contains(banState)) return Problem(400, $"state must be one of {string.Join(", ", BanStates)}.");
            state.Webhooks.BanStates[id] = banState;
            var date = request.Date ?? state.Clock.Now.ToString("MMMM d, yyyy", CultureInfo.InvariantCulture);
            return Notified(WebhookRouting.Notify(state, id, null, "account_update", Notifications.Ban(banState, date)));
        });
        control.MapPost("/numbers/{id}/messages", async (string id, HttpContext http, EmulatorState state) =>
        {
            if (state.World.Number(id) is not { } number) return NoNumber(id);
            var (request, error) = await ReadAsync<MessageRequest>(http);
            if (error is not null) return error;
            return Notified(WebhookRouting.Notify(state, number.WabaId, number.Id, "messages",
                Notifications.Message(number, request!.From ?? "16505551234", request.Text ?? "Hello", state.Clock.Now)));
        });
    }

    /// <summary>Meta's older vocabulary, which receivers still meet: a limit raised or lowered, a quality flagged or cleared.</summary>
    private static string? DefaultQualityEvent(string? oldQuality, string? newQuality, string? oldTier, string? newTier)
    {
        int Rank(string? t) => Array.IndexOf(Tiers, t);
        if (Rank(newTier) > Rank(oldTier)) return "UPGRADE";
        if (Rank(newTier) < Rank(oldTier)) return "DOWNGRADE";
        if (newQuality is null || newQuality == oldQuality) return null;
        return newQuality is "YELLOW" or "RED" ? "FLAGGED" : "UNFLAGGED";
    }

    private static IResult NoNumber(string id) => Problem(404, $"No phone number with ID {id}.");

    private static IResult Notified((DeliveryRecord? Record, string? NotSent) outcome) =>
        Results.Json(new { delivery = outcome.Record, notSent = outcome.NotSent }, Json);

    private static JsonObject Describe(EmulatorState state)
    {
        var app = state.Webhooks;
        return new JsonObject
        {
            ["appId"] = WebhookState.AppId,
            ["appName"] = WebhookState.AppName,
            ["callbackUri"] = app.CallbackUri,
            ["maxAttempts"] = app.MaxAttempts,
            ["retryDelayMs"] = app.RetryDelayMs,
            ["deliveryTimeoutMs"] = app.DeliveryTimeoutMs,
            ["subscriptions"] = new JsonArray([.. app.Subscriptions.Select(s => (JsonNode)new JsonObject
            {
                ["wabaId"] = s.Key,
                ["overrideCallbackUri"] = s.Value.OverrideCallbackUri,
            })]),
            ["numberOverrides"] = new JsonArray([.. app.NumberOverrides.Select(o => (JsonNode)new JsonObject
            {
                ["phoneNumberId"] = o.Key,
                ["callbackUri"] = o.Value,
            })]),
            ["banStates"] = new JsonObject([.. app.BanStates.Select(b => KeyValuePair.Create(b.Key, (JsonNode?)b.Value))]),
        };
    }

    private sealed record AppRequest(string? AppSecret, string? CallbackUri, int? MaxAttempts, int? RetryDelayMs, int? DeliveryTimeoutMs);

    private sealed record QualityRequest(string? QualityRating, string? MessagingLimitTier, string? Event);

    private sealed record NameRequest(string? Decision, string? RequestedVerifiedName, string? RejectionReason);

    private sealed record PinRequest(string? Pin, string? Requester);

    private sealed record BanRequest(string? State, string? Date);

    private sealed record MessageRequest(string? From, string? Text);
}
