namespace WhatsappPhone.Models.Webhooks;

/// <summary>account_review_update: the review decision on the WhatsApp Business Account.</summary>
public sealed class AccountReviewUpdateEvent : WebhookEvent
{
    /// <summary>APPROVED, REJECTED, PENDING or DEFERRED.</summary>
    public string? Decision { get; internal set; }
}
