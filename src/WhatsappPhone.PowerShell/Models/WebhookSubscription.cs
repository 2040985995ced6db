namespace WhatsappPhone.Models
{
    /// <summary>
    /// An app subscribed to a WhatsApp Business Account's webhooks, as GET /{waba-id}/subscribed_apps
    /// returns it. A WABA without one receives no webhooks at all.
    /// </summary>
    public sealed class WebhookSubscription
    {
        /// <summary>The WhatsApp Business Account the app is subscribed to.</summary>
        public string BusinessAccountId { get; set; } = "";
        public string? AppId { get; set; }
        public string? AppName { get; set; }
        public string? AppLink { get; set; }
        /// <summary>Where the account's message webhooks go instead of the app's callback; $null when none.</summary>
        public string? OverrideCallbackUri { get; set; }

        public override string ToString() => $"{BusinessAccountId}: {AppName ?? AppId}";
    }
}
