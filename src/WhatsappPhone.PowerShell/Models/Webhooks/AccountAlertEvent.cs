namespace WhatsappPhone.Models.Webhooks;

/// <summary>account_alerts: an alert about the business, the account or a number (PhoneNumberId is set when EntityType is PHONE_NUMBER).</summary>
public sealed class AccountAlertEvent : WebhookEvent
{
    /// <summary>BUSINESS, PHONE_NUMBER or another entity type.</summary>
    public string? EntityType { get; internal set; }
    /// <summary>The ID of the entity the alert is about.</summary>
    public string? EntityId { get; internal set; }
    /// <summary>alert_info.alert_severity: CRITICAL, WARNING or INFORMATIONAL.</summary>
    public string? Severity { get; internal set; }
    /// <summary>alert_info.alert_status, such as ACTIVE.</summary>
    public string? Status { get; internal set; }
    /// <summary>alert_info.alert_type, such as PROFILE_PICTURE_LOST.</summary>
    public string? AlertType { get; internal set; }
    /// <summary>alert_info.alert_description.</summary>
    public string? Description { get; internal set; }
}
