namespace WhatsappPhone.Models.Webhooks;

/// <summary>
/// phone_number_name_update: Meta's decision on a display name. After a changed name is
/// APPROVED, the number must be registered again (within 14 days) for it to show.
/// </summary>
public sealed class NameUpdateEvent : WebhookEvent
{
    /// <summary>APPROVED, DEFERRED, PENDING or REJECTED.</summary>
    public string? Decision { get; internal set; }
    /// <summary>The display name that was requested.</summary>
    public string? RequestedVerifiedName { get; internal set; }
    /// <summary>Such as NAME_FORMAT_UNACCEPTABLE; $null unless rejected.</summary>
    public string? RejectionReason { get; internal set; }
}
