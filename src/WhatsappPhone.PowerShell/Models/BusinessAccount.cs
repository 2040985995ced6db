namespace WhatsappPhone.Models;

/// <summary>Whether a business portfolio owns a WhatsApp Business Account or manages it for a client.</summary>
public enum BusinessAccountOwnership
{
    /// <summary>The portfolio owns the account.</summary>
    Owned,
    /// <summary>The portfolio manages the account for a client.</summary>
    Client,
}

/// <summary>A WhatsApp Business Account (WABA) of a business portfolio. Piped into Get-WaPhoneNumber, it lists its numbers.</summary>
public sealed class BusinessAccount
{
    /// <summary>The WhatsApp Business Account ID.</summary>
    public string Id { get; set; } = "";
    /// <summary>The account's name.</summary>
    public string? Name { get; set; }
    /// <summary>The portfolio edge it was listed from; $null when read by ID (see <see cref="OwnershipType"/>).</summary>
    public BusinessAccountOwnership? Ownership { get; set; }
    /// <summary>The currency the account is billed in, such as USD.</summary>
    public string? Currency { get; set; }
    /// <summary>Graph's time-zone ID of the account.</summary>
    public string? TimezoneId { get; set; }
    /// <summary>The namespace of the account's message templates.</summary>
    public string? MessageTemplateNamespace { get; set; }
    /// <summary>account_review_status: PENDING, APPROVED or REJECTED. Numbers of an account that is not APPROVED cannot send.</summary>
    public string? AccountReviewStatus { get; set; }
    /// <summary>business_verification_status of the business behind the account, such as VERIFIED or UNVERIFIED.</summary>
    public string? BusinessVerificationStatus { get; set; }
    /// <summary>ownership_type, such as SELF_OWNED or CLIENT_OWNED.</summary>
    public string? OwnershipType { get; set; }
    /// <summary>health_status.can_send_message of the account: AVAILABLE, LIMITED or BLOCKED.</summary>
    public string? HealthStatus { get; set; }
    /// <summary>The errors reported in the account's health_status entities, one per line.</summary>
    public string? HealthIssues { get; set; }
    /// <summary>The business portfolio it was listed from ($null when read by ID).</summary>
    public string? BusinessId { get; set; }

    /// <summary>The errors of health_status entities, with Meta's possible solution, for Test-WaPhoneNumber.</summary>
    internal System.Collections.Generic.IReadOnlyList<HealthStatusError>? HealthErrors { get; set; }

    /// <inheritdoc/>
    public override string ToString() => Id;
}
