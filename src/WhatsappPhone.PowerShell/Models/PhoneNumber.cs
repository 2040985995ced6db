using System;
using System.Collections.Generic;

namespace WhatsappPhone.Models
{
    /// <summary>
    /// A WhatsApp Business phone number as the Graph API describes it, flattened so that every
    /// property is a plain value (Export-Csv writes a value in every cell). Enum-like values are
    /// kept as the API's strings: a value this module does not know passes through unchanged.
    /// </summary>
    public sealed class PhoneNumber
    {
        /// <summary>The phone-number ID (not the phone number itself).</summary>
        public string Id { get; set; } = "";
        public string? DisplayPhoneNumber { get; set; }
        public string? VerifiedName { get; set; }
        public string? Status { get; set; }
        public string? QualityRating { get; set; }
        /// <summary>From whatsapp_business_manager_messaging_limit (v24+), else messaging_limit_tier.</summary>
        public string? MessagingLimitTier { get; set; }
        /// <summary>Conversations per 24 hours for the tier; 2147483647 for TIER_UNLIMITED; $null when unknown.</summary>
        public int? DailyMessageLimit { get; set; }
        public string? CodeVerificationStatus { get; set; }
        public string? NameStatus { get; set; }
        public string? NewNameStatus { get; set; }
        /// <summary>new_display_name: the display name in review or approved, until a registration makes it the verified name.</summary>
        public string? NewDisplayName { get; set; }
        /// <summary>
        /// True when a display-name change was approved but the number has not registered again since:
        /// the new name shows only after Register-WaPhoneNumber (within 14 days of the approval).
        /// </summary>
        public bool NameChangeAwaitingRegistration =>
            NewNameStatus == "APPROVED" && !string.IsNullOrEmpty(NewDisplayName) && NewDisplayName != VerifiedName;
        public string? PlatformType { get; set; }
        public string? ThroughputLevel { get; set; }
        public string? AccountMode { get; set; }
        public bool? IsOfficialBusinessAccount { get; set; }
        public bool? IsPinEnabled { get; set; }
        public string? Certificate { get; set; }
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
}
