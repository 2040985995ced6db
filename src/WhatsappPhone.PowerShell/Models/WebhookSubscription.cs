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

    /// <summary>
    /// Where a number's message webhooks go, as webhook_configuration reads back: each level that has
    /// a callback, and the one that applies (the most specific that exists).
    /// </summary>
    public sealed class PhoneNumberWebhook
    {
        public string PhoneNumberId { get; set; } = "";
        /// <summary>The number's own override (Set-WaPhoneNumberWebhook); $null when none.</summary>
        public string? PhoneNumberCallbackUri { get; set; }
        /// <summary>The account's override (Register-WaWebhookSubscription -OverrideCallbackUri); $null when none.</summary>
        public string? BusinessAccountCallbackUri { get; set; }
        /// <summary>The app's callback from the App Dashboard.</summary>
        public string? ApplicationCallbackUri { get; set; }

        /// <summary>Where messages for the number go. Quality, name, account and security events always go to the app's callback.</summary>
        public string? EffectiveCallbackUri => PhoneNumberCallbackUri ?? BusinessAccountCallbackUri ?? ApplicationCallbackUri;

        public override string ToString() => PhoneNumberId;
    }
}
