namespace WhatsappPhone.Models;

/// <summary>
/// An app subscribed to a WhatsApp Business Account's webhooks, as GET /{waba-id}/subscribed_apps
/// returns it. A WABA without one receives no webhooks at all.
/// </summary>
public sealed class WebhookSubscription
{
    /// <summary>The WhatsApp Business Account the app is subscribed to.</summary>
    public string BusinessAccountId { get; set; } = "";
    /// <summary>The subscribed app's ID.</summary>
    public string? AppId { get; set; }
    /// <summary>The subscribed app's name.</summary>
    public string? AppName { get; set; }
    /// <summary>The subscribed app's link.</summary>
    public string? AppLink { get; set; }
    /// <summary>Where the account's message webhooks go instead of the app's callback; $null when none. A query, which may hold a key, shows as "?…".</summary>
    public string? OverrideCallbackUri { get; set; }

    /// <inheritdoc/>
    public override string ToString() => $"{BusinessAccountId}: {AppName ?? AppId}";
}
