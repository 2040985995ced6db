namespace WhatsappPhone.Models.Webhooks;

/// <summary>security: someone changed or is resetting a number's two-step PIN (Event PIN_CHANGED, PIN_RESET_REQUEST, PIN_REQUEST_SUCCESS).</summary>
public sealed class SecurityEvent : WebhookEvent
{
    /// <summary>Who asked, as Meta gives it.</summary>
    public string? Requester { get; internal set; }
}
