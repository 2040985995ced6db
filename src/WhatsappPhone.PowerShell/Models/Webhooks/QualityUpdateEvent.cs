namespace WhatsappPhone.Models.Webhooks;

/// <summary>
/// phone_number_quality_update: a number's messaging limit or throughput changed. Event is in
/// either vocabulary: FLAGGED, UNFLAGGED, UPGRADE, DOWNGRADE (older) or ONBOARDING,
/// THROUGHPUT_UPGRADE (current), or any other. The event never carries the quality rating:
/// re-read the number (Get-WaPhoneNumber) for it.
/// </summary>
public sealed class QualityUpdateEvent : WebhookEvent
{
    /// <summary>current_limit, such as TIER_10K (announced as removed from February 2026).</summary>
    public string? CurrentLimit { get; internal set; }
    /// <summary>old_limit, such as TIER_1K.</summary>
    public string? OldLimit { get; internal set; }
    /// <summary>max_daily_conversations_per_business, such as TIER_UNLIMITED.</summary>
    public string? MaxDailyConversationsPerBusiness { get; internal set; }
    /// <summary>
    /// The new limit as conversations per 24 hours, as PhoneNumber.DailyMessageLimit has it:
    /// from max_daily_conversations_per_business, else current_limit; 2147483647 for
    /// TIER_UNLIMITED; $null when neither is a known tier.
    /// </summary>
    public int? DailyMessageLimit { get; internal set; }
}
