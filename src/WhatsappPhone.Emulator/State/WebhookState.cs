namespace WhatsappPhone.Emulator.State;

/// <summary>
/// The emulator's app and its webhook routing: the app's secret and default callback (set by options
/// or the control API), which WABAs the app is subscribed to (with an optional override), the
/// per-number overrides, and account bans set through the control API. Guarded by the state gate.
/// </summary>
public sealed class WebhookState
{
    public const string AppId = "1409662856548932";
    public const string AppName = "WhatsappPhone Emulator App";
    public const string DefaultAppSecret = "emulator-app-secret";
    /// <summary>Meta retries for 36 hours rather than a number of times: the default limit is the largest.</summary>
    public const int DefaultMaxAttempts = 100;
    public const int DefaultRetryDelayMs = 1000;
    /// <summary>An endpoint that has not answered in 3 s has failed, as at Meta (webhooks.md: design for 3 s).</summary>
    public const int DefaultDeliveryTimeoutMs = 3000;

    public WebhookState(EmulatorOptions options)
    {
        AppSecret = options.AppSecret ?? DefaultAppSecret;
        CallbackUri = options.CallbackUri;
    }

    public static string AppLink => $"https://www.facebook.com/games/?app_id={AppId}";

    /// <summary>Signs every notification (X-Hub-Signature-256); never shown by the control API.</summary>
    public string AppSecret { get; set; }

    /// <summary>The app's default callback (App Dashboard > WhatsApp > Configuration); null: none configured.</summary>
    public string? CallbackUri { get; set; }

    /// <summary>Attempts per notification, the first included, at most; within 36 hours of its making in any case.</summary>
    public int MaxAttempts { get; set; } = DefaultMaxAttempts;

    /// <summary>The wait before the first retry, on the emulator's clock; it doubles for each later one (capped at an hour).</summary>
    public int RetryDelayMs { get; set; } = DefaultRetryDelayMs;

    /// <summary>How long an attempt waits for the endpoint's answer before it counts as failed.</summary>
    public int DeliveryTimeoutMs { get; set; } = DefaultDeliveryTimeoutMs;

    /// <summary>WABA ID to the app's subscription (null override: the app's callback).</summary>
    public Dictionary<string, Subscription> Subscriptions { get; } = [];

    /// <summary>Phone-number ID to its override callback.</summary>
    public Dictionary<string, string> NumberOverrides { get; } = [];

    /// <summary>WABA ID to its ban state (DISABLE, REINSTATE, SCHEDULE_FOR_DISABLE) as last set.</summary>
    public Dictionary<string, string> BanStates { get; } = [];
}

/// <summary>The app subscribed to a WABA's webhooks.</summary>
public sealed record Subscription(string? OverrideCallbackUri);
