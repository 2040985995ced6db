using System;
using System.Collections.Generic;

namespace WhatsappPhone.Models;

/// <summary>
/// A WhatsApp Business phone number as the Graph API describes it, flattened so that every
/// property is a plain value (Export-Csv writes a value in every cell). Enum-like values are
/// kept as the API's strings: a value this module does not know passes through unchanged.
/// </summary>
public sealed class PhoneNumber
{
    /// <summary>The phone-number ID (not the phone number itself).</summary>
    public string Id { get; set; } = "";
    /// <summary>The phone number as Meta shows it, such as +1 555-093-4873.</summary>
    public string? DisplayPhoneNumber { get; set; }
    /// <summary>The display name Meta verified.</summary>
    public string? VerifiedName { get; set; }
    /// <summary>CONNECTED, DISCONNECTED, PENDING, BANNED...: whether the number can send.</summary>
    public string? Status { get; set; }
    /// <summary>GREEN, YELLOW, RED or UNKNOWN.</summary>
    public string? QualityRating { get; set; }
    /// <summary>From whatsapp_business_manager_messaging_limit (v24+), else messaging_limit_tier.</summary>
    public string? MessagingLimitTier { get; set; }
    /// <summary>Conversations per 24 hours for the tier; 2147483647 for TIER_UNLIMITED; $null when unknown.</summary>
    public int? DailyMessageLimit { get; set; }
    /// <summary>The daily limit as the table shows it: Unlimited, 1K, 10K, 250; empty when unknown.</summary>
    public string DailyLimitText => DailyMessageLimit switch
    {
        null => "",
        int.MaxValue => "Unlimited",
        int limit when limit >= 1000 && limit % 1000 == 0 => $"{limit / 1000}K",
        int limit => limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
    /// <summary>VERIFIED, NOT_VERIFIED or EXPIRED: the SMS or voice verification of the number.</summary>
    public string? CodeVerificationStatus { get; set; }
    /// <summary>The review of the display name: APPROVED, PENDING_REVIEW, DECLINED...</summary>
    public string? NameStatus { get; set; }
    /// <summary>The review of a requested new display name.</summary>
    public string? NewNameStatus { get; set; }
    /// <summary>new_display_name: the display name in review or approved, until a registration makes it the verified name.</summary>
    public string? NewDisplayName { get; set; }
    /// <summary>
    /// True when a display-name change was approved but the number has not registered again since:
    /// the new name shows only after Register-WaPhoneNumber (within 14 days of the approval).
    /// </summary>
    public bool NameChangeAwaitingRegistration =>
        NewNameStatus == "APPROVED" && !string.IsNullOrEmpty(NewDisplayName) && NewDisplayName != VerifiedName;
    /// <summary>CLOUD_API, ON_PREMISE or NOT_APPLICABLE.</summary>
    public string? PlatformType { get; set; }
    /// <summary>The messaging throughput: STANDARD or HIGH.</summary>
    public string? ThroughputLevel { get; set; }
    /// <summary>LIVE or SANDBOX.</summary>
    public string? AccountMode { get; set; }
    /// <summary>Whether the number has the official business account badge.</summary>
    public bool? IsOfficialBusinessAccount { get; set; }
    /// <summary>Whether two-step verification (the PIN) is set.</summary>
    public bool? IsPinEnabled { get; set; }
    /// <summary>The certificate for the On-Premises API, as Graph gives it.</summary>
    public string? Certificate { get; set; }
    /// <summary>When the number was last onboarded.</summary>
    public DateTimeOffset? LastOnboardedTime { get; set; }
    /// <summary>health_status.can_send_message: AVAILABLE, LIMITED or BLOCKED.</summary>
    public string? HealthStatus { get; set; }
    /// <summary>The errors reported in health_status entities, one per line: "ENTITY id: code description".</summary>
    public string? HealthIssues { get; set; }
    /// <summary>The WhatsApp Business Account the number was listed from ($null when fetched by ID).</summary>
    public string? BusinessAccountId { get; set; }

    /// <summary>The errors of health_status entities, with Meta's possible solution, for Test-WaPhoneNumber.</summary>
    internal IReadOnlyList<HealthStatusError>? HealthErrors { get; set; }

    /// <summary>The WABA entity of health_status: the account of a number read by ID.</summary>
    internal string? HealthAccountId { get; set; }

    /// <summary>Fields requested with -Property that have no typed property, as JSON text or string.</summary>
    internal IDictionary<string, string?>? AdditionalFields { get; set; }

    /// <summary>The ID, so a PhoneNumber converted to a string is usable wherever an ID is expected.</summary>
    public override string ToString() => Id;
}

/// <summary>One error that health_status reports for an entity (the number, its account, the business, the app).</summary>
internal sealed class HealthStatusError
{
    public string? EntityType { get; set; }
    public string? EntityId { get; set; }
    public string? CanSendMessage { get; set; }
    public string? Code { get; set; }
    public string? Description { get; set; }
    public string? PossibleSolution { get; set; }
}
