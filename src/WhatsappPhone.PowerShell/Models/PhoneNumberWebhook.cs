namespace WhatsappPhone.Models;

/// <summary>
/// Where a number's message webhooks go, as webhook_configuration reads back: each level that has
/// a callback, and the one that applies (the most specific that exists). A callback's query, which
/// may hold a key (Azure Functions' ?code=), shows as "?…", so no view or serialization carries it.
/// </summary>
public sealed class PhoneNumberWebhook
{
    /// <summary>The phone-number ID whose webhook override this is.</summary>
    public string PhoneNumberId { get; set; } = "";
    /// <summary>The number's own override (Set-WaPhoneNumberWebhook); $null when none.</summary>
    public string? PhoneNumberCallbackUri { get; set; }
    /// <summary>The account's override (Register-WaWebhookSubscription -OverrideCallbackUri); $null when none.</summary>
    public string? BusinessAccountCallbackUri { get; set; }
    /// <summary>The app's callback from the App Dashboard.</summary>
    public string? ApplicationCallbackUri { get; set; }

    /// <summary>Where messages for the number go. Quality, name, account and security events always go to the app's callback.</summary>
    public string? EffectiveCallbackUri => PhoneNumberCallbackUri ?? BusinessAccountCallbackUri ?? ApplicationCallbackUri;

    /// <inheritdoc/>
    public override string ToString() => PhoneNumberId;
}
